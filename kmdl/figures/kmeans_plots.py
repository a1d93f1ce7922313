"""Figures of a K-means run: centroid paths, centroid images, inertia, restarts.

The functions take the arrays that :class:`kmdl.kmeans.TeachingKMeans`
records (``history_``, ``cluster_centers_``) or plain NumPy arrays, draw one
figure each and return the :class:`matplotlib.figure.Figure`. Where a function
takes ``ax``, it draws into that axes. Without one it creates the figure with
pyplot, so a notebook shows the figure once, at the end of the cell. Each
takes ``language`` ("en" or "zh_CN"), which picks the words of :data:`TEXT`;
names that the caller passes in English (runs, settings, metrics) are
translated when :data:`TEXT` has them.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

from kmdl.figures.languages import check_language, translate
from kmdl.figures.languages import words as _words

# matplotlib's ten-colour "tab10" palette. Cluster j gets colour j mod 10.
CLUSTER_COLOURS = plt.get_cmap("tab10").colors

#: Axis labels by language, and (under "names") Chinese for the English run,
#: setting and metric names that the site's pages pass.
#:
#: :meta hide-value:
TEXT = {
    "en": {"pc1": "PC 1", "pc2": "PC 2", "iteration": "iteration", "inertia": "inertia"},
    "zh_CN": {"pc1": "主成分 1", "pc2": "主成分 2", "iteration": "迭代次数", "inertia": "惯性"},
}
NAMES = {
    "zh_CN": {
        "random start": "随机初始化",
        "k-means++ start": "k-means++ 初始化",
        "random, n_init=1": "随机，n_init=1",
        "k-means++, n_init=1": "k-means++，n_init=1",
        "random, n_init=10": "随机，n_init=10",
        "k-means++, n_init=10": "k-means++，n_init=10",
        "inertia": "惯性",
        "acc": "ACC",
    }
}


def _new_axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def _history_arrays(history):
    """Return the centroids of every iteration as one (iterations, k, d) array and the last labels."""
    if len(history) == 0:
        raise ValueError("history is empty; pass the history_ of a fitted TeachingKMeans.")
    centroids = np.stack([np.asarray(step.centroids, dtype=np.float64) for step in history])
    return centroids, np.asarray(history[-1].labels)


def plot_centroid_paths(X, history, *, ax=None, random_state=0, xlabel=None, ylabel=None, language="en"):
    """Draw the samples and each centroid's path over the iterations in 2-D PCA coordinates.

    PCA is fitted on ``X`` only, so the centroids are placed in the same
    plane as the samples. Each sample is coloured by its cluster in the last
    iteration. Each centroid's path starts at an open circle (its initial
    position) and ends at a filled cross (its final position).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The samples that K-means clustered.
    history : sequence of :class:`kmdl.kmeans.Iteration`
        ``TeachingKMeans.history_``, one entry per iteration.
    ax : matplotlib Axes, optional
        Axes to draw into. A new figure is made when omitted.
    random_state : int, default=0
        Seed for PCA's solver, so that the axes' signs are reproducible.
    xlabel, ylabel : str, optional
        Axis labels; "PC 1" and "PC 2" in ``language`` by default.
    language : {"en", "zh_CN"}, default="en"
        Language of the default axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the sample scatter, one line per centroid path, and
        one scatter each for the start and end positions.

    Examples
    --------
    >>> import numpy as np
    >>> from kmdl.kmeans import TeachingKMeans
    >>> X = np.random.default_rng(0).normal(size=(60, 5))
    >>> model = TeachingKMeans(n_clusters=3, random_state=0).fit(X)
    >>> fig = plot_centroid_paths(X, model.history_)
    >>> len(fig.axes[0].lines)
    3
    """
    X = np.asarray(X, dtype=np.float64)
    centroids, labels = _history_arrays(history)
    if centroids.shape[2] != X.shape[1]:
        raise ValueError(
            f"The centroids have {centroids.shape[2]} features but X has {X.shape[1]}; "
            "pass the X that the model was fitted on."
        )
    n_steps, n_clusters, n_features = centroids.shape

    pca = PCA(n_components=2, random_state=random_state).fit(X)
    points = pca.transform(X)
    paths = pca.transform(centroids.reshape(-1, n_features)).reshape(n_steps, n_clusters, 2)

    fig, ax = _new_axes(ax, figsize=(6.4, 5.2))
    sample_colours = [CLUSTER_COLOURS[label % len(CLUSTER_COLOURS)] for label in labels]
    ax.scatter(points[:, 0], points[:, 1], c=sample_colours, s=6, alpha=0.25, linewidths=0)
    cluster_colours = [CLUSTER_COLOURS[c % len(CLUSTER_COLOURS)] for c in range(n_clusters)]
    for cluster in range(n_clusters):
        ax.plot(
            paths[:, cluster, 0], paths[:, cluster, 1], "-", marker=".", markersize=4,
            color=cluster_colours[cluster], markeredgecolor="black", linewidth=1.6, zorder=3,
        )
    ax.scatter(
        paths[0, :, 0], paths[0, :, 1], s=50, facecolors="white", edgecolors=cluster_colours,
        linewidths=1.8, zorder=4,
    )
    ax.scatter(
        paths[-1, :, 0], paths[-1, :, 1], s=90, marker="X", c=cluster_colours, edgecolors="black",
        linewidths=0.8, zorder=5,
    )
    text = _words(TEXT, language)
    ax.set_xlabel(text["pc1"] if xlabel is None else xlabel)
    ax.set_ylabel(text["pc2"] if ylabel is None else ylabel)
    return fig


def plot_centroid_images(centroids, image_shape=(8, 8), *, titles=None, ncols=10, cmap="gray_r", language="en"):
    """Draw each centroid as an image: the mean of the images in its cluster.

    Parameters
    ----------
    centroids : ndarray of shape (k, height * width)
        Flat centroids, such as ``TeachingKMeans.cluster_centers_``.
    image_shape : tuple of int, default=(8, 8)
        (height, width) of one image; height * width must equal the number of features.
    titles : sequence of str, optional
        One title per centroid, for example the class that ACC matched it to.
    ncols : int, default=10
        Images per row.
    cmap : str, default="gray_r"
        Colormap. The default draws ink (value 1) dark on a light background.
    language : {"en", "zh_CN"}, default="en"
        Accepted like the other figures; the figure has no words of its own.

    Returns
    -------
    matplotlib.figure.Figure
        ``ceil(k / ncols) * ncols`` axes; the first k show one image each and
        the rest are hidden.
    """
    check_language(language)
    centroids = np.asarray(centroids, dtype=np.float64)
    height, width = image_shape
    if centroids.ndim != 2 or centroids.shape[1] != height * width:
        raise ValueError(
            f"centroids have shape {centroids.shape}; expected (k, {height * width}) for "
            f"image_shape={tuple(image_shape)}. Pass flat centroids or the right image_shape."
        )
    n_clusters = centroids.shape[0]
    if titles is not None and len(titles) != n_clusters:
        raise ValueError(f"titles has {len(titles)} entries for {n_clusters} centroids; pass one per centroid.")

    ncols = min(ncols, n_clusters)
    nrows = int(np.ceil(n_clusters / ncols))
    # Each image is about 1 inch square. A title needs about 0.25 inch above its image.
    title_room = 0.25 if titles is not None else 0.0
    fig_height = (1.0 + title_room) * nrows
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.0 * ncols, fig_height), squeeze=False)
    # One colour scale for every image, so equal ink looks equal across clusters.
    vmin, vmax = float(centroids.min()), float(centroids.max())
    for index, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if index >= n_clusters:
            continue
        ax.imshow(centroids[index].reshape(height, width), cmap=cmap, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=12)
    fig.subplots_adjust(
        left=0.01, right=0.99, bottom=0.01, top=1.0 - (title_room + 0.02) / fig_height,
        wspace=0.08, hspace=title_room / (1.0 - title_room) + 0.05,
    )
    return fig


def plot_inertia_curves(runs, *, ax=None, xlabel=None, ylabel=None, language="en"):
    """Draw inertia against iteration for one or more K-means runs.

    Parameters
    ----------
    runs : mapping of str to sequence
        Run name to its inertias in iteration order, or to a
        ``TeachingKMeans.history_`` whose ``inertia`` values are plotted.
    ax : matplotlib Axes, optional
    xlabel, ylabel : str, optional
        Axis labels; "iteration" and "inertia" in ``language`` by default.
    language : {"en", "zh_CN"}, default="en"
        Language of the default labels and of the run names that :data:`NAMES` knows.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one line per run, numbered from iteration 1, and a legend.
    """
    if len(runs) == 0:
        raise ValueError("runs is empty; pass at least one run name and its inertias.")
    fig, ax = _new_axes(ax, figsize=(6.4, 3.6))
    for name, values in runs.items():
        inertias = [float(getattr(value, "inertia", value)) for value in values]
        label = translate(name, NAMES, language)
        ax.plot(np.arange(1, len(inertias) + 1), inertias, marker="o", markersize=3, label=label)
    text = _words(TEXT, language)
    ax.set_xlabel(text["iteration"] if xlabel is None else xlabel)
    ax.set_ylabel(text["inertia"] if ylabel is None else ylabel)
    ax.legend(frameon=False)
    return fig


def plot_restart_spread(results, metrics=("inertia", "acc"), *, ylabels=None, seed=0, language="en"):
    """Draw, for each setting, the spread of a metric over seeds as jittered dots and a median bar.

    Parameters
    ----------
    results : mapping of str to mapping of str to sequence of float
        ``results[setting][metric]`` contains one value per seed, for example
        ``{"random, n_init=1": {"inertia": [...], "acc": [...]}}``.
    metrics : sequence of str, default=("inertia", "acc")
        Metrics to draw, one axes each, side by side.
    ylabels : sequence of str, optional
        Axis label per metric; the metric names by default.
    seed : int, default=0
        Seed for the horizontal jitter of the dots.
    language : {"en", "zh_CN"}, default="en"
        Language of the setting names and axis labels that :data:`NAMES` knows.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per metric, each with one dot scatter and one median line per setting.
    """
    if len(results) == 0:
        raise ValueError("results is empty; pass at least one setting.")
    ylabels = list(metrics) if ylabels is None else list(ylabels)
    if len(ylabels) != len(metrics):
        raise ValueError(f"ylabels has {len(ylabels)} entries for {len(metrics)} metrics; pass one per metric.")
    settings = list(results)
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.4 * len(metrics), 3.6), layout="constrained", squeeze=False)
    for ax, metric, ylabel in zip(axes[0], metrics, ylabels):
        for position, setting in enumerate(settings):
            values = np.asarray(results[setting][metric], dtype=np.float64)
            jitter = rng.uniform(-0.15, 0.15, size=values.size)
            colour = CLUSTER_COLOURS[position % len(CLUSTER_COLOURS)]
            ax.scatter(position + jitter, values, s=16, color=colour, alpha=0.8, linewidths=0)
            median = float(np.median(values))
            ax.plot([position - 0.3, position + 0.3], [median, median], color="black", linewidth=1.5)
        names = [translate(setting, NAMES, language) for setting in settings]
        ax.set_xticks(range(len(settings)), names, rotation=30, ha="right")
        ax.set_ylabel(translate(ylabel, NAMES, language))
        ax.set_xlim(-0.6, len(settings) - 0.4)
    return fig

"""Figures of a clustering result: sample images per cluster, a matched confusion matrix,
clusterings of 2-D data sets and the silhouette score against k.

All take ``language`` ("en" or "zh_CN"), which picks the words of :data:`TEXT`.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, adjusted_rand_score

from kmdl.figures.languages import check_language, translate
from kmdl.figures.languages import words as _words
from kmdl.metrics import clustering_accuracy, match_clusters

#: Words of the figures by language.
#:
#: :meta hide-value:
TEXT = {
    "en": {
        "samples_title": "Sample images per cluster",
        "first_clusters": " (first {drawn} of {total} clusters)",
        "empty": "(empty)",
        "unmatched": "cluster {cluster} (unmatched)",
        "matched_column": "{name} (cluster {cluster})",
        "no_cluster": "{name} (no cluster)",
        "matched_axis": "Class matched to the cluster",
        "true_axis": "True class",
        "confusion_title": "Clusters matched to classes (ACC = {accuracy:.3f})",
    },
    "zh_CN": {
        "samples_title": "每个簇的样本图像",
        "first_clusters": "（只画出前 {drawn} 个簇，共 {total} 个）",
        "empty": "（空）",
        "unmatched": "簇 {cluster}（未匹配）",
        "matched_column": "{name}（簇 {cluster}）",
        "no_cluster": "{name}（无对应簇）",
        "matched_axis": "簇所匹配的类别",
        "true_axis": "真实类别",
        "confusion_title": "簇与类别的匹配（ACC = {accuracy:.3f}）",
    },
}

# Above this many classes the confusion matrix shows colours only, because
# the counts would not fit in their cells.
_MAX_ANNOTATED_LABELS = 20


def _displayable(image):
    """Return an image for ``imshow`` and its colour map: grey for 1 channel, RGB(A) for 3 or 4.

    Other channel counts are averaged to grey.
    """
    channels = image.shape[-1]
    if channels in (3, 4):
        return image, None
    if channels == 1:
        return image[..., 0], "gray"
    return image.mean(axis=-1), "gray"


def plot_cluster_samples(
    images, assignments, n_clusters=None, *, per_cluster=8, max_clusters=40, random_state=0, language="en"
):
    """Draw a grid with one row of sample images for each cluster.

    Parameters
    ----------
    images : ndarray of shape (n, height, width, channels)
        Pixels in [0, 1], as :class:`kmdl.data.ImageDataset` stores them.
    assignments : array-like of shape (n,)
        Cluster id of each image, integers 0..n_clusters-1.
    n_clusters : int, optional
        Number of clusters, so that an empty cluster still gets its row.
        Defaults to ``max(assignments) + 1``.
    per_cluster : int, default=8
        Images drawn per row, picked at random without replacement.
    max_clusters : int, default=40
        Clusters beyond the first ``max_clusters`` are left out, and the title
        gives how many are drawn.
    random_state : int, default=0
        Seed for picking the samples, so a rerun draws the same ones.
    language : {"en", "zh_CN"}, default="en"
        Language of the title and row labels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> digits = load_digits()
    >>> figure = plot_cluster_samples(digits.images, digits.labels, per_cluster=4)
    >>> len(figure.axes)
    40
    """
    text = _words(TEXT, language)
    images = np.asarray(images)
    assignments = np.asarray(assignments, dtype=np.int64)
    if n_clusters is None:
        n_clusters = int(assignments.max()) + 1
    n_drawn = min(n_clusters, max_clusters)
    rng = np.random.default_rng(random_state)
    figure, axes = plt.subplots(
        n_drawn,
        per_cluster,
        figsize=(0.9 * per_cluster + 1.2, 0.9 * n_drawn + 0.6),
        squeeze=False,
        layout="constrained",
    )
    for cluster in range(n_drawn):
        members = np.flatnonzero(assignments == cluster)
        picked = np.sort(rng.choice(members, size=min(per_cluster, members.size), replace=False))
        for column, ax in enumerate(axes[cluster]):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if column < picked.size:
                pixels, cmap = _displayable(images[picked[column]])
                ax.imshow(pixels, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        label = f"{cluster}\n(n={members.size})" if members.size else f"{cluster}\n{text['empty']}"
        axes[cluster, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    title = text["samples_title"]
    if n_drawn < n_clusters:
        title += text["first_clusters"].format(drawn=n_drawn, total=n_clusters)
    figure.suptitle(title)
    return figure


def plot_matched_confusion(y_true, assignments, *, ax=None, language="en"):
    """Draw the confusion matrix after matching each cluster to one class.

    Clusters are matched to classes one to one by the Hungarian algorithm
    (:func:`kmdl.metrics.match_clusters`), so the diagonal sums to the
    clustering accuracy times the number of samples. A cluster left without a
    class, because there are more clusters than classes, gets its own column
    named ``cluster j (unmatched)``. Columns name each class's matched cluster.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True classes, with the values to print on the axes (e.g. 1..k or names).
    assignments : array-like of shape (n,)
        Cluster id of each sample.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made by default.
    language : {"en", "zh_CN"}, default="en"
        Language of the title, axis labels and column names.

    Returns
    -------
    matplotlib.figure.Figure
    """
    text = _words(TEXT, language)
    y_true = np.asarray(y_true)
    assignments = np.asarray(assignments)
    mapping = match_clusters(y_true, assignments)
    classes = np.unique(y_true)
    names = [str(value) for value in classes.tolist()]
    unmatched = [cluster for cluster in np.unique(assignments).tolist() if cluster not in mapping]
    extra = [text["unmatched"].format(cluster=cluster) for cluster in unmatched]
    class_name = dict(zip(classes.tolist(), names))
    predicted_name = {cluster: class_name[value] for cluster, value in mapping.items()}
    predicted_name.update(zip(unmatched, extra))

    true_names = np.array([class_name[value] for value in y_true.tolist()], dtype=object)
    predicted_names = np.array([predicted_name[cluster] for cluster in assignments.tolist()], dtype=object)
    order = names + extra
    if ax is None:
        # One column per class and unmatched cluster, one row per class.
        width = min(3.5 + 0.4 * len(order), 16.0)
        height = min(3.0 + 0.4 * len(names), 14.0)
        _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    with warnings.catch_warnings():
        # scikit-learn warns about a single label even when ``labels`` is
        # given, but a 1x1 matrix is the correct result for one class.
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        display = ConfusionMatrixDisplay.from_predictions(
            true_names,
            predicted_names,
            labels=order,
            ax=ax,
            colorbar=False,
            cmap="Blues",
            include_values=len(order) <= _MAX_ANNOTATED_LABELS,
        )
    _scale_colours_from_zero(display)
    # Name each column's cluster as well, so the figure can be read next to
    # the per-cluster sample grid.
    cluster_of_class = {class_name[value]: cluster for cluster, value in mapping.items()}
    column_names = [
        text["matched_column"].format(name=name, cluster=cluster_of_class[name])
        if name in cluster_of_class
        else text["no_cluster"].format(name=name)
        for name in names
    ] + extra
    ax.set_xticklabels(column_names, rotation=45, ha="right", rotation_mode="anchor", fontsize=8)
    if extra:
        # The display is square, but no sample has an unmatched cluster as its
        # class, so those rows are all zero: crop them and their counts away.
        ax.set_ylim(len(names) - 0.5, -0.5)
        if display.text_ is not None:
            for count_label in display.text_[len(names):].ravel():
                count_label.set_visible(False)
    accuracy = clustering_accuracy(y_true, assignments)
    ax.set_xlabel(text["matched_axis"])
    ax.set_ylabel(text["true_axis"])
    ax.set_title(text["confusion_title"].format(accuracy=accuracy))
    return display.figure_


def _scale_colours_from_zero(display):
    """Map a count of 0 to the palest colour and pick each count's text colour for contrast.

    scikit-learn scales the colours from the smallest count in the matrix, so
    a matrix whose counts are all equal (one class, one cluster) is drawn as
    its palest colour with white text, which cannot be read.
    """
    largest = max(int(display.confusion_matrix.max()), 1)
    display.im_.set_clim(0, largest)
    if display.text_ is None:
        return
    dark, light = display.im_.cmap(1.0), display.im_.cmap(0.0)
    for count, text in zip(display.confusion_matrix.ravel(), display.text_.ravel()):
        text.set_color(light if count > largest / 2 else dark)


#: Chinese for the data set and method names that the site's pages pass.
#:
#: :meta hide-value:
NAMES = {
    "zh_CN": {
        "moons": "双月形",
        "circles": "同心圆",
        "elongated": "拉长的簇",
        "Gaussian mixture": "高斯混合模型",
        "spectral clustering": "谱聚类",
    }
}
_CLUSTERING_TITLE = {"en": "{data}: {method}\nARI {ari:.2f}", "zh_CN": "{data}：{method}\nARI {ari:.2f}"}
_SCORE_TEXT = {
    "en": {"k": "k (number of clusters)", "silhouette": "silhouette score"},
    "zh_CN": {"k": "k（簇的数量）", "silhouette": "轮廓系数"},
}


def plot_clusterings(datasets, labelings, *, language="en"):
    """Draw 2-D data sets clustered by several methods: one column per set, one row per method.

    Each panel colours the points by the method's clusters and is titled
    with the set, the method and the ARI against the true labels.

    Parameters
    ----------
    datasets : mapping of str to (ndarray of shape (n, 2), array-like of shape (n,))
        Set name to its points and true labels.
    labelings : mapping of str to mapping of str to array-like of shape (n,)
        ``labelings[set][method]`` is the cluster id of each point of that set.
        Every set must have the same number of methods.
    language : {"en", "zh_CN"}, default="en"
        Language of the titles; set and method names in :data:`NAMES` are translated.

    Returns
    -------
    matplotlib.figure.Figure
        ``rows * columns`` axes, row ``i`` for the ``i``-th method of each set.
    """
    template = _CLUSTERING_TITLE[check_language(language)]
    missing = sorted(set(datasets) - set(labelings))
    if missing:
        raise ValueError(f"labelings has no entry for the data sets {missing}; pass one per data set.")
    n_methods = {len(labelings[name]) for name in datasets}
    if len(n_methods) != 1:
        raise ValueError(f"The data sets have {sorted(n_methods)} methods each; pass the same number for every set.")
    rows = n_methods.pop()
    fig, axes = plt.subplots(rows, len(datasets), figsize=(10, 3 * rows), layout="constrained", squeeze=False)
    for column, (name, (points, truth)) in enumerate(datasets.items()):
        points = np.asarray(points)
        for row, (method, labels) in enumerate(labelings[name].items()):
            ax = axes[row, column]
            ax.scatter(points[:, 0], points[:, 1], c=labels, s=6, cmap="tab10", vmin=0, vmax=9)
            title = template.format(
                data=translate(name, NAMES, language),
                method=translate(method, NAMES, language),
                # Rounded first, so a slightly negative ARI reads 0.00, not -0.00.
                ari=round(adjusted_rand_score(truth, labels), 2) + 0.0,
            )
            ax.set_title(title, fontsize=11)
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xticks([])
            ax.set_yticks([])
    return fig


def plot_silhouette_by_k(k_values, scores, *, mark=None, ax=None, language="en"):
    """Draw the silhouette score against the number of clusters k.

    Parameters
    ----------
    k_values : sequence of int
    scores : sequence of float
        Silhouette score for each k.
    mark : int, optional
        A k to mark with a dashed vertical line, such as the number of classes.
    ax : matplotlib Axes, optional
    language : {"en", "zh_CN"}, default="en"
        Language of the axis labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(k_values) != len(scores):
        raise ValueError(f"k_values has {len(k_values)} entries and scores {len(scores)}; pass one score per k.")
    text = _words(_SCORE_TEXT, language)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3), layout="constrained")
    else:
        fig = ax.figure
    ax.plot(k_values, scores, marker="o")
    if mark is not None:
        ax.axvline(mark, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(text["k"])
    ax.set_ylabel(text["silhouette"])
    ax.grid(alpha=0.3)
    return fig

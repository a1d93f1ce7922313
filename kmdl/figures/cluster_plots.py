"""Figures of a clustering result: sample images per cluster and a matched confusion matrix.

Both take ``language`` ("en" or "zh_CN"), which picks the words of :data:`TEXT`.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from kmdl.figures.languages import words as _words
from kmdl.metrics import clustering_accuracy, match_clusters

#: Words of the figures by language.
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
        axes[cluster, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
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
    display = ConfusionMatrixDisplay.from_predictions(
        true_names,
        predicted_names,
        labels=order,
        ax=ax,
        colorbar=False,
        cmap="Blues",
        include_values=len(order) <= _MAX_ANNOTATED_LABELS,
    )
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
            for text in display.text_[len(names):].ravel():
                text.set_visible(False)
    accuracy = clustering_accuracy(y_true, assignments)
    ax.set_xlabel(text["matched_axis"])
    ax.set_ylabel(text["true_axis"])
    ax.set_title(text["confusion_title"].format(accuracy=accuracy))
    return display.figure_

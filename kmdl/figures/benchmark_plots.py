"""Figures of the clustering benchmark: ACC per method, and one group of misassigned images.

Both take ``language`` ("en" or "zh_CN"), which picks the words of :data:`TEXT`.
"""

import matplotlib.pyplot as plt
import numpy as np

from kmdl.figures.languages import check_language
from kmdl.figures.languages import words as _words

#: Words of the figures by language.
#:
#: :meta hide-value:
TEXT = {
    "en": {
        "acc_axis": "ACC (mean over seeds, with the standard deviation when there are several)",
        "acc_title": "Grey: classical baselines. Blue: deep methods.",
        "group_title": "true {true}, clustered with {assigned}",
    },
    "zh_CN": {
        "acc_axis": "ACC（各种子的平均值；多个种子时附标准差）",
        "acc_title": "灰色：经典基线方法。蓝色：深度方法。",
        "group_title": "真实为 {true}，被聚到 {assigned} 的簇",
    },
}

#: Names of the benchmark's methods by language, keyed by method name; English uses each row's label.
#:
#: :meta hide-value:
METHOD_NAMES = {
    "zh_CN": {
        "kmeans-pixels": "像素上的 K-means",
        "spectral": "谱聚类（最近邻图）",
        "tsne-kmeans": "t-SNE + K-means",
        "dec-kmeans-init": "DEC，K-means 初始化",
        "dec-random-init": "DEC，随机初始化",
        "deepcluster": "DeepCluster 式交替",
        "recommended": "推荐流程",
    },
}


def plot_benchmark_acc(summary, classical, *, language="en"):
    """Draw the mean ACC of each method as horizontal bars, classical baselines in grey.

    Parameters
    ----------
    summary : list of dict
        Rows of :func:`kmdl.deep.benchmark.summarise`: ``method``, ``label``,
        ``n_seeds``, ``acc_mean`` and ``acc_std``, in the order to draw from the top.
    classical : collection of str
        Method names drawn in grey; the others are drawn in blue.
    language : {"en", "zh_CN"}, default="en"
        Language of the axis label, the title and the method names.

    Returns
    -------
    matplotlib.figure.Figure
    """
    text = _words(TEXT, language)
    names = METHOD_NAMES.get(check_language(language), {})
    labels = [names.get(row["method"], row["label"]) for row in summary][::-1]
    means = np.array([row["acc_mean"] for row in summary])[::-1]
    spreads = np.array([row["acc_std"] for row in summary])[::-1]
    colours = ["tab:grey" if row["method"] in classical else "tab:blue" for row in summary][::-1]
    several_seeds = any(row["n_seeds"] > 1 for row in summary)

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(labels, means, xerr=spreads if several_seeds else None, color=colours)
    ax.set_xlim(0, 1)
    ax.set_xlabel(text["acc_axis"])
    ax.set_title(text["acc_title"])
    fig.tight_layout()
    return fig


def plot_error_group(images, group, correct, true_class, assigned_class, *, language="en"):
    """Draw misassigned images in the top row and correctly clustered images of the class they joined below.

    Parameters
    ----------
    images : ndarray of shape (n, h, w, 1)
        The image stack the indices point into, pixels in [0, 1].
    group : array-like of int
        Indices of images of ``true_class`` clustered with ``assigned_class``; the first 8 are drawn.
    correct : array-like of int
        Indices of images of ``assigned_class`` clustered correctly; the first 8 are drawn.
    true_class : int or str
        Class of the misassigned images, printed in the top row's title.
    assigned_class : int or str
        Class of the cluster they joined, printed in the bottom row's title.
    language : {"en", "zh_CN"}, default="en"
        Language of the row titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    text = _words(TEXT, language)
    fig, axes = plt.subplots(2, 8, figsize=(7, 2.1))
    for row, indices in enumerate([np.asarray(group)[:8], np.asarray(correct)[:8]]):
        for column, ax in enumerate(axes[row]):
            ax.axis("off")
            if column < len(indices):
                ax.imshow(images[indices[column], :, :, 0], cmap="gray_r")
    axes[0, 0].set_title(text["group_title"].format(true=true_class, assigned=assigned_class), loc="left", fontsize=9)
    axes[1, 0].set_title(text["group_title"].format(true=assigned_class, assigned=assigned_class), loc="left", fontsize=9)
    fig.tight_layout()
    return fig

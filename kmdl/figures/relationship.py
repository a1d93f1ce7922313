"""Figure 1: K-means, a deep network, and the three ways they connect.

The diagram is drawn with matplotlib patches, so it needs no image file and
rebuilds with the site. Words on it are few and all come from one mapping
per language (:data:`TEXT`), and a caller can replace any of them.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from kmdl.figures.languages import words as _words

#: English words drawn on the diagram, by key. Pass a dict with some of these keys to replace them.
#:
#: :meta hide-value:
DEFAULT_TEXT = {
    "kmeans": "K-means",
    "network": "deep network",
    "pseudo_labels": "pseudo-labels",
    "initialisation": "initial weights",
    "evaluation": "embeddings",
    "scores": "ACC · NMI · ARI",
}

#: Words drawn on the diagram, by language and key.
#:
#: :meta hide-value:
TEXT = {
    "en": DEFAULT_TEXT,
    "zh_CN": {
        "kmeans": "K-means",
        "network": "深度网络",
        "pseudo_labels": "伪标签",
        "initialisation": "初始权重",
        "evaluation": "嵌入",
        "scores": "ACC · NMI · ARI",
    },
}

# Colours of the three clusters in the K-means panel (tab10 blue, orange, green).
_CLUSTER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")
_LINK_COLOURS = ("#7b3294", "#d6604d", "#4393c3")
_NETWORK_LAYERS = (4, 5, 3, 3)  # nodes per layer: input, hidden, embedding, output


def _draw_kmeans_panel(ax, box):
    """Draw three clusters of points with their centroids inside ``box`` = (x, y, width, height)."""
    x0, y0, width, height = box
    rng = np.random.default_rng(3)
    centres = np.array([[0.28, 0.68], [0.72, 0.62], [0.45, 0.25]])
    for centre, colour in zip(centres, _CLUSTER_COLOURS):
        points = centre + rng.normal(scale=0.06, size=(12, 2))
        ax.scatter(x0 + points[:, 0] * width, y0 + points[:, 1] * height, s=14, color=colour, zorder=3)
        ax.scatter(
            x0 + centre[0] * width, y0 + centre[1] * height, s=110, marker="X", color=colour,
            edgecolors="black", linewidths=0.8, zorder=4,
        )


def _network_positions(box):
    """Return the node positions of each layer of the network panel, left to right."""
    x0, y0, width, height = box
    layers = []
    for index, count in enumerate(_NETWORK_LAYERS):
        x = x0 + width * (0.12 + 0.76 * index / (len(_NETWORK_LAYERS) - 1))
        ys = y0 + height * np.linspace(0.15, 0.85, count) if count > 1 else np.array([y0 + height / 2])
        layers.append(np.column_stack([np.full(count, x), ys]))
    return layers


def _draw_network_panel(ax, box):
    """Draw a fully connected network with a dark embedding layer and a thick-edged output layer."""
    layers = _network_positions(box)
    for left, right in zip(layers, layers[1:]):
        for start in left:
            for end in right:
                ax.plot([start[0], end[0]], [start[1], end[1]], color="0.75", linewidth=0.7, zorder=2)
    embedding_index = len(layers) - 2
    for index, nodes in enumerate(layers):
        face = "0.25" if index == embedding_index else "white"
        edge_width = 2.2 if index == len(layers) - 1 else 1.0
        for x, y in nodes:
            ax.add_patch(Circle((x, y), 0.13, facecolor=face, edgecolor="black", linewidth=edge_width, zorder=3))
    return layers


def _draw_link(ax, start, end, number, label, colour, rad, label_offset):
    """Draw one numbered arrow from ``start`` to ``end`` with its label beside the number."""
    arrow = FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=18, linewidth=2.0, color=colour,
        connectionstyle=f"arc3,rad={rad}", zorder=5, gid=f"link-{number}",
    )
    ax.add_patch(arrow)
    # The arrow's midpoint on the arc: the chord midpoint pushed sideways by rad * chord length.
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    chord = end - start
    normal = np.array([chord[1], -chord[0]])
    middle = (start + end) / 2 + rad * normal / 2
    ax.add_patch(Circle(middle, 0.24, facecolor=colour, edgecolor="none", zorder=6))
    ax.text(*middle, str(number), color="white", fontsize=12, fontweight="bold", ha="center", va="center", zorder=7)
    ax.text(middle[0], middle[1] + label_offset, label, color=colour, fontsize=11, ha="center",
            va="center", zorder=7)


def draw_relationship_diagram(text=None, *, ax=None, language="en"):
    """Draw K-means, a deep network and the three links between them.

    Link 1: K-means cluster ids (pseudo-labels) are the targets that train
    the network's output layer. Link 2: K-means centroids become initial
    weights of the network's first layer. Link 3: the network's embeddings
    (the dark layer) go back to K-means, whose clusters are scored against
    true labels with ACC, NMI and ARI.

    Parameters
    ----------
    text : mapping of str to str, optional
        Replacements for entries of :data:`DEFAULT_TEXT` (keys ``kmeans``,
        ``network``, ``pseudo_labels``, ``initialisation``, ``evaluation``, ``scores``).
    ax : matplotlib Axes, optional
        Axes to draw into. A new figure is made when omitted.
    language : {"en", "zh_CN"}, default="en"
        Language of the words (:data:`TEXT`). Draw Chinese with a CJK font,
        e.g. through :func:`kmdl.figures.languages.show`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes without ticks, holding three arrows whose ``gid`` is
        ``link-1``, ``link-2`` and ``link-3``.

    Examples
    --------
    >>> fig = draw_relationship_diagram()
    >>> sorted(p.get_gid() for p in fig.axes[0].patches if p.get_gid())
    ['link-1', 'link-2', 'link-3']
    """
    words = _words(TEXT, language)
    if text is not None:
        unknown = sorted(set(text) - set(DEFAULT_TEXT))
        if unknown:
            raise ValueError(f"text has unknown keys {unknown}; use keys from {sorted(DEFAULT_TEXT)}.")
        words.update(text)

    if ax is None:
        fig, ax = plt.subplots(figsize=(9.0, 4.6))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    else:
        fig = ax.figure
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.2, 6.2)
    ax.set_aspect("equal")
    ax.set_axis_off()

    # Each box is (x, y, width, height). The title takes its top 0.6 units.
    kmeans_box = (0.3, 1.2, 3.4, 3.5)
    network_box = (7.6, 1.2, 4.1, 3.5)
    for (x0, y0, width, height), title in ((kmeans_box, words["kmeans"]), (network_box, words["network"])):
        ax.add_patch(FancyBboxPatch(
            (x0, y0), width, height, boxstyle="round,pad=0.1,rounding_size=0.3",
            facecolor="#f4f4f4", edgecolor="0.3", linewidth=1.2, zorder=1,
        ))
        # Titles start at the left edge, clear of link 1, which comes down onto the output layer.
        ax.text(x0 + 0.2, y0 + height - 0.3, title, fontsize=13, fontweight="bold", ha="left", va="center")

    _draw_kmeans_panel(ax, kmeans_box[:3] + (kmeans_box[3] - 0.6,))
    layers = _draw_network_panel(ax, network_box[:3] + (network_box[3] - 0.6,))
    kmeans_right = kmeans_box[0] + kmeans_box[2] + 0.1
    kmeans_middle = kmeans_box[1] + kmeans_box[3] / 2

    # Link 1 arcs over the network to its output layer, and link 2 runs straight
    # to its first layer. Link 3 leaves the embedding layer and arcs back below.
    output_top = layers[-1][-1] + np.array([0.0, 0.18])
    _draw_link(ax, (kmeans_right - 0.6, kmeans_box[1] + kmeans_box[3] + 0.15), output_top, 1,
               words["pseudo_labels"], _LINK_COLOURS[0], rad=-0.25, label_offset=0.45)
    first_layer = layers[0][len(layers[0]) // 2] - np.array([0.2, 0.0])
    _draw_link(ax, (kmeans_right, kmeans_middle + 0.3), (first_layer[0], kmeans_middle + 0.3), 2,
               words["initialisation"], _LINK_COLOURS[1], rad=0.0, label_offset=0.45)
    embedding_bottom = layers[-2][0] - np.array([0.0, 0.18])
    _draw_link(ax, embedding_bottom, (kmeans_right - 0.6, kmeans_box[1] - 0.15), 3,
               words["evaluation"], _LINK_COLOURS[2], rad=-0.25, label_offset=-0.45)
    ax.text(kmeans_box[0] + kmeans_box[2] / 2, kmeans_box[1] - 0.6, words["scores"], color=_LINK_COLOURS[2],
            fontsize=11, ha="center", va="center")
    return fig

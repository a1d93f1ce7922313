"""Figures of the K-means pages and Figure 1, drawn with the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from kmdl.figures.kmeans_plots import (  # noqa: E402
    plot_centroid_images,
    plot_centroid_paths,
    plot_inertia_curves,
    plot_restart_spread,
)
from kmdl.figures.relationship import DEFAULT_TEXT, draw_relationship_diagram  # noqa: E402
from kmdl.kmeans import TeachingKMeans  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted(digits):
    X = digits.flat.astype(np.float64)
    return X, TeachingKMeans(n_clusters=10, init="random", random_state=0).fit(X)


def test_centroid_paths_has_one_line_per_centroid(fitted):
    X, model = fitted
    fig = plot_centroid_paths(X, model.history_)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.lines) == 10
    # Every path visits each recorded iteration once.
    assert all(len(line.get_xdata()) == len(model.history_) for line in ax.lines)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 3
    assert scatters[0].get_offsets().shape == (X.shape[0], 2)


def test_centroid_paths_end_at_final_centroids(fitted):
    X, model = fitted
    fig = plot_centroid_paths(X, model.history_)
    from sklearn.decomposition import PCA

    expected = PCA(n_components=2, random_state=0).fit(X).transform(model.cluster_centers_)
    ends = fig.axes[0].collections[2].get_offsets()
    np.testing.assert_allclose(ends, expected, atol=1e-8)


def test_centroid_paths_rejects_feature_mismatch(fitted):
    X, model = fitted
    with pytest.raises(ValueError, match="64 features but X has 10"):
        plot_centroid_paths(X[:, :10], model.history_)


def test_centroid_paths_rejects_empty_history(fitted):
    X, _ = fitted
    with pytest.raises(ValueError, match="history is empty"):
        plot_centroid_paths(X, [])


def test_centroid_paths_draws_into_given_axes(fitted):
    X, model = fitted
    fig, ax = plt.subplots()
    returned = plot_centroid_paths(X, model.history_, ax=ax)
    assert returned is fig
    assert len(ax.lines) == 10


def test_centroid_images_one_image_per_centroid(fitted):
    _, model = fitted
    titles = [f"c{i}" for i in range(10)]
    fig = plot_centroid_images(model.cluster_centers_, titles=titles)
    images = [a for ax in fig.axes for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 10
    assert images[0].get_array().shape == (8, 8)
    assert [ax.get_title() for ax in fig.axes] == titles


def test_centroid_images_hides_spare_axes():
    centroids = np.random.default_rng(0).random((7, 16))
    fig = plot_centroid_images(centroids, image_shape=(4, 4), ncols=4)
    assert len(fig.axes) == 8
    images = [a for ax in fig.axes for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 7


def test_centroid_images_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"expected \(k, 64\)"):
        plot_centroid_images(np.zeros((3, 10)))


def test_centroid_images_rejects_wrong_title_count():
    with pytest.raises(ValueError, match="titles has 2 entries for 3 centroids"):
        plot_centroid_images(np.zeros((3, 64)), titles=["a", "b"])


def test_inertia_curves_accepts_history_and_floats(fitted):
    _, model = fitted
    fig = plot_inertia_curves({"history": model.history_, "floats": [3.0, 2.0, 1.5]})
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [step.inertia for step in model.history_])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["history", "floats"]


def test_inertia_curves_rejects_empty():
    with pytest.raises(ValueError, match="runs is empty"):
        plot_inertia_curves({})


def test_restart_spread_axes_and_medians():
    results = {
        "a": {"inertia": [1.0, 2.0, 3.0], "acc": [0.5, 0.6, 0.7]},
        "b": {"inertia": [4.0, 5.0, 9.0], "acc": [0.1, 0.2, 0.3]},
    }
    fig = plot_restart_spread(results, ylabels=["inertia", "ACC"])
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.collections) == 2
        assert len(ax.lines) == 2
    medians = [line.get_ydata()[0] for line in fig.axes[0].lines]
    assert medians == [2.0, 5.0]
    assert fig.axes[1].get_ylabel() == "ACC"
    assert [tick.get_text() for tick in fig.axes[0].get_xticklabels()] == ["a", "b"]


def test_restart_spread_rejects_bad_ylabels():
    with pytest.raises(ValueError, match="ylabels has 1 entries for 2 metrics"):
        plot_restart_spread({"a": {"inertia": [1.0], "acc": [1.0]}}, ylabels=["x"])


def test_relationship_diagram_has_three_links():
    fig = draw_relationship_diagram()
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert sorted(arrow.get_gid() for arrow in arrows) == ["link-1", "link-2", "link-3"]
    texts = {text.get_text() for text in ax.texts}
    assert {"1", "2", "3"} <= texts
    assert set(DEFAULT_TEXT.values()) <= texts


def test_relationship_diagram_uses_given_text():
    fig = draw_relationship_diagram({"kmeans": "K均值", "network": "深度网络"})
    texts = {text.get_text() for text in fig.axes[0].texts}
    assert {"K均值", "深度网络", DEFAULT_TEXT["pseudo_labels"]} <= texts
    assert DEFAULT_TEXT["kmeans"] not in texts


def test_relationship_diagram_rejects_unknown_key():
    with pytest.raises(ValueError, match=r"unknown keys \['title'\]"):
        draw_relationship_diagram({"title": "x"})

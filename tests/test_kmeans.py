import numpy as np
import pytest
from sklearn.cluster import KMeans

from kmdl.exceptions import DataError
from kmdl.kmeans import TeachingKMeans, init_kmeans_plusplus, init_random


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("init_method", ["k-means++", "random"])
def test_teaching_kmeans_equals_sklearn_on_digits(digits, seed, init_method):
    X = digits.flat.astype(np.float64)
    if init_method == "random":
        start = init_random(X, 10, seed)
    else:
        start = init_kmeans_plusplus(X, 10, seed)
    ours = TeachingKMeans(n_clusters=10, init=start).fit(X)
    reference = KMeans(n_clusters=10, init=start, n_init=1, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels_, reference.labels_)
    assert ours.inertia_ == pytest.approx(reference.inertia_, rel=1e-10)
    assert ours.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, reference.cluster_centers_, atol=1e-10)


def test_history_records_each_iteration(digits):
    X = digits.flat.astype(np.float64)
    model = TeachingKMeans(n_clusters=10, random_state=0).fit(X)
    assert len(model.history_) >= model.n_iter_
    inertias = [step.inertia for step in model.history_]
    # Lloyd's algorithm never increases the inertia.
    assert all(later <= earlier + 1e-9 for earlier, later in zip(inertias, inertias[1:]))
    assert model.history_[-1].inertia == pytest.approx(model.inertia_)
    assert model.history_[0].centroids.shape == (10, 64)


def test_n_init_keeps_lowest_inertia(digits):
    X = digits.flat.astype(np.float64)
    single = [TeachingKMeans(10, n_init=1, random_state=seed).fit(X).inertia_ for seed in range(3)]
    best = TeachingKMeans(10, n_init=5, random_state=0).fit(X).inertia_
    assert best <= single[0] + 1e-9


def test_empty_cluster_is_reseeded_with_warning():
    X = np.array([[0.0], [0.1], [0.2], [10.0], [10.1]])
    # The third centroid is far from every sample, so its cluster starts empty.
    start = np.array([[0.0], [10.0], [100.0]])
    with pytest.warns(RuntimeWarning, match=r"Clusters \[2\]"):
        model = TeachingKMeans(n_clusters=3, init=start).fit(X)
    assert np.bincount(model.labels_, minlength=3).min() >= 1


def test_too_few_distinct_samples_raises():
    X = np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]])
    with pytest.raises(DataError, match="distinct samples \\(2 of 6\\)"):
        TeachingKMeans(n_clusters=3).fit(X)


def test_predict_and_transform(digits):
    X = digits.flat.astype(np.float64)
    model = TeachingKMeans(n_clusters=10, random_state=0).fit(X)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    distances = model.transform(X[:5])
    assert distances.shape == (5, 10)
    np.testing.assert_array_equal(distances.argmin(axis=1), model.labels_[:5])
    assert model.score(X) == pytest.approx(-model.inertia_)


def test_image_stack_is_flattened(digits):
    from_images = TeachingKMeans(n_clusters=10, random_state=0).fit(digits.images)
    from_vectors = TeachingKMeans(n_clusters=10, random_state=0).fit(digits.flat)
    np.testing.assert_array_equal(from_images.labels_, from_vectors.labels_)
    assert from_images.n_features_in_ == 64
    np.testing.assert_array_equal(from_images.predict(digits.images[:7]), from_vectors.labels_[:7])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tol": None}, "tol=None is invalid"),
        ({"tol": "a"}, "tol='a' is invalid"),
        ({"tol": -1.0}, "tol=-1.0 is invalid"),
        ({"tol": float("nan")}, "tol=nan is invalid"),
        ({"tol": float("inf")}, "tol=inf is invalid"),
        ({"random_state": -1}, "random_state=-1 is invalid"),
        ({"random_state": 2**32}, "random_state=4294967296 is invalid"),
        ({"random_state": 1.5}, "random_state=1.5 is invalid"),
        ({"max_iter": 0}, "max_iter=0 is invalid"),
        ({"n_init": 2.5}, "n_init=2.5 is invalid"),
        ({"init": "kmeans++"}, "init='kmeans\\+\\+' is invalid"),
    ],
)
def test_bad_parameters_named_in_error(params, expected):
    X = np.arange(40.0).reshape(20, 2)
    with pytest.raises(ValueError, match=expected):
        TeachingKMeans(n_clusters=2, **params).fit(X)

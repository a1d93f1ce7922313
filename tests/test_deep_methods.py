"""Tests of kmdl.deep: DEC, DeepCluster, the K-means probe, and their shared contracts.

Networks are kept small and training short so that the file runs in about a
minute and a half on two cores (83 s measured with nice -n 19 on the shared
2-core machine). The quality of the recommended pipeline is tested in
test_deep_recommended.py.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from kmdl.deep import (
    DEC,
    Autoencoder,
    ClusteringLayer,
    ContrastiveEncoder,
    DeepCluster,
    KMeansProbe,
    RecommendedClustering,
    embed_with,
    reassign_empty_clusters,
    sample_uniformly_over_clusters,
    target_distribution,
)
from kmdl.deep._base import prepare_input, warn_empty_clusters
from kmdl.exceptions import DataError
from kmdl.metrics import clustering_accuracy


@pytest.fixture(scope="module")
def small_digits(digits):
    """300 digits of the classes 0-4, as images and labels."""
    keep = np.flatnonzero(digits.labels < 5)[:300]
    return digits.images[keep], digits.labels[keep]


def tiny_autoencoder(**params):
    return Autoencoder(embedding_dim=5, hidden_units=(32,), epochs=5, batch_size=64, **params)


def tiny_dec(**params):
    defaults = dict(n_clusters=5, autoencoder=tiny_autoencoder(), update_interval=10, max_iter=40, n_init=3)
    defaults.update(params)
    return DEC(**defaults)


def tiny_deepcluster(**params):
    defaults = dict(n_clusters=5, n_rounds=2, feature_units=16, filters=(8,), pca_components=8, n_init=2)
    defaults.update(params)
    return DeepCluster(**defaults)


def tiny_contrastive(**params):
    defaults = dict(feature_units=16, projection_units=8, filters=(8,), steps=5, batch_size=64)
    defaults.update(params)
    return ContrastiveEncoder(**defaults)


def tiny_recommended(**params):
    defaults = dict(
        n_clusters=5,
        contrastive_steps=5,
        feature_units=16,
        umap_neighbors=15,
        umap_components=5,
        n_init=2,
        classifier_steps=30,
    )
    defaults.update(params)
    return RecommendedClustering(**defaults)


# --- input handling -----------------------------------------------------------


def test_prepare_input_image_and_flat_layouts():
    images = prepare_input(np.zeros((4, 6, 5), dtype=np.uint8) + 255)
    flat = prepare_input(np.ones((4, 30)))

    assert images.images.shape == (4, 6, 5, 1)
    assert images.flat.shape == (4, 30)
    assert images.flat.max() == 1.0
    assert flat.images is None
    assert flat.sample_shape == (30,)
    assert flat.flat.dtype == np.float32


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((2, 2, 2, 2, 2)), np.array([[np.nan, 1.0]])])
def test_prepare_input_rejects_bad_arrays(bad):
    with pytest.raises(DataError):
        prepare_input(bad)


def test_warn_empty_clusters_names_ids():
    with pytest.warns(RuntimeWarning, match=r"clusters \[1, 3\] of 4 empty"):
        empty = warn_empty_clusters(np.array([0, 0, 2]), 4, "Test")
    assert empty.tolist() == [1, 3]


# --- autoencoder ------------------------------------------------------------------


def test_autoencoder_embedding_shape_and_seed(small_digits):
    images, _ = small_digits
    first = tiny_autoencoder(random_state=3).fit(images)
    second = tiny_autoencoder(random_state=3).fit(images)

    assert first.transform(images).shape == (300, 5)
    assert first.reconstruct(images).shape == (300, 64)
    assert np.array_equal(first.transform(images), second.transform(images))
    assert first.history_["loss"][-1] < first.history_["loss"][0]


def test_autoencoder_rejects_other_sample_shape(small_digits):
    images, _ = small_digits
    model = tiny_autoencoder().fit(images)

    with pytest.raises(DataError, match="fitted on samples of shape"):
        model.transform(np.zeros((3, 4, 4)))


# --- DEC ---------------------------------------------------------------------------


def test_target_distribution_sharpens_rows():
    q = np.array([[0.6, 0.4], [0.5, 0.5], [0.2, 0.8]])
    p = target_distribution(q)

    assert np.allclose(p.sum(axis=1), 1.0)
    assert p[0, 0] > q[0, 0]
    assert p[2, 1] > q[2, 1]


def test_clustering_layer_config_round_trip():
    layer = ClusteringLayer(3, alpha=2.0, initial_centers=np.eye(3, 4), name="clustering")
    copy = ClusteringLayer.from_config(layer.get_config())

    assert copy.n_clusters == 3
    assert copy.alpha == 2.0
    assert copy.name == "clustering"
    assert np.array_equal(copy.initial_centers, layer.initial_centers)


def test_clustering_layer_rows_sum_to_one():
    layer = ClusteringLayer(3, initial_centers=np.eye(3, 4))
    q = np.asarray(layer(np.random.RandomState(0).normal(size=(6, 4)).astype("float32")))

    assert q.shape == (6, 3)
    assert np.allclose(q.sum(axis=1), 1.0, atol=1e-6)
    # A sample on a centre is assigned to that centre most strongly.
    on_centre = np.asarray(layer(np.eye(3, 4, dtype="float32")))
    assert on_centre.argmax(axis=1).tolist() == [0, 1, 2]


def test_dec_fit_predict_contract(small_digits):
    images, labels = small_digits
    dec = tiny_dec(random_state=1)
    assigned = dec.fit_predict(images)

    assert assigned.shape == (300,)
    assert set(np.unique(assigned)) <= set(range(5))
    assert dec.cluster_centers_.shape == (5, 5)
    assert dec.predict_proba(images[:7]).shape == (7, 5)
    assert np.array_equal(dec.predict(images), dec.labels_)
    assert dec.transform(images).shape == (300, 5)
    assert 0 < dec.n_iter_ <= 40
    # Five easy classes: even a tiny DEC should find structure well above chance (0.2).
    assert clustering_accuracy(labels, dec.labels_) > 0.5


def test_dec_same_seed_same_labels(small_digits):
    images, _ = small_digits
    first = tiny_dec(random_state=4).fit(images)
    second = tiny_dec(random_state=4).fit(images)

    assert np.array_equal(first.labels_, second.labels_)
    assert np.array_equal(first.cluster_centers_, second.cluster_centers_)


def test_deepcluster_top_seed_fits(small_digits):
    from kmdl.utils import MAX_SEED

    images, _ = small_digits
    model = tiny_deepcluster(random_state=MAX_SEED).fit(images)
    assert model.labels_.shape == (images.shape[0],)


def test_dec_reuses_fitted_autoencoder_unchanged(small_digits):
    images, _ = small_digits
    autoencoder = tiny_autoencoder(random_state=0).fit(images)
    before = autoencoder.transform(images)
    kmeans_init = tiny_dec(autoencoder=autoencoder, init="kmeans").fit(images)
    random_init = tiny_dec(autoencoder=autoencoder, init="random").fit(images)

    assert kmeans_init.autoencoder_ is autoencoder
    assert np.array_equal(autoencoder.transform(images), before)
    assert not np.allclose(kmeans_init.initial_centers_, random_init.initial_centers_)


def test_dec_random_init_uses_embedded_samples(small_digits):
    images, _ = small_digits
    autoencoder = tiny_autoencoder().fit(images)
    dec = tiny_dec(autoencoder=autoencoder, init="random", max_iter=1).fit(images)
    embedding = autoencoder.transform(images)

    for center in dec.initial_centers_:
        assert np.isclose(np.abs(embedding - center).sum(axis=1), 0, atol=1e-5).any()


def test_dec_warns_when_cluster_ends_empty():
    # Three distinct images cannot fill five clusters.
    images = np.repeat(np.eye(3, 16).reshape(3, 4, 4), 20, axis=0)
    with pytest.warns(RuntimeWarning, match=r"DEC ended with clusters \["):
        dec = tiny_dec(init="random", max_iter=10).fit(images)
    assert dec.empty_clusters_.size >= 2


def test_dec_accepts_flat_input(small_digits):
    images, _ = small_digits
    dec = tiny_dec().fit(images.reshape(300, -1))

    assert dec.input_shape_ == (64,)
    assert dec.labels_.shape == (300,)


@pytest.mark.parametrize(
    "params, message",
    [({"init": "pca"}, "init='pca' is invalid"), ({"max_iter": 0}, "max_iter=0"), ({"tol": 2}, "tol=2")],
)
def test_dec_rejects_bad_parameters(small_digits, params, message):
    with pytest.raises(ValueError, match=message):
        tiny_dec(**params).fit(small_digits[0])


def test_dec_fit_emits_no_deprecation_warning(small_digits):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny_dec(max_iter=10).fit(small_digits[0])

    deprecations = [str(warning.message) for warning in caught if issubclass(warning.category, DeprecationWarning)]
    assert deprecations == []


def test_dec_clone_keeps_parameters():
    dec = tiny_dec(init="random", alpha=2.0)
    copy = clone(dec)

    assert copy.get_params()["init"] == "random"
    assert copy.get_params()["alpha"] == 2.0


# --- DeepCluster -------------------------------------------------------------------


def test_reassign_empty_clusters_fills_every_cluster():
    rng = np.random.RandomState(0)
    features = rng.normal(size=(40, 3))
    labels = np.zeros(40, dtype=int)
    labels[20:] = 2
    centers = np.stack([features[:20].mean(0), np.zeros(3), features[20:].mean(0), np.zeros(3)])
    new_labels, new_centers, reassigned = reassign_empty_clusters(features, labels, centers, rng)

    assert reassigned == [1, 3]
    assert np.bincount(new_labels, minlength=4).min() > 0
    assert new_centers.shape == (4, 3)


def test_reassign_empty_clusters_leaves_full_clustering():
    features = np.arange(8.0).reshape(4, 2)
    labels = np.array([0, 0, 1, 1])
    new_labels, _, reassigned = reassign_empty_clusters(features, labels, np.zeros((2, 2)), np.random.RandomState(0))

    assert reassigned == []
    assert np.array_equal(new_labels, labels)


def test_uniform_sampling_balances_a_swallowing_cluster():
    labels = np.array([0] * 950 + [1] * 30 + [2] * 20)
    draws = sample_uniformly_over_clusters(labels, 900, np.random.RandomState(0))
    counts = np.bincount(labels[draws])

    assert draws.shape == (900,)
    assert counts.tolist() == [300, 300, 300]


def test_deepcluster_fit_contract(small_digits):
    images, labels = small_digits
    model = tiny_deepcluster(random_state=2).fit(images)

    assert model.labels_.shape == (300,)
    assert len(model.assignments_) == 3
    assert len(model.nmi_history_) == 2
    assert all(0.0 <= value <= 1.0 for value in model.nmi_history_)
    assert len(model.largest_cluster_history_) == 3
    assert model.transform(images).shape == (300, 16)
    assert np.array_equal(model.predict(images), model.labels_)
    assert clustering_accuracy(labels, model.labels_) > 0.4


def test_deepcluster_same_seed_same_labels(small_digits):
    images, _ = small_digits
    first = tiny_deepcluster(random_state=5).fit(images)
    second = tiny_deepcluster(random_state=5).fit(images)

    assert np.array_equal(first.labels_, second.labels_)
    assert first.nmi_history_ == second.nmi_history_


def test_deepcluster_dense_network_for_flat_input(small_digits):
    images, _ = small_digits
    model = tiny_deepcluster().fit(images.reshape(300, -1))

    assert model.input_shape_ == (64,)
    assert model.network_.layers[1].name == "hidden"


# --- K-means probe -------------------------------------------------------------------


def test_probe_without_encoder_equals_pixels(small_digits):
    images, labels = small_digits
    probe = KMeansProbe(n_clusters=5).fit(images, labels)

    assert probe.gain_ == {"acc": 0.0, "nmi": 0.0, "ari": 0.0}
    assert np.array_equal(probe.labels_, probe.pixel_labels_)


def test_probe_scores_an_informative_embedding(small_digits):
    images, labels = small_digits
    # An encoder that outputs one-hot true classes is the best case: ACC 1.
    probe = KMeansProbe(encoder=lambda array: np.eye(5)[labels], n_clusters=5).fit(images, labels)

    assert probe.scores_["acc"] == 1.0
    assert probe.gain_["acc"] > 0
    assert probe.pixel_scores_["acc"] < 1.0


def test_probe_runs_keras_models_and_transformers(small_digits):
    images, labels = small_digits
    autoencoder = tiny_autoencoder().fit(images)

    from_transformer = embed_with(autoencoder, images)
    from_keras = embed_with(autoencoder.encoder_, images)
    probe = KMeansProbe(encoder=autoencoder.encoder_, n_clusters=5).fit(images, labels)

    assert from_transformer.shape == (300, 5)
    assert np.allclose(from_transformer, from_keras)
    assert probe.predict(images[:10]).shape == (10,)
    assert 0.0 <= probe.score(images, labels) <= 1.0


def test_probe_without_labels_has_no_scores(small_digits):
    probe = KMeansProbe(n_clusters=5).fit(small_digits[0])

    assert probe.scores_ is None
    assert probe.labels_.shape == (300,)


# --- contracts shared by every estimator ---------------------------------------------

# Each case fits in 4 to 9 s on the shared 2-core machine. KMeansProbe gets a
# fitted Autoencoder, so that pickling it also pickles a Keras model inside.
TINY_ESTIMATORS = {
    "Autoencoder": lambda images: tiny_autoencoder(),
    "DEC": lambda images: tiny_dec(),
    "DeepCluster": lambda images: tiny_deepcluster(),
    "ContrastiveEncoder": lambda images: tiny_contrastive(),
    "RecommendedClustering": lambda images: tiny_recommended(),
    "RecommendedClustering-self_train": lambda images: tiny_recommended(self_train=True),
    "KMeansProbe": lambda images: KMeansProbe(tiny_autoencoder().fit(images), n_clusters=5, n_init=2),
}

OUTPUT_METHODS = ("predict", "predict_proba", "transform", "reconstruct")


@pytest.mark.parametrize("name", list(TINY_ESTIMATORS))
def test_pickled_estimator_gives_same_outputs(small_digits, name):
    images, _ = small_digits
    model = TINY_ESTIMATORS[name](images).fit(images)
    loaded = pickle.loads(pickle.dumps(model))
    methods = [method for method in OUTPUT_METHODS if hasattr(model, method)]

    assert methods
    for method in methods:
        expected = getattr(model, method)(images)
        assert np.array_equal(getattr(loaded, method)(images), expected), method


UNFITTED_CALLS = [
    (Autoencoder, "transform"),
    (Autoencoder, "reconstruct"),
    (DEC, "predict"),
    (DEC, "predict_proba"),
    (DEC, "transform"),
    (DeepCluster, "predict"),
    (DeepCluster, "transform"),
    (ContrastiveEncoder, "transform"),
    (RecommendedClustering, "predict"),
    (RecommendedClustering, "transform"),
    (KMeansProbe, "predict"),
]


@pytest.mark.parametrize("estimator, method", UNFITTED_CALLS, ids=lambda value: getattr(value, "__name__", value))
def test_unfitted_estimator_raises_not_fitted(small_digits, estimator, method):
    with pytest.raises(NotFittedError):
        getattr(estimator(), method)(small_digits[0])


def test_probe_with_unfitted_encoder_raises_not_fitted(small_digits):
    with pytest.raises(NotFittedError):
        KMeansProbe(ContrastiveEncoder(), n_clusters=5).fit(small_digits[0])


@pytest.mark.parametrize(
    "make, params, message",
    [
        (tiny_dec, {"learning_rate": -1}, "learning_rate=-1 is invalid"),
        (tiny_dec, {"learning_rate": 0}, "learning_rate=0 is invalid"),
        (tiny_dec, {"alpha": float("nan")}, "alpha=nan is invalid"),
        (tiny_autoencoder, {"learning_rate": float("nan")}, "learning_rate=nan is invalid"),
        (tiny_autoencoder, {"learning_rate": "fast"}, "learning_rate='fast' is invalid"),
        (tiny_autoencoder, {"noise": float("nan")}, "noise=nan is invalid"),
        (tiny_autoencoder, {"noise": None}, "noise=None is invalid"),
        (tiny_dec, {"tol": None}, "tol=None is invalid"),
        (tiny_dec, {"tol": "a"}, "tol='a' is invalid"),
        (tiny_deepcluster, {"learning_rate": -0.1}, "learning_rate=-0.1 is invalid"),
        (tiny_contrastive, {"learning_rate": 0.0}, "learning_rate=0.0 is invalid"),
        (tiny_contrastive, {"temperature": float("nan")}, "temperature=nan is invalid"),
        (tiny_contrastive, {"filters": (8, 0)}, "filters entry=0 is invalid"),
        (tiny_contrastive, {"shift": -0.1}, "shift=-0.1 is invalid"),
        (tiny_contrastive, {"rotation": 2}, "rotation=2 is invalid"),
        (tiny_contrastive, {"zoom": 1.5}, "zoom=1.5 is invalid"),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_deep_estimator_rejects_bad_parameter(small_digits, make, params, message):
    with pytest.raises(ValueError, match=message):
        make(**params).fit(small_digits[0])


def test_integer_learning_rate_is_accepted(small_digits):
    model = tiny_autoencoder(learning_rate=1).fit(small_digits[0])

    assert np.isfinite(model.reconstruction_error_)

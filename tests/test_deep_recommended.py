"""Tests of the recommended pipeline and the benchmark module."""

import json
import subprocess
import sys
import time

import numpy as np
import pytest
from sklearn.cluster import KMeans

from kmdl.deep import RecommendedClustering, benchmark, select_confident
from kmdl.deep._base import prepare_input
from kmdl.deep.benchmark import format_table, run_benchmark, stratified_subset, summarise
from kmdl.metrics import clustering_accuracy


def synthetic_strokes(n_per_class, seed=0):
    """Return 28x28 images of three stroke shapes at random positions, with their labels.

    Class 0 is a vertical bar, class 1 a horizontal bar, class 2 a hollow
    square. Each image is shifted by up to 4 pixels and gets Gaussian noise,
    so raw pixels of one class overlap little while the shapes stay distinct.
    """
    rng = np.random.RandomState(seed)
    images, labels = [], []
    for label in range(3):
        for _ in range(n_per_class):
            image = np.zeros((28, 28), dtype=np.float32)
            row, column = 14 + rng.randint(-4, 5), 14 + rng.randint(-4, 5)
            if label == 0:
                image[row - 8 : row + 8, column - 1 : column + 2] = 1.0
            elif label == 1:
                image[row - 1 : row + 2, column - 8 : column + 8] = 1.0
            else:
                image[row - 6 : row + 6, column - 6 : column + 6] = 1.0
                image[row - 4 : row + 4, column - 4 : column + 4] = 0.0
            image += rng.normal(scale=0.1, size=image.shape).astype(np.float32)
            images.append(np.clip(image, 0.0, 1.0))
            labels.append(label)
    return np.stack(images), np.array(labels)


def small_pipeline(**params):
    defaults = dict(contrastive_steps=30, umap_neighbors=15, umap_components=5, n_init=3)
    defaults.update(params)
    return RecommendedClustering(**defaults)


def test_recommended_beats_kmeans_on_pixels(digits):
    from sklearn.cluster import KMeans

    pixels = KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(digits.flat)
    # Half the default contrastive steps keeps the test file within a few
    # minutes on two cores; the margin over K-means stays wide.
    pipeline = RecommendedClustering(n_clusters=10, contrastive_steps=700, random_state=0).fit(digits.images)
    kmeans_acc = clustering_accuracy(digits.labels, pixels)
    pipeline_acc = clustering_accuracy(digits.labels, pipeline.labels_)

    assert pipeline_acc >= kmeans_acc + 0.1, (pipeline_acc, kmeans_acc)


def test_recommended_on_synthetic_28x28_images():
    images, labels = synthetic_strokes(60)
    model = small_pipeline(n_clusters=3, random_state=0).fit(images)
    new_images, new_labels = synthetic_strokes(10, seed=1)

    assert model.labels_.shape == (180,)
    assert model.embedding_.shape == (180, 5)
    assert model.encoder_.input_shape_ == (28, 28, 1)
    assert clustering_accuracy(labels, model.labels_) > 0.9
    assert model.predict(new_images).shape == (30,)
    assert clustering_accuracy(new_labels, model.predict(new_images)) > 0.8


def test_recommended_same_seed_same_labels():
    images, _ = synthetic_strokes(30)
    first = small_pipeline(n_clusters=3, random_state=7).fit(images)
    second = small_pipeline(n_clusters=3, random_state=7).fit(images)

    assert np.array_equal(first.labels_, second.labels_)
    assert np.array_equal(first.embedding_, second.embedding_)


def test_recommended_self_training_path():
    images, labels = synthetic_strokes(30)
    model = small_pipeline(n_clusters=3, self_train=True, classifier_steps=30).fit(images)

    assert model.classifier_ is not None
    assert model.confident_mask_.sum() == 45
    assert 0.0 <= model.agreement_ <= 1.0
    assert model.predict(images).shape == (90,)
    assert clustering_accuracy(labels, model.labels_) > 0.8


def test_recommended_pca_weight_scales_pca_part():
    images, _ = synthetic_strokes(30)
    model = small_pipeline(n_clusters=3, pca_weight=0.25, random_state=0).fit(images)
    features = model._join_features(prepare_input(images))
    n_pca = model.pca_.n_components_

    assert np.allclose(np.linalg.norm(features[:, :n_pca], axis=1), 0.25, atol=1e-5)
    assert np.linalg.norm(features[:, n_pca:], axis=1).max() == pytest.approx(1.0, abs=1e-5)


def test_recommended_flat_input_skips_contrastive_step(digits):
    model = small_pipeline(n_clusters=10, self_train=True, classifier_steps=10).fit(digits.flat[:400])

    assert model.encoder_ is None
    assert model.input_shape_ == (64,)
    assert model.labels_.shape == (400,)


@pytest.mark.parametrize("n_samples", [3, 5, 8, 11])
def test_recommended_few_images(digits, n_samples):
    # UMAP's spectral start fails with 11 or fewer samples at 10 dimensions.
    model = RecommendedClustering(n_clusters=2, contrastive_steps=5, n_init=2, random_state=0)
    labels = model.fit_predict(digits.images[:n_samples])

    assert labels.shape == (n_samples,)
    assert set(labels.tolist()) <= {0, 1}
    assert np.isfinite(model.embedding_).all()


def test_recommended_rejects_two_images(digits):
    from kmdl.exceptions import DataError

    with pytest.raises(DataError, match="at least 3 samples.*got 2"):
        small_pipeline(n_clusters=1).fit(digits.images[:2])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"confident_fraction": 0.0}, "confident_fraction=0.0"),
        ({"contrastive_steps": -1}, "contrastive_steps=-1"),
        ({"pca_weight": -1.0}, "pca_weight=-1.0"),
        ({"umap_neighbors": 1}, "umap_neighbors=1 is invalid"),
        ({"pca_weight": None}, "pca_weight=None is invalid"),
        ({"pca_weight": float("inf")}, "pca_weight=inf is invalid"),
        ({"confident_fraction": "a"}, "confident_fraction='a' is invalid"),
        ({"random_state": -1}, "random_state=-1 is invalid"),
        ({"self_train": True, "learning_rate": -1}, "learning_rate=-1 is invalid"),
    ],
)
def test_recommended_rejects_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        small_pipeline(**params).fit(synthetic_strokes(5)[0])


def test_select_confident_keeps_fraction_per_cluster():
    embedding = np.arange(10.0).reshape(10, 1)
    labels = np.array([0] * 6 + [1] * 4)
    centers = np.array([[0.0], [9.0]])
    mask = select_confident(embedding, labels, centers, 0.5)

    assert np.flatnonzero(mask).tolist() == [0, 1, 2, 8, 9]


def test_benchmark_runs_and_summarises():
    runs, summary = run_benchmark(
        "digits", seeds=[0, 1], methods=["kmeans-pixels"], max_samples=300, isolate=False, keep_labels=True
    )
    table = format_table(summary)

    assert [run["seed"] for run in runs] == [0, 1]
    assert runs[0]["labels"].shape == (300,)
    assert summary[0]["n_seeds"] == 2
    assert 0.5 < summary[0]["acc_mean"] < 1.0
    assert "K-means on pixels" in table
    assert len(table.splitlines()) == 3
    json.dumps(summary)


def test_benchmark_isolated_run_measures_memory():
    _, summary = run_benchmark("digits", seeds=[0], methods=["spectral"], max_samples=200)

    assert summary[0]["peak_mib"] > 50
    # TensorFlow alone takes several hundred MiB, and a method without a network must not load it.
    assert summary[0]["peak_mib"] < 400


def test_importing_kmdl_deep_loads_no_tensorflow():
    code = (
        "import sys, kmdl.deep, kmdl.deep.benchmark\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
        "assert kmdl.deep.DEC.__name__ == 'DEC'\n"
        "assert 'keras' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr[-2000:]


def test_dec_rows_grouped_for_pretraining():
    groups = benchmark.group_by_pretraining(list(benchmark.BENCHMARK_METHODS))
    assert ["dec-kmeans-init", "dec-random-init"] in groups
    assert all(len(group) == 1 for group in groups if "dec-kmeans-init" not in group)
    # Only neighbours share a process.
    apart = benchmark.group_by_pretraining(["dec-kmeans-init", "kmeans-pixels", "dec-random-init"])
    assert apart == [["dec-kmeans-init"], ["kmeans-pixels"], ["dec-random-init"]]


def test_pretraining_shared_and_timed(monkeypatch):
    calls = []

    def pretrain(X, seed):
        calls.append(seed)
        time.sleep(0.2)
        return seed

    def factory(n_clusters, seed, pretrained=None):
        # The pretrained "model" is the seed it was trained with.
        assert pretrained == seed
        return KMeans(n_clusters=n_clusters, n_init=1, random_state=seed)

    methods = {
        "first": benchmark.BenchmarkMethod("first", factory, "flat", pretrain),
        "second": benchmark.BenchmarkMethod("second", factory, "flat", pretrain),
    }
    monkeypatch.setattr(benchmark, "BENCHMARK_METHODS", methods)
    runs, summary = run_benchmark("digits", seeds=[0, 1], max_samples=200, isolate=False)

    assert calls == [0, 1]
    assert len(runs) == 4
    assert all(run["seconds"] >= 0.2 for run in runs)
    assert [row["method"] for row in summary] == ["first", "second"]


def test_benchmark_rejects_unknown_method():
    with pytest.raises(ValueError, match="not found"):
        run_benchmark("digits", methods=["nope"])


def test_stratified_subset_keeps_classes(digits):
    indices = stratified_subset(digits.labels, 500)

    assert indices.shape == (500,)
    assert np.unique(digits.labels[indices]).size == 10
    assert stratified_subset(digits.labels, None) is None


def test_summarise_standard_deviation():
    runs = [{"method": "kmeans-pixels", "acc": a, "nmi": 0.5, "ari": 0.4, "seconds": 1.0} for a in (0.7, 0.9)]
    row = summarise(runs, {"kmeans-pixels": None})[0]

    assert row["acc_mean"] == pytest.approx(0.8)
    assert row["acc_std"] == pytest.approx(np.std([0.7, 0.9], ddof=1))
    assert row["peak_mib"] is None

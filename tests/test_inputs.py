"""Inputs that users bring: each gives a clear DataError or the correct result.

The command line runs the same checks; tests/test_cli.py covers its exit
status and one-line messages.
"""

import os
import pickle
import warnings
from itertools import permutations

import numpy as np
import pytest
from sklearn.cluster import KMeans

from kmdl.data import ImageDataset, load_image_folder, save_image_folder
from kmdl.exceptions import DataError
from kmdl.figures.cluster_plots import plot_cluster_samples, plot_matched_confusion
from kmdl.kmeans import TeachingKMeans
from kmdl.methods import METHODS, method_input
from kmdl.metrics import clustering_accuracy, clustering_scores
from kmdl.validation import (
    as_feature_matrix,
    as_image_stack,
    check_n_clusters,
    describe_pixel_scaling,
    encode_labels,
)


def _images(n=12, shape=(5, 6), seed=0, dtype=np.uint8):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, *shape)).astype(dtype)


# --- 1. Python objects in a .npy file ---------------------------------------


class _CreatesMarker:
    """Object whose unpickling creates a folder, to prove that loading never unpickles."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def test_object_npy_rejected_without_unpickling(tmp_path):
    marker = tmp_path / "unpickled"
    payload = np.empty(2, dtype=object)
    payload[0] = _CreatesMarker(str(marker))
    payload[1] = np.zeros((3, 3))
    np.save(tmp_path / "images.npy", payload, allow_pickle=True)
    with pytest.raises(DataError, match="does not unpickle") as caught:
        load_image_folder(tmp_path)
    assert not marker.exists()
    assert "resize them to one height and width" in str(caught.value)
    assert "np.save('images.npy', images)" in str(caught.value)


def test_ragged_images_npy_rejected(tmp_path):
    ragged = np.empty(2, dtype=object)
    ragged[0] = np.zeros((3, 3))
    ragged[1] = np.zeros((4, 4))
    np.save(tmp_path / "images.npy", ragged, allow_pickle=True)
    with pytest.raises(DataError, match="images of different sizes"):
        load_image_folder(tmp_path)


def test_object_labels_npy_rejected(tmp_path):
    np.save(tmp_path / "images.npy", _images(3))
    np.save(tmp_path / "labels.npy", np.array(["cat", None, "dog"], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="labels.npy contains Python objects") as caught:
        load_image_folder(tmp_path)
    assert "dtype=str" in str(caught.value)
    assert "astype('float32')" not in str(caught.value)


def test_pickle_file_named_npy_rejected(tmp_path):
    marker = tmp_path / "unpickled"
    with open(tmp_path / "images.npy", "wb") as handle:
        pickle.dump([_CreatesMarker(str(marker))], handle)
    with pytest.raises(DataError, match="is not a .npy file"):
        load_image_folder(tmp_path)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"1 2 3\n4 5 6\n", "is not a .npy file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "is not a .npy file"),
    ],
)
def test_non_npy_bytes_rejected(tmp_path, content, expected):
    (tmp_path / "images.npy").write_bytes(content)
    with pytest.raises(DataError, match=expected):
        load_image_folder(tmp_path)


def test_npz_archive_named_npy_rejected(tmp_path):
    with open(tmp_path / "images.npy", "wb") as handle:
        np.savez(handle, images=_images(3))
    with pytest.raises(DataError, match=r"is a .npz archive"):
        load_image_folder(tmp_path)


def test_truncated_npy_rejected(tmp_path):
    np.save(tmp_path / "images.npy", _images(50))
    data = (tmp_path / "images.npy").read_bytes()
    (tmp_path / "images.npy").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="not a readable .npy file"):
        load_image_folder(tmp_path)


def test_in_memory_objects_rejected():
    with pytest.raises(DataError, match="images of different sizes"):
        as_image_stack([np.zeros((3, 3)), np.zeros((4, 4))])
    objects = np.empty(2, dtype=object)
    objects[:] = [np.zeros((3, 3)), np.zeros((3, 3))]
    with pytest.raises(DataError, match=r"dtype=object"):
        as_image_stack(objects)


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (np.array([[["a", "b"]]]), "not numeric"),
        (np.zeros((2, 3, 3), dtype=complex), "Complex data not supported"),
        (np.zeros((2, 3, 3), dtype=[("r", "f4")]), "not numeric"),
        (np.zeros((2, 3, 3), dtype="datetime64[s]"), "not numeric"),
    ],
)
def test_non_numeric_images_rejected(array, expected):
    with pytest.raises(DataError, match=expected):
        as_image_stack(array)


def test_sparse_matrix_rejected():
    import scipy.sparse

    with pytest.raises(DataError, match="sparse input is not supported"):
        as_feature_matrix(scipy.sparse.csr_matrix(np.eye(3)), name="X")


def test_missing_images_lists_other_npy_files(tmp_path):
    np.save(tmp_path / "x_train.npy", _images(3))
    with pytest.raises(DataError, match=r"images.npy not found \(the folder has x_train.npy\)"):
        load_image_folder(tmp_path)


def test_images_npy_folder_rejected(tmp_path):
    (tmp_path / "images.npy").mkdir()
    with pytest.raises(DataError, match="images.npy is a folder, not a file"):
        load_image_folder(tmp_path)


def test_picture_files_get_stacking_hint(tmp_path):
    for index in range(3):
        (tmp_path / f"cat{index}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(DataError) as caught:
        load_image_folder(tmp_path)
    message = str(caught.value)
    assert "does not read picture files such as cat0.png (3 in the folder)" in message
    assert "np.stack(" in message


def test_file_path_instead_of_folder(tmp_path):
    save_image_folder(tmp_path, _images(3))
    with pytest.raises(DataError, match=f"pass the folder that contains images.npy \\(here {tmp_path}\\)"):
        load_image_folder(tmp_path / "images.npy")


# --- 2. Image stacks: flat for K-means, shaped for CNNs and figures ---------


@pytest.mark.parametrize("shape", [(6, 5), (6, 5, 1), (6, 5, 3)])
def test_stack_flat_for_kmeans_shaped_for_images(tmp_path, shape):
    save_image_folder(tmp_path, _images(20, shape))
    dataset = load_image_folder(tmp_path)
    height, width = shape[:2]
    channels = shape[2] if len(shape) == 3 else 1
    assert dataset.images.shape == (20, height, width, channels)
    flat = method_input(METHODS["kmeans"], dataset)
    assert flat.shape == (20, height * width * channels)
    np.testing.assert_array_equal(flat[3], dataset.images[3].ravel())
    assert method_input(METHODS["pseudo-label"], dataset).shape == (20, height, width, channels)


def test_kmeans_on_stack_equals_kmeans_on_flat_pixels(tmp_path):
    images = _images(40, (6, 5, 3))
    save_image_folder(tmp_path, images)
    dataset = load_image_folder(tmp_path)
    from_stack = METHODS["kmeans"].build(3, 0).fit_predict(method_input(METHODS["kmeans"], dataset))
    by_hand = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(images.reshape(40, -1) / 255.0)
    np.testing.assert_array_equal(from_stack, by_hand)


def test_as_feature_matrix_flattens_stacks():
    stack = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2)
    flat = as_feature_matrix(stack)
    assert flat.shape == (2, 24)
    np.testing.assert_array_equal(flat[1], stack[1].ravel())


def test_cluster_figure_keeps_image_shape():
    grey = as_image_stack(_images(10, (6, 5)))
    colour = as_image_stack(_images(10, (6, 5, 3)))
    assignments = np.arange(10) % 2
    grey_axes = plot_cluster_samples(grey, assignments, per_cluster=3).axes
    colour_axes = plot_cluster_samples(colour, assignments, per_cluster=3).axes
    assert grey_axes[0].images[0].get_array().shape == (6, 5)
    assert colour_axes[0].images[0].get_array().shape == (6, 5, 3)


# --- 3. Integer pixels: converted to float before any arithmetic -------------


def test_uint8_divided_by_255_without_wraparound():
    images = np.array([[[250, 10]], [[10, 250]]], dtype=np.uint8)
    scaled = as_image_stack(images)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled[..., 0], images / 255.0, rtol=1e-6)
    # In uint8, 10 - 250 wraps around to 16; in kmdl it is -240/255.
    difference = scaled[0, 0, 1, 0] - scaled[0, 0, 0, 0]
    assert difference == pytest.approx(-240 / 255, rel=1e-6)
    distance = np.sum((scaled[0] - scaled[1]) ** 2)
    assert distance == pytest.approx(2 * (240 / 255) ** 2, rel=1e-6)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64])
def test_integer_extremes_scaled_without_overflow(dtype):
    info = np.iinfo(dtype)
    images = np.array([[[info.min, info.max]], [[info.max, info.min]]], dtype=dtype)
    scaled = as_image_stack(images)
    assert scaled.dtype == np.float32
    np.testing.assert_array_equal(scaled[0, 0, :, 0], [0.0, 1.0])
    np.testing.assert_array_equal(scaled[1, 0, :, 0], [1.0, 0.0])
    assert "scaled linearly" in describe_pixel_scaling(images)


def test_bool_pixels_become_zero_and_one():
    images = np.array([[[True, False]], [[False, True]]])
    scaled = as_image_stack(images)
    np.testing.assert_array_equal(scaled[..., 0], images.astype(np.float32))


def test_uint8_mask_warns_about_division():
    with pytest.warns(UserWarning, match="uint8 pixels are at most 1"):
        as_image_stack(np.array([[[0, 1]], [[1, 0]]], dtype=np.uint8))


def test_scaling_is_recorded(tmp_path):
    save_image_folder(tmp_path, np.array([[[3, 200]], [[17, 90]]], dtype=np.uint8))
    assert load_image_folder(tmp_path).scaling == "uint8 pixels in [3, 200] divided by 255"


# --- 4. Blank images ---------------------------------------------------------


@pytest.mark.parametrize(
    "images",
    [
        np.zeros((4, 5, 5), dtype=np.uint8),
        np.full((4, 5, 5), 255, dtype=np.uint8),
        np.full((4, 5, 5), 7.0),
        np.full((4, 5, 5), -3, dtype=np.int16),
        np.full((4, 5, 5), 0.5, dtype=np.float32),
    ],
    ids=["uint8-zeros", "uint8-white", "float-7", "int16-negative", "float-half"],
)
def test_constant_stack_scales_without_nan(images):
    scaled = as_image_stack(images)
    assert np.all(np.isfinite(scaled))
    assert scaled.min() >= 0.0
    assert scaled.max() <= 1.0


def test_one_blank_image_among_others_stays_blank():
    images = _images(6, (5, 5), dtype=np.float64) * 3.0
    images[2] = 40.0
    scaled = as_image_stack(images)
    assert np.all(np.isfinite(scaled))
    assert np.ptp(scaled[2]) == 0.0
    figure = plot_cluster_samples(scaled, np.arange(6) % 2, per_cluster=3)
    assert all(np.all(np.isfinite(ax.images[0].get_array())) for ax in figure.axes if ax.images)


# --- 5. NaN and infinite pixels ------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nan_and_inf_reported_with_count_and_indices(dtype):
    images = np.zeros((10, 4, 4), dtype=dtype)
    images[1, 0, 0] = np.nan
    images[1, 2, 3] = np.inf
    images[7, 3, 1] = -np.inf
    with pytest.raises(DataError) as caught:
        as_image_stack(images)
    message = str(caught.value)
    assert "3 NaN or infinite values in 2 of 10 samples" in message
    assert "(1, 0, 0), (1, 2, 3), (7, 3, 1)" in message
    assert "drop those samples" in message


def test_nan_in_folder_reported(tmp_path):
    images = np.ones((5, 3, 3), dtype=np.float32)
    images[4, 1, 1] = np.nan
    save_image_folder(tmp_path, images)
    with pytest.raises(DataError, match=r"1 NaN or infinite values in 1 of 5 samples, first at indices \(4, 1, 1\)"):
        load_image_folder(tmp_path)


def test_nan_labels_reported():
    with pytest.raises(DataError, match=r"2 NaN or infinite values, first at indices \[1, 3\]"):
        encode_labels(np.array([0.0, np.nan, 1.0, np.inf]))


# --- 6. Fewer (distinct) samples than clusters --------------------------------


def test_fewer_samples_than_clusters():
    with pytest.raises(DataError, match=r"n_clusters=5 is larger than the number of samples \(3\)"):
        check_n_clusters(5, np.zeros((3, 2)))


def test_fewer_distinct_samples_than_clusters():
    X = np.repeat(np.eye(3), 4, axis=0)
    with pytest.raises(DataError, match=r"distinct samples \(3 of 12\); lower n_clusters to at most 3"):
        check_n_clusters(4, X)


def test_estimators_check_distinct_samples():
    X = np.repeat(np.eye(3), 4, axis=0)
    with pytest.raises(DataError, match=r"n_clusters=4 .* \(3 of 12\)"):
        TeachingKMeans(n_clusters=4).fit(X)


# --- 7. A cluster that ends empty ----------------------------------------------


class _KMeansLeavingClusterTwoEmpty(KMeans):
    """scikit-learn's KMeans, except that cluster 2's samples are moved to cluster 0."""

    def fit(self, X, y=None, sample_weight=None):
        super().fit(X, y, sample_weight)
        self.labels_ = np.where(self.labels_ == 2, 0, self.labels_)
        return self


def test_pseudo_labels_with_empty_cluster_keep_width(monkeypatch):
    import kmdl.pipelines
    from kmdl.pipelines import PseudoLabelClassifier

    monkeypatch.setattr(kmdl.pipelines, "KMeans", _KMeansLeavingClusterTwoEmpty)
    X = _images(60, (4, 4), dtype=np.float32) / 255.0
    with pytest.warns(RuntimeWarning, match=r"Clusters \[2\] of 4 have no samples"):
        model = PseudoLabelClassifier(n_clusters=4, epochs=1, n_init=1, hidden_units=(8,)).fit(X)
    assert model.model_.output_shape == (None, 4)
    np.testing.assert_array_equal(model.empty_clusters_, [2])
    assert 2 not in set(model.pseudo_labels_.tolist())


def test_one_hot_width_is_number_of_clusters():
    import keras

    targets = keras.utils.to_categorical(np.array([0, 1, 3, 0]), num_classes=5)
    assert targets.shape == (4, 5)
    assert targets[:, 2].sum() == 0
    assert targets[:, 4].sum() == 0


def test_teaching_kmeans_names_reseeded_cluster():
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    far_away = np.array([[0.0], [5.0], [100.0]])
    with pytest.warns(RuntimeWarning, match=r"Clusters \[2\] became empty"):
        model = TeachingKMeans(n_clusters=3, init=far_away).fit(X)
    assert model.cluster_centers_.shape == (3, 1)


def test_figures_keep_empty_cluster():
    images = as_image_stack(_images(9, (4, 4)))
    assignments = np.array([0, 0, 0, 1, 1, 1, 3, 3, 3])
    figure = plot_cluster_samples(images, assignments, n_clusters=4, per_cluster=3)
    labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
    assert labels[2] == "2\n(empty)"


# --- 8. Labels: 1..k, negative, strings, floats --------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        np.array([1, 2, 3, 1, 2, 3]),
        np.array([-1, 0, 5, -1, 0, 5]),
        np.array([-7, -3, -1, -7, -3, -1]),
        np.array(["cat", "dog", "eel", "cat", "dog", "eel"]),
        np.array([b"x", b"y", b"z", b"x", b"y", b"z"]),
        np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0]),
        np.array([1000, 2, 30, 1000, 2, 30], dtype=np.uint16),
    ],
    ids=["one-to-k", "negative-and-gap", "all-negative", "strings", "bytes", "whole-floats", "uint16"],
)
def test_labels_encoded_without_shift(labels):
    codes, classes = encode_labels(labels)
    assert codes.dtype == np.int64
    assert sorted(set(codes.tolist())) == [0, 1, 2]
    np.testing.assert_array_equal(classes[codes], labels)
    assert clustering_accuracy(labels, codes) == 1.0


def test_bool_labels_encoded():
    labels = np.array([True, False, True])
    codes, classes = encode_labels(labels)
    np.testing.assert_array_equal(codes, [1, 0, 1])
    assert classes.dtype == bool
    np.testing.assert_array_equal(classes[codes], labels)


def test_fractional_labels_rejected():
    with pytest.raises(DataError, match=r"2 fractional values such as \[0.5, 2.25\] \(first at indices \[1, 3\]\)"):
        encode_labels(np.array([0.0, 0.5, 1.0, 2.25]))


def test_folder_labels_keep_original_values(tmp_path):
    labels = np.array([3, 1, 2, 3, 1, 2])
    save_image_folder(tmp_path, _images(6), labels)
    dataset = load_image_folder(tmp_path)
    np.testing.assert_array_equal(dataset.classes, [1, 2, 3])
    np.testing.assert_array_equal(dataset.classes[dataset.labels], labels)


def test_scores_same_for_codes_and_original_labels():
    labels = np.array(["b", "a", "c", "a", "b", "c", "c"])
    clusters = np.array([0, 1, 2, 1, 1, 2, 0])
    codes, _ = encode_labels(labels)
    assert clustering_scores(labels, clusters) == clustering_scores(codes, clusters)


def test_complex_labels_rejected():
    with pytest.raises(DataError, match="class labels must be integers"):
        encode_labels(np.array([1 + 1j, 2 + 0j]))


# --- 9. labels.npy of the wrong length or shape --------------------------------


@pytest.mark.parametrize("labels_shape", [(5,), (7,), (6, 1), (6, 2), ()])
def test_label_shape_mismatch_names_both_shapes(tmp_path, labels_shape):
    save_image_folder(tmp_path, _images(6, (5, 7)), np.zeros(labels_shape, dtype=np.int64))
    with pytest.raises(DataError) as caught:
        load_image_folder(tmp_path)
    message = str(caught.value)
    assert f"labels has shape {labels_shape}" in message
    assert "images has shape (6, 5, 7)" in message
    assert "shape (6,)" in message


def test_one_hot_labels_get_argmax_hint(tmp_path):
    one_hot = np.eye(3, dtype=np.int64)[[0, 1, 2, 0, 1, 2]]
    save_image_folder(tmp_path, _images(6), one_hot)
    with pytest.raises(DataError, match=r"labels has shape \(6, 3\).*one-hot encoded, so save labels.argmax\(axis=1\)"):
        load_image_folder(tmp_path)


@pytest.mark.parametrize(
    ("labels", "hint"),
    [
        (np.ones((6, 3), dtype=bool), "several 1s or none, like multi-label flags"),
        (np.full((6, 4), 0.25), "looks like class probabilities, so save labels.argmax(axis=1)"),
        (np.eye(3, dtype=np.int64)[[0, 1, 2, 0, 1, 2, 0, 1]], "one label per image, in the order of the images"),
        (np.zeros(4, dtype=np.int64), "same samples in the same order"),
    ],
    ids=["multi-label-flags", "probabilities", "one-hot-wrong-rows", "too-short"],
)
def test_label_shape_hint_fits_the_labels(tmp_path, labels, hint):
    save_image_folder(tmp_path, _images(6), labels)
    with pytest.raises(DataError) as caught:
        load_image_folder(tmp_path)
    message = str(caught.value)
    assert hint in message
    assert "ravel" not in message


# --- 10. More clusters than classes --------------------------------------------


def _best_injective_accuracy(y_true, y_pred):
    """ACC by trying every one-to-one map between classes and clusters."""
    classes, clusters = np.unique(y_true), np.unique(y_pred)
    best = 0
    if len(clusters) >= len(classes):
        for chosen in permutations(clusters.tolist(), len(classes)):
            mapping = dict(zip(chosen, classes.tolist()))
            best = max(best, sum(mapping.get(p) == t for t, p in zip(y_true.tolist(), y_pred.tolist())))
    else:
        for chosen in permutations(classes.tolist(), len(clusters)):
            mapping = dict(zip(clusters.tolist(), chosen))
            best = max(best, sum(mapping[p] == t for t, p in zip(y_true.tolist(), y_pred.tolist())))
    return best / y_true.size


@pytest.mark.parametrize(("n_classes", "n_clusters"), [(4, 5), (5, 4), (2, 6), (6, 2)])
def test_accuracy_with_unequal_counts(n_classes, n_clusters):
    rng = np.random.default_rng(n_classes * 10 + n_clusters)
    y_true = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, 50)])
    y_pred = np.concatenate([np.arange(n_clusters), rng.integers(0, n_clusters, 50 + n_classes - n_clusters)])
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(_best_injective_accuracy(y_true, y_pred))


def test_confusion_figure_with_more_clusters_than_classes():
    y_true = np.array(["a", "a", "b", "b", "c", "c", "d", "d", "d", "d"])
    y_pred = np.array([1, 1, 2, 2, 0, 0, 3, 3, 4, 4])
    figure = plot_matched_confusion(y_true, y_pred)
    ax = figure.axes[0]
    texts = [label.get_text() for label in ax.get_xticklabels()]
    assert texts[-1] == "cluster 4 (unmatched)"
    assert texts[0] == "a (cluster 1)"
    assert "ACC = 0.800" in ax.get_title()


# --- 11. Channels-first images ---------------------------------------------------


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_channels_first_reported_with_transpose(channels):
    channels_last = _images(5, (8, 6, channels))
    channels_first = np.transpose(channels_last, (0, 3, 1, 2))
    with pytest.raises(DataError, match=r"looks channels-first") as caught:
        as_image_stack(channels_first)
    assert "np.transpose(images, (0, 2, 3, 1))" in str(caught.value)
    fixed = as_image_stack(np.transpose(channels_first, (0, 2, 3, 1)))
    np.testing.assert_array_equal(fixed, as_image_stack(channels_last))


@pytest.mark.parametrize("channels", [3, 4])
def test_single_colour_image_reported(channels):
    with pytest.raises(DataError, match=r"looks like one colour image") as caught:
        as_image_stack(_images(32, (32, channels)))
    assert "images[np.newaxis]" in str(caught.value)
    assert as_image_stack(_images(32, (32, channels))[np.newaxis]).shape == (1, 32, 32, channels)


def test_channels_last_not_flagged():
    assert as_image_stack(_images(5, (8, 6, 3))).shape == (5, 8, 6, 3)
    assert as_image_stack(_images(5, (3, 3, 3))).shape == (5, 3, 3, 3)


# --- Other shapes ------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(10,), (10, 64), (2, 3, 4, 5, 6)])
def test_wrong_rank_names_expected_shapes(shape):
    with pytest.raises(DataError, match=r"expected an image stack of shape \(n, height, width\)"):
        as_image_stack(np.zeros(shape))


def test_empty_stack_rejected():
    with pytest.raises(DataError, match="0 sample"):
        as_image_stack(np.zeros((0, 4, 4)))


def test_dataset_scaling_defaults_to_none():
    dataset = ImageDataset(np.zeros((1, 2, 2, 1), dtype=np.float32), None, None, "x")
    assert dataset.scaling is None


def test_warnings_are_not_errors_for_clean_input(tmp_path):
    save_image_folder(tmp_path, _images(6), np.arange(6) % 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_image_folder(tmp_path)


def test_flat_uint8_pixels_scaled_like_images():
    from kmdl.deep._base import prepare_input

    pixels = np.arange(0, 256, 5, dtype=np.uint8).reshape(1, -1).repeat(3, axis=0)
    flat = prepare_input(pixels).flat
    stack = prepare_input(pixels.reshape(3, 1, -1)).flat
    np.testing.assert_allclose(flat, pixels / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(flat, stack)


def test_flat_float_features_kept():
    from kmdl.deep._base import prepare_input

    features = np.linspace(-40.0, 300.0, 12).reshape(3, 4)
    np.testing.assert_allclose(prepare_input(features).flat, features, rtol=1e-6)

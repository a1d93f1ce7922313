import numpy as np
import pytest

from kmdl.data import load_dataset, load_digits, load_image_folder, load_keras_dataset, save_image_folder
from kmdl.exceptions import DataError, DatasetUnavailableError


def test_digits_shape_and_range():
    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8, 1)
    assert digits.images.dtype == np.float32
    assert digits.images.min() == 0.0
    assert digits.images.max() == 1.0
    assert digits.n_classes == 10
    assert digits.flat.shape == (1797, 64)


def test_folder_round_trip_uint8(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(20, 6, 5), dtype=np.uint8)
    labels = rng.integers(1, 4, size=20)
    save_image_folder(tmp_path, images, labels)
    dataset = load_image_folder(tmp_path)
    assert dataset.images.shape == (20, 6, 5, 1)
    np.testing.assert_allclose(dataset.images[..., 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(dataset.classes[dataset.labels], labels)


def test_folder_without_labels(tmp_path):
    save_image_folder(tmp_path, np.zeros((3, 4, 4, 3), dtype=np.uint8))
    dataset = load_image_folder(tmp_path)
    assert dataset.labels is None
    assert dataset.image_shape == (4, 4, 3)


def test_resave_without_labels_drops_old_labels(tmp_path):
    save_image_folder(tmp_path, np.zeros((3, 4, 4)), labels=[0, 1, 0])
    save_image_folder(tmp_path, np.ones((5, 4, 4)))
    dataset = load_image_folder(tmp_path)
    assert not (tmp_path / "labels.npy").exists()
    assert dataset.labels is None
    assert dataset.n_samples == 5


def test_folder_missing_images(tmp_path):
    with pytest.raises(DataError, match="images.npy not found"):
        load_image_folder(tmp_path)


def test_folder_object_array_rejected(tmp_path):
    ragged = np.empty(2, dtype=object)
    ragged[0] = np.zeros((3, 3))
    ragged[1] = np.zeros((4, 4))
    np.save(tmp_path / "images.npy", ragged, allow_pickle=True)
    with pytest.raises(DataError, match="does not unpickle"):
        load_image_folder(tmp_path)


def test_load_dataset_unknown_name():
    with pytest.raises(DataError, match="neither a data set name"):
        load_dataset("no-such-data")


def test_keras_dataset_offline_message(monkeypatch):
    import keras

    def fail_download():
        raise OSError("network unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fail_download)
    with pytest.raises(DatasetUnavailableError, match="images.npy and labels.npy"):
        load_keras_dataset("mnist")


def test_keras_dataset_joins_train_and_test(monkeypatch):
    import keras

    rng = np.random.default_rng(0)

    def small_split():
        train = (rng.integers(0, 256, (6, 28, 28), dtype=np.uint8), np.arange(6) % 3)
        test = (rng.integers(0, 256, (4, 28, 28), dtype=np.uint8), np.arange(4) % 3)
        return train, test

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", small_split)
    dataset = load_keras_dataset("fashion_mnist")
    assert dataset.images.shape == (10, 28, 28, 1)
    assert dataset.n_classes == 3

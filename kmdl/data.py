"""Image data sets: scikit-learn's digits, an images.npy/labels.npy folder, Keras data sets.

Every loader returns an :class:`ImageDataset` whose images are float32 of
shape (n, height, width, channels) in [0, 1] and whose labels, when present,
are integers 0..k-1.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kmdl.exceptions import DataError, DatasetUnavailableError
from kmdl.validation import as_image_stack, describe_pixel_scaling, encode_labels

KERAS_DATASETS = ("mnist", "fashion_mnist")
DATASET_NAMES = ("digits",) + KERAS_DATASETS


@dataclass(frozen=True)
class ImageDataset:
    """Images, optional labels and the original label values.

    Attributes
    ----------
    images : ndarray of shape (n, height, width, channels), float32 in [0, 1]
    labels : ndarray of shape (n,), int64, or None
        Class codes 0..k-1.
    classes : ndarray of shape (k,), or None
        ``classes[code]`` is the label as it was stored.
    name : str
    scaling : str or None
        How the stored pixels were mapped to [0, 1], in one sentence.
    """

    images: np.ndarray
    labels: np.ndarray | None
    classes: np.ndarray | None
    name: str
    scaling: str | None = None

    @property
    def n_samples(self):
        """Number of images."""
        return self.images.shape[0]

    @property
    def image_shape(self):
        """Shape (height, width, channels) of one image."""
        return self.images.shape[1:]

    @property
    def n_classes(self):
        """Number of distinct labels, or None without labels."""
        return None if self.classes is None else len(self.classes)

    @property
    def flat(self):
        """Images flattened to shape (n, height * width * channels) for K-means."""
        return self.images.reshape(self.n_samples, -1)


def _label_shape_fix(labels, n_images):
    """Return the sentence of a label-shape error that names the fix for these labels."""
    if labels.ndim == 1:
        return "Check that both files come from the same samples in the same order."
    if labels.ndim == 2 and 1 in labels.shape and labels.size == n_images:
        return "Use labels.ravel() for a column or row vector."
    if labels.ndim != 2 or labels.shape[0] != n_images or labels.shape[1] < 2:
        return "Save one label per image, in the order of the images."
    numeric = labels.dtype.kind in "biuf"
    rows_sum_to_one = numeric and np.allclose(labels.sum(axis=1), 1)
    if numeric and np.isin(labels, (0, 1)).all():
        if rows_sum_to_one:
            return "They look one-hot encoded, so save labels.argmax(axis=1)."
        return (
            "Some rows have several 1s or none, like multi-label flags, but kmdl scores "
            "one class per image, so save that class for each image."
        )
    if rows_sum_to_one and (labels >= 0).all():
        return "Each row looks like class probabilities, so save labels.argmax(axis=1)."
    return "Save one label per image, in the order of the images."


def _make_dataset(images, labels, name):
    scaling = describe_pixel_scaling(images)
    # The shape the user saved, for messages. Grey stacks gain a channel axis below.
    saved_shape = np.shape(images)
    images = as_image_stack(images, name="images")
    if labels is None:
        return ImageDataset(images, None, None, name, scaling)
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        fix = _label_shape_fix(labels, images.shape[0])
        raise DataError(
            f"labels has shape {labels.shape} but images has shape {saved_shape}; "
            f"labels must be 1-D with one label per image, shape ({images.shape[0]},). {fix}"
        )
    codes, classes = encode_labels(labels, n_samples=images.shape[0], name="labels")
    return ImageDataset(images, codes, classes, name, scaling)


def load_digits():
    """Load scikit-learn's bundled 8x8 handwritten digits.

    The data ship with scikit-learn, so this works offline: 1,797 images of
    the digits 0-9 with 16 grey levels, scaled here to [0, 1].

    Returns
    -------
    ImageDataset
        Images of shape (1797, 8, 8, 1) and labels 0-9.

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> digits = load_digits()
    >>> digits.images.shape, digits.n_classes
    ((1797, 8, 8, 1), 10)
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    # The pixel values are counts 0..16; divide by 16 so that 1 is full ink.
    images = (bunch.images / 16.0).astype(np.float32)[..., np.newaxis]
    return ImageDataset(
        images, bunch.target.astype(np.int64), np.arange(10), "digits", "pixel counts 0..16 divided by 16"
    )


# How to save each file of a data folder as one plain array, and what most
# often makes NumPy store Python objects instead.
_SAVE_HINTS = {
    "images": "np.save('images.npy', images), where images is one numeric array of shape (n, height, width[, channels])",
    "labels": "np.save('labels.npy', np.asarray(labels, dtype='int64')) for class numbers, or dtype=str for text",
}
_OBJECT_CAUSES = {
    "images": "images of different sizes, so resize them to one height and width and stack them",
    "labels": "labels of mixed types or None values, so give every sample one class of one type",
}


def _load_npy(path, name):
    """Load one plain numeric or string array from a .npy file, never unpickling."""
    hint = _SAVE_HINTS[name]
    try:
        with open(path, "rb") as handle:
            prefix = handle.read(6)
    except OSError as error:
        raise DataError(f"{path} could not be read: {error}") from None
    if not prefix:
        raise DataError(f"{path} is empty (0 bytes). Re-save it with {hint}.")
    if prefix.startswith(b"PK"):
        raise DataError(
            f"{path} is a .npz archive (np.savez), not a .npy file. Save one array "
            f"under that name instead: {hint}."
        )
    if prefix != b"\x93NUMPY":
        raise DataError(
            f"{path} is not a .npy file: it lacks the NumPy header, so it may be a "
            f"pickle, text or picture file, and kmdl reads none of those. Re-save it with {hint}."
        )
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise DataError(
                f"{path} contains Python objects (dtype=object), which kmdl does not unpickle "
                "because unpickling can run arbitrary code. The usual cause is "
                f"{_OBJECT_CAUSES[name]}; then re-save with {hint}."
            ) from None
        raise DataError(f"{path} is not a readable .npy file ({error}). Re-save it with {hint}.") from None
    except (OSError, EOFError) as error:
        raise DataError(f"{path} could not be read ({error}). Re-save it with {hint}.") from None


# Suffixes of picture files, which kmdl does not decode itself.
_PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _missing_images_message(folder):
    """Return the error for a folder without images.npy, naming the files it does have."""
    images_path = folder / "images.npy"
    if images_path.exists():
        return f"{images_path} is a folder, not a file; save your images there with np.save('images.npy', images)."
    files = [path for path in folder.iterdir() if path.is_file()]
    arrays = sorted(path.name for path in files if path.suffix.lower() in (".npy", ".npz"))
    pictures = sorted(path.name for path in files if path.suffix.lower() in _PICTURE_SUFFIXES)
    message = f"{images_path} not found"
    if arrays:
        message += f" (the folder has {', '.join(arrays[:5])})"
    if pictures:
        return (
            f"{message}, and kmdl does not read picture files such as {pictures[0]} "
            f"({len(pictures)} in the folder). Stack them into one array first, e.g. with Pillow: "
            "np.save('images.npy', np.stack([np.asarray(Image.open(p).convert('L').resize((32, 32))) "
            "for p in paths]))."
        )
    return (
        message + "; save your images there with np.save('images.npy', images), "
        "shape (n, height, width) or (n, height, width, channels)."
    )


def load_image_folder(path):
    """Load ``images.npy`` and, when present, ``labels.npy`` from a folder.

    Parameters
    ----------
    path : str or Path
        Folder with ``images.npy`` of shape (n, h, w) or (n, h, w, c) and an
        optional ``labels.npy`` of shape (n,). Files are read with
        ``allow_pickle=False``, so an object array is rejected, never unpickled.

    Returns
    -------
    ImageDataset

    Raises
    ------
    DataError
        If the folder or images.npy is missing, or the arrays fail a check.
    """
    folder = Path(path)
    if folder.is_file():
        raise DataError(
            f"{folder} is a file; pass the folder that contains images.npy "
            f"(here {folder.parent}), with the file named images.npy."
        )
    if not folder.is_dir():
        raise DataError(f"{folder} does not exist; pass a folder that contains images.npy.")
    images_path = folder / "images.npy"
    if not images_path.is_file():
        raise DataError(_missing_images_message(folder))
    images = _load_npy(images_path, "images")
    labels_path = folder / "labels.npy"
    labels = _load_npy(labels_path, "labels") if labels_path.is_file() else None
    return _make_dataset(images, labels, folder.name or str(folder))


def save_image_folder(path, images, labels=None):
    """Write images (and labels) in the layout that :func:`load_image_folder` reads.

    Parameters
    ----------
    path : str or Path
        Folder to create or reuse.
    images : ndarray of shape (n, h, w) or (n, h, w, c)
    labels : ndarray of shape (n,), optional
        Without labels, a labels.npy already in the folder is deleted, so
        that old labels are never read with the new images.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "images.npy", np.asarray(images), allow_pickle=False)
    if labels is not None:
        np.save(folder / "labels.npy", np.asarray(labels), allow_pickle=False)
    else:
        (folder / "labels.npy").unlink(missing_ok=True)
    return folder


def load_keras_dataset(name):
    """Load MNIST or Fashion-MNIST through ``keras.datasets``, train and test joined.

    Keras downloads the files on first use and caches them under
    ``~/.keras/datasets``. Offline, and without that cache, this raises an
    error that says how to get the files.

    Parameters
    ----------
    name : {"mnist", "fashion_mnist"}

    Returns
    -------
    ImageDataset
        70,000 images of shape (28, 28, 1) and labels 0-9.
    """
    if name not in KERAS_DATASETS:
        raise ValueError(f"name={name!r} is invalid: choose one of {KERAS_DATASETS}.")
    import keras

    module = getattr(keras.datasets, name)
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as error:  # Keras raises several types for a failed download.
        raise DatasetUnavailableError(
            f"Could not load {name} through keras.datasets ({type(error).__name__}: {error}). "
            "Keras downloads it on first use, which needs the network. Run once on a "
            "machine that has it and copy ~/.keras/datasets, or save the arrays as "
            "images.npy and labels.npy in a folder and pass that folder instead."
        ) from error
    images = np.concatenate([x_train, x_test])
    labels = np.concatenate([y_train, y_test])
    return _make_dataset(images, labels, name)


def load_dataset(source="digits"):
    """Load a data set by name (digits, mnist, fashion_mnist) or from a folder path.

    Returns
    -------
    ImageDataset
    """
    source = str(source)
    if source == "digits":
        return load_digits()
    if source in KERAS_DATASETS:
        return load_keras_dataset(source)
    if Path(source).exists():
        return load_image_folder(source)
    raise DataError(
        f"{source!r} is neither a data set name ({', '.join(DATASET_NAMES)}) nor an "
        "existing folder; pass one of those names or a folder with images.npy."
    )

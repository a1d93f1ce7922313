"""Input handling, parameter checks and cluster bookkeeping shared by kmdl.deep.

Every estimator in :mod:`kmdl.deep` passes its input through
:func:`prepare_input` once, at the boundary. Image stacks become float32 in
[0, 1] through :func:`kmdl.validation.as_image_stack`. Flat arrays of shape
(n, d) are checked for finite numbers. A flat array of dtype uint8 holds
pixels, so it is divided by 255 like an image stack; any other flat array is
used as it is, so scale it (for example to [0, 1]) before fitting.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import check_is_fitted

from kmdl.exceptions import DataError
from kmdl.utils import check_random_state_seed, set_seed
from kmdl.validation import as_feature_matrix, as_image_stack, check_numeric_array


@dataclass(frozen=True)
class NetworkInput:
    """One array in the two layouts that the networks use.

    Attributes
    ----------
    images : ndarray of shape (n, h, w, c), float32, or None
        The image stack, or None when the input was a flat (n, d) array.
    flat : ndarray of shape (n, d), float32
        The same values with each sample flattened.
    """

    images: np.ndarray | None
    flat: np.ndarray

    @property
    def n_samples(self):
        """Number of samples."""
        return self.flat.shape[0]

    @property
    def sample_shape(self):
        """Shape of one sample: (h, w, c) for images, (d,) for flat input."""
        return self.flat.shape[1:] if self.images is None else self.images.shape[1:]

    @property
    def network_array(self):
        """The array a network reads: the image stack when there is one, else the flat array."""
        return self.flat if self.images is None else self.images


def prepare_input(X, name="X"):
    """Check ``X`` once and return it as a :class:`NetworkInput`.

    Parameters
    ----------
    X : array-like of shape (n, d), (n, h, w) or (n, h, w, c)
        Flat feature vectors or an image stack. Flat uint8 pixels are divided
        by 255; other flat values are kept.
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    NetworkInput

    Raises
    ------
    DataError
        If ``X`` is not numeric, not finite, empty, 1-D, or more than 4-D.
    """
    array = check_numeric_array(X, name)
    if array.ndim in (3, 4):
        images = as_image_stack(array, name)
        return NetworkInput(images, images.reshape(images.shape[0], -1))
    if array.ndim == 2:
        flat = as_feature_matrix(array, name).astype(np.float32)
        if array.dtype == np.uint8:
            # Same rule as for image stacks: 8-bit pixels map to [0, 1].
            flat /= 255.0
        return NetworkInput(None, flat)
    raise DataError(
        f"{name} has shape {array.shape}; expected flat vectors (n, d) or an image "
        "stack (n, height, width) or (n, height, width, channels)."
    )


def start_fit(estimator, X):
    """Check ``X`` and the estimator's parameters, seed every generator, and record the input shape.

    Calls ``estimator._check_params(data)``, seeds NumPy, Python and Keras
    with :func:`kmdl.utils.set_seed`, and sets ``input_shape_`` and
    ``n_features_in_``.

    Returns
    -------
    data : NetworkInput
    seed : int
    rng : numpy.random.RandomState
        A generator seeded with ``seed``, for batch orders and sampling.
    """
    data = prepare_input(X)
    estimator._check_params(data)
    seed = check_random_state_seed(estimator.random_state)
    set_seed(seed)
    estimator.input_shape_ = tuple(data.sample_shape)
    estimator.n_features_in_ = data.flat.shape[1]
    return data, seed, np.random.RandomState(seed)


def fitted_input(estimator, X, attribute):
    """Check that ``estimator`` is fitted (has ``attribute``) and return ``X`` checked against its input shape."""
    check_is_fitted(estimator, attribute)
    data = prepare_input(X)
    check_sample_shape(estimator, data)
    return data


class IndexStream:
    """Shuffled passes over a set of sample indices, handed out in runs of any length.

    Each pass is a new permutation, so every index appears once per pass,
    however the runs that callers take split the passes.

    Parameters
    ----------
    indices : int or ndarray of int
        The indices to draw from, or n for ``range(n)``.
    rng : numpy.random.RandomState
    """

    def __init__(self, indices, rng):
        self.indices = np.arange(indices) if np.isscalar(indices) else np.asarray(indices)
        self.rng = rng
        self._pending = np.empty(0, dtype=self.indices.dtype)

    def take(self, count):
        """Return the next ``count`` indices of the stream."""
        while self._pending.size < count:
            self._pending = np.concatenate([self._pending, self.rng.permutation(self.indices)])
        run, self._pending = self._pending[:count], self._pending[count:]
        return run


def fit_one_pass(model, inputs, targets, indices, batch_size, verbose=0):
    """Train a compiled Keras ``model`` once over ``inputs[indices]``, in that order, and return the history.

    Callers choose the order (shuffled passes, sampling per cluster), so
    Keras does not shuffle again.
    """
    return model.fit(
        inputs[indices],
        targets[indices],
        batch_size=batch_size,
        epochs=1,
        shuffle=False,
        verbose=verbose,
    )


def check_sample_shape(estimator, data, name="X"):
    """Raise DataError unless ``data`` has the sample shape that ``estimator`` was fitted on."""
    expected = tuple(estimator.input_shape_)
    if tuple(data.sample_shape) != expected:
        raise DataError(
            f"{name} has samples of shape {tuple(data.sample_shape)}, but this "
            f"{type(estimator).__name__} was fitted on samples of shape {expected}; "
            "pass data in the layout used for fit."
        )


def check_positive_int(value, name):
    """Raise ValueError unless ``value`` is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r} is invalid: pass an integer >= 1.")


def check_choice(value, name, choices):
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}={value!r} is invalid: use one of {list(choices)}.")


def check_n_clusters_fit(n_clusters, n_samples):
    """Raise ValueError or DataError unless ``n_clusters`` is usable with ``n_samples`` samples."""
    check_positive_int(n_clusters, "n_clusters")
    if n_clusters > n_samples:
        raise DataError(
            f"n_clusters={n_clusters} is larger than the number of samples ({n_samples}); "
            "lower n_clusters or provide more samples."
        )


def empty_clusters(labels, n_clusters):
    """Return the cluster ids in 0..n_clusters-1 that no label uses."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=n_clusters)
    return np.flatnonzero(counts == 0)


def warn_empty_clusters(labels, n_clusters, estimator_name, stacklevel=3):
    """Warn, naming them, about clusters that ended with no sample, and return their ids."""
    empty = empty_clusters(labels, n_clusters)
    if empty.size:
        warnings.warn(
            f"{estimator_name} ended with clusters {empty.tolist()} of {n_clusters} empty: "
            "no training sample is assigned to them, so labels_ uses fewer than "
            "n_clusters ids. Try another random_state or a smaller n_clusters.",
            RuntimeWarning,
            stacklevel=stacklevel,
        )
    return empty


def l2_normalize(features):
    """Return ``features`` with each row scaled to unit Euclidean length (zero rows stay zero)."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, np.finfo(features.dtype).tiny)


def predict_batches(model, array, batch_size=1024):
    """Run a Keras ``model`` on ``array`` in batches and return the outputs as one NumPy array.

    The model is called eagerly instead of through ``model.predict``, which
    traces a new graph function for every model. Code that builds many
    models, such as DEC or DeepCluster in a loop over seeds, would otherwise
    make TensorFlow log retracing warnings.
    """
    import keras

    outputs = [
        keras.ops.convert_to_numpy(model(array[start : start + batch_size], training=False))
        for start in range(0, array.shape[0], batch_size)
    ]
    return np.concatenate(outputs)

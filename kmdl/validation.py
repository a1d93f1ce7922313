"""Checks and conversions applied once, where data enters kmdl.

The loaders, the estimators of :mod:`kmdl.deep` and the command line pass
their input through these functions. They either return arrays that the rest
of the package can use without further checks, or raise
:class:`kmdl.exceptions.DataError` with a message that names the problem and
the fix. :class:`kmdl.kmeans.TeachingKMeans` checks its input with
scikit-learn's own validation instead, as scikit-learn's K-means does, so
its messages are scikit-learn's.
"""

import math
import numbers
import warnings

import numpy as np
import scipy.sparse

from kmdl.exceptions import DataError

# Channel counts that a colour or grey image stack plausibly has.
_CHANNEL_COUNTS = (1, 2, 3, 4)


def _first_indices(mask, limit=5):
    """Return up to ``limit`` multi-dimensional indices where ``mask`` is true, as text."""
    positions = np.argwhere(mask)[:limit]
    return ", ".join(str(tuple(int(i) for i in position)) for position in positions)


def check_numeric_array(array, name="images"):
    """Return ``array`` as a NumPy array after checking that it contains finite numbers.

    Booleans count as numbers (0 and 1).

    Raises
    ------
    DataError
        If the array is sparse, contains Python objects, strings, complex or structured
        values, is empty, or has NaN or infinite values. The message gives how
        many bad values there are, in how many samples, and the first few
        indices.
    """
    if scipy.sparse.issparse(array):
        raise DataError(
            f"{name} is a SciPy sparse matrix, and sparse input is not supported; "
            f"pass a dense array, e.g. {name}.toarray()."
        )
    try:
        array = np.asarray(array)
    except ValueError as error:
        # NumPy >= 1.24 refuses to build an array from a ragged list.
        raise DataError(
            f"{name} could not be made into one array ({error}); the usual cause is "
            "images of different sizes. Resize them to one shape and stack them, "
            "e.g. np.stack(resized).astype('float32')."
        ) from None
    if array.dtype == object:
        raise DataError(
            f"{name} contains Python objects (dtype=object), for example images of "
            "different sizes. Resize them to one shape and save one numeric array, "
            f"e.g. np.save('{name}.npy', np.stack(resized).astype('float32'))."
        )
    if array.dtype.kind == "c":
        raise DataError(
            f"{name} has complex dtype {array.dtype}: Complex data not supported. "
            f"Save np.abs({name}) or {name}.real as float32."
        )
    if array.dtype.kind not in "biuf":
        raise DataError(
            f"{name} has dtype {array.dtype}, which is not numeric. Save the pixels "
            "as one array of integers (e.g. uint8 in 0..255) or floats."
        )
    if array.size == 0:
        # The wording follows scikit-learn's check_array, so both read alike.
        if array.ndim >= 2 and array.shape[0] > 0:
            raise DataError(
                f"{name} has 0 feature(s) (shape={array.shape}) while a minimum of 1 is "
                "required; every sample needs at least one pixel."
            )
        raise DataError(
            f"{name} is empty: found array with 0 sample(s) (shape={array.shape}) while a "
            "minimum of 1 is required. Provide at least one sample."
        )
    if np.issubdtype(array.dtype, np.floating):
        bad = ~np.isfinite(array)
        if bad.any():
            per_sample = bad.reshape(bad.shape[0] if bad.ndim else 1, -1).any(axis=1)
            raise DataError(
                f"{name} has {int(bad.sum())} NaN or infinite values in {int(per_sample.sum())} "
                f"of {per_sample.size} samples, first at indices {_first_indices(bad)}. "
                "Replace those values or drop those samples."
            )
    return array


def as_image_stack(array, name="images"):
    """Return images as float32 of shape (n, height, width, channels) in [0, 1].

    Parameters
    ----------
    array : array-like of shape (n, h, w) or (n, h, w, c)
        Image stack. Integer pixels of dtype uint8 are divided by 255. Any other
        range is scaled linearly by the minimum and maximum of the whole stack,
        so the relative brightness of images is kept and a constant stack
        becomes zeros instead of NaN.
    name : str
        Name used in error messages.

    Returns
    -------
    images : ndarray of shape (n, h, w, c), dtype float32

    Raises
    ------
    DataError
        If the array is not numeric, not finite, not 3-D or 4-D, looks
        channels-first (n, c, h, w), or looks like a single colour image
        (h, w, 3 or 4).
    """
    array = check_numeric_array(array, name)
    # Grey images 3 or 4 pixels wide are rare, but a single RGB(A) image often arrives
    # without its sample axis. Requiring at least 8 samples and 8 rows keeps tiny
    # test stacks out of this branch.
    if array.ndim == 3 and array.shape[2] in (3, 4) and min(array.shape[:2]) >= 8:
        raise DataError(
            f"{name} has shape {array.shape}, which looks like one colour image "
            "(height, width, channels) rather than a stack of images. Add the sample "
            f"axis with {name}[np.newaxis], or stack several images to shape (n, height, "
            f"width, channels). If these really are {array.shape[0]} grey images of "
            f"{array.shape[1]}x{array.shape[2]} pixels, pass {name}[..., np.newaxis]."
        )
    if array.ndim == 3:
        array = array[..., np.newaxis]
    elif array.ndim == 4:
        channels_first = array.shape[1] in _CHANNEL_COUNTS and array.shape[3] not in _CHANNEL_COUNTS
        if channels_first:
            raise DataError(
                f"{name} has shape {array.shape}, which looks channels-first "
                "(n, channels, height, width). kmdl expects channels-last: "
                "use np.transpose(images, (0, 2, 3, 1))."
            )
    else:
        raise DataError(
            f"{name} has shape {array.shape}; expected an image stack of shape "
            "(n, height, width) or (n, height, width, channels). For flat feature "
            "vectors of shape (n, d), reshape them to (n, h, w) first."
        )
    return scale_to_unit_interval(array)


def _unit_interval_bounds(array):
    """Return ``(low, high, description)``: the pixel value mapped to 0, the one mapped to 1, and why.

    ``high`` is None for a constant array, which maps to all zeros.
    """
    low, high = array.min().item(), array.max().item()
    observed = f"{array.dtype} pixels in [{low:g}, {high:g}]"
    if array.dtype == np.uint8:
        return 0, 255, f"{observed} divided by 255"
    if 0 <= low and high <= 1:
        return 0, 1, f"{observed} kept as they are"
    if high == low:
        return low, None, f"{observed}: every pixel equals {low:g}, so all are set to 0"
    return low, high, f"{observed} scaled linearly to [0, 1] by the minimum and maximum of the whole stack"


def describe_pixel_scaling(array):
    """Describe in one sentence how :func:`scale_to_unit_interval` maps ``array``.

    Examples
    --------
    >>> import numpy as np
    >>> describe_pixel_scaling(np.array([[0, 128, 255]], dtype=np.uint8))
    'uint8 pixels in [0, 255] divided by 255'
    """
    return _unit_interval_bounds(check_numeric_array(array))[2]


def scale_to_unit_interval(array):
    """Return ``array`` as float32 in [0, 1] without integer wrap-around.

    uint8 input is divided by 255. Other input already inside [0, 1] is kept.
    Anything else is scaled by the global minimum and maximum, and a constant
    array becomes all zeros. :func:`describe_pixel_scaling` states which rule
    applies. The arithmetic runs in float64, never in the input's integer type.

    Warns
    -----
    UserWarning
        If the largest uint8 pixel is 1: divided by 255 the pixels stay at
        most 1/255, which is almost certainly not what a 0/1 mask means.
    """
    low, high, _ = _unit_interval_bounds(array)
    if array.dtype == np.uint8 and array.max() == 1:
        warnings.warn(
            "uint8 pixels are at most 1, so dividing by 255 leaves them at most 0.004. "
            "If 1 means full intensity, pass them as bool or float32 instead.",
            UserWarning,
            stacklevel=3,
        )
    values = array.astype(np.float64)
    if high is None:
        return np.zeros(values.shape, dtype=np.float32)
    if (low, high) == (0, 1):
        return values.astype(np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def as_feature_matrix(array, name="X"):
    """Return a float64 matrix of shape (n, d) for distance-based methods.

    Image stacks of shape (n, h, w) or (n, h, w, c) are flattened; a matrix is
    kept as is. No scaling is applied: callers that start from raw pixels scale
    them with :func:`as_image_stack` first.
    """
    array = check_numeric_array(array, name)
    if array.ndim == 1:
        raise DataError(
            f"{name} is 1-D with shape {array.shape}; expected (n_samples, n_features) "
            "or an image stack. Reshape your data: X.reshape(-1, 1) for a single "
            "feature, or X.reshape(1, -1) for a single sample."
        )
    if array.ndim > 2:
        array = array.reshape(array.shape[0], -1)
    return array.astype(np.float64, copy=False)


def encode_labels(labels, n_samples=None, name="labels"):
    """Encode class labels as integers 0..k-1 and return them with the classes.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Integer, whole-number float, boolean or string labels. Values such as
        1..k or negative numbers are mapped in sorted order, never shifted or
        cut, and booleans stay False and True.
    n_samples : int, optional
        Expected length, usually the number of images.

    Returns
    -------
    codes : ndarray of shape (n,), dtype int64
    classes : ndarray of shape (k,)
        ``classes[codes[i]]`` is the original label of sample ``i``.

    Raises
    ------
    DataError
        If the labels are not 1-D, have the wrong length, hold non-finite or
        fractional floats, or are objects.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise DataError(
            f"{name} has shape {labels.shape}; expected a 1-D array with one label "
            "per image. Use labels.ravel() if it is a column vector."
        )
    if n_samples is not None and labels.shape[0] != n_samples:
        raise DataError(
            f"{name} has shape {labels.shape} but there are {n_samples} images; "
            "provide exactly one label per image."
        )
    if labels.dtype == object:
        raise DataError(
            f"{name} contains Python objects (dtype=object). Save them as integers or "
            "as a fixed-width string array, e.g. labels.astype(str)."
        )
    if labels.dtype.kind not in "biufUS":
        raise DataError(
            f"{name} has dtype {labels.dtype}; class labels must be integers, "
            "whole-number floats, booleans or strings, so convert them to one of these, "
            "e.g. labels.astype(str)."
        )
    if labels.dtype.kind == "f":
        not_finite = ~np.isfinite(labels)
        if not_finite.any():
            raise DataError(
                f"{name} contains {int(not_finite.sum())} NaN or infinite values, first at "
                f"indices {np.flatnonzero(not_finite)[:5].tolist()}; every label must be a "
                "class, so drop those samples or give them their class."
            )
        fractional = labels != np.round(labels)
        if fractional.any():
            raise DataError(
                f"{name} are floats with {int(fractional.sum())} fractional values such as "
                f"{labels[fractional][:3].tolist()} (first at indices "
                f"{np.flatnonzero(fractional)[:5].tolist()}); class labels must be whole "
                "numbers or strings. Regression targets are not classes: bin them first."
            )
        labels = labels.astype(np.int64)
    classes, codes = np.unique(labels, return_inverse=True)
    return codes.astype(np.int64).ravel(), classes


def _is_real_number(value):
    """Return True for int, float and NumPy real scalars, but not for bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_number(value, name):
    """Raise ValueError unless ``value`` is a finite real number > 0, such as a learning rate."""
    if not (_is_real_number(value) and 0 < value < math.inf):
        raise ValueError(f"{name}={value!r} is invalid: pass a finite number > 0.")


def check_fraction(value, name):
    """Raise ValueError unless ``value`` is a real number in [0, 1]."""
    if not (_is_real_number(value) and 0 <= value <= 1):
        raise ValueError(f"{name}={value!r} is invalid: pass a fraction in [0, 1].")


def check_n_clusters(n_clusters, X):
    """Check that ``X`` has at least ``n_clusters`` distinct samples.

    Raises
    ------
    DataError
        If there are fewer samples, or fewer distinct samples, than
        ``n_clusters``. The message names both numbers.
    ValueError
        If ``n_clusters`` is not an integer >= 1.
    """
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer)) or n_clusters < 1:
        raise ValueError(f"n_clusters={n_clusters!r} is invalid: pass an integer >= 1.")
    n_samples = X.shape[0]
    if n_samples < n_clusters:
        raise DataError(
            f"n_clusters={n_clusters} is larger than the number of samples ({n_samples}); "
            "lower n_clusters or provide more samples."
        )
    n_distinct = np.unique(X, axis=0).shape[0]
    if n_distinct < n_clusters:
        raise DataError(
            f"n_clusters={n_clusters} is larger than the number of distinct samples "
            f"({n_distinct} of {n_samples}); lower n_clusters to at most {n_distinct}."
        )

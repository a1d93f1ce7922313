"""Clustering metrics: Hungarian-matched accuracy, NMI and ARI."""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix


def _as_label_vector(labels, name):
    """Return ``labels`` as a 1-D array, or raise ValueError for a matrix or missing values."""
    # A list of strings with a NaN in it would become the string "nan", so look
    # for missing values among the original Python objects first.
    objects = labels if isinstance(labels, np.ndarray) else np.asarray(labels, dtype=object)
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels, objects = labels[:, 0], objects[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"{name} has shape {labels.shape}; pass one label per sample, shape (n,). "
            "For class probabilities of shape (n, k), pass probabilities.argmax(axis=1)."
        )
    if labels.dtype.kind in "fc":
        missing = np.isnan(labels)
    elif objects.dtype.kind == "O":
        missing = np.array([value is None or (isinstance(value, float) and value != value) for value in objects])
    else:
        missing = np.zeros(labels.shape, dtype=bool)
    if missing.any():
        positions = np.flatnonzero(missing)
        raise ValueError(
            f"{name} has a missing label (None or NaN) at index {positions[0]} ({positions.size} in all); "
            "pass a label for every sample."
        )
    return labels


def _check_label_pair(y_true, y_pred):
    y_true = _as_label_vector(y_true, "y_true")
    y_pred = _as_label_vector(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has {y_true.shape[0]} labels and y_pred has {y_pred.shape[0]}; "
            "pass one true label and one cluster id per sample."
        )
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty; pass at least one sample.")
    return y_true, y_pred


def match_clusters(y_true, y_pred):
    """Match cluster ids to classes one to one so that the most samples agree.

    Solves the assignment problem on the contingency table with
    :func:`scipy.optimize.linear_sum_assignment`. Label values can be any
    hashable values, and the numbers of clusters and classes may differ.

    Parameters
    ----------
    y_true : array-like of shape (n,)
    y_pred : array-like of shape (n,)

    Returns
    -------
    mapping : dict
        ``mapping[cluster] = class`` for every matched cluster. With more
        clusters than classes, the unmatched clusters are absent.
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    classes, true_codes = np.unique(y_true, return_inverse=True)
    clusters, pred_codes = np.unique(y_pred, return_inverse=True)
    table = contingency_matrix(true_codes, pred_codes)
    class_index, cluster_index = linear_sum_assignment(table, maximize=True)
    return {clusters[c].item(): classes[k].item() for k, c in zip(class_index, cluster_index)}


def clustering_accuracy(y_true, y_pred):
    """Compute clustering accuracy (ACC) under the best one-to-one matching.

    Each cluster is matched to at most one class, and ACC is the fraction of
    samples whose cluster is matched to their class. With more clusters than
    classes, samples in unmatched clusters count as errors.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True classes.
    y_pred : array-like of shape (n,)
        Cluster ids.

    Returns
    -------
    float
        ACC in [0, 1].

    Examples
    --------
    >>> clustering_accuracy([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    _, true_codes = np.unique(y_true, return_inverse=True)
    _, pred_codes = np.unique(y_pred, return_inverse=True)
    table = contingency_matrix(true_codes, pred_codes)
    rows, columns = linear_sum_assignment(table, maximize=True)
    return float(table[rows, columns].sum() / y_true.size)


def clustering_scores(y_true, y_pred):
    """Return ACC, NMI and ARI of a clustering against true labels.

    NMI uses scikit-learn's default arithmetic normalisation.

    Returns
    -------
    dict
        Keys ``"acc"``, ``"nmi"`` and ``"ari"`` with float values.
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    return {
        "acc": clustering_accuracy(y_true, y_pred),
        "nmi": float(normalized_mutual_info_score(y_true, y_pred)),
        "ari": float(adjusted_rand_score(y_true, y_pred)),
    }

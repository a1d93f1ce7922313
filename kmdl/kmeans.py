"""A teaching K-means in NumPy that records every iteration.

The rest of kmdl uses :class:`sklearn.cluster.KMeans`. This version exists to
show the algorithm's steps one at a time: choose k, initialise the centroids,
compute distances, assign each sample to its nearest centroid, recompute the
centroids, and repeat until the centroids stop moving. Started from the same
centroids it ends with the same labels and inertia as scikit-learn's Lloyd
algorithm, which the test suite checks.
"""

import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from kmdl.utils import MAX_SEED
from kmdl.validation import check_n_clusters


@dataclass(frozen=True)
class Iteration:
    """State of one K-means iteration.

    Attributes
    ----------
    centroids : ndarray of shape (k, d)
        Centroids used to assign the samples in this iteration.
    labels : ndarray of shape (n,)
        Index of the nearest centroid for every sample.
    inertia : float
        Sum of squared distances from each sample to its assigned centroid.
    shift : float
        Sum of squared centroid movements caused by the update step.
    """

    centroids: np.ndarray
    labels: np.ndarray
    inertia: float
    shift: float


def squared_distances(X, centroids):
    """Return the (n, k) matrix of squared Euclidean distances (step 3).

    Uses ||x||^2 - 2 x.c + ||c||^2, which is one matrix product instead of an
    (n, k, d) array, and clips the tiny negatives that rounding can produce.
    """
    distances = (
        np.einsum("ij,ij->i", X, X)[:, np.newaxis]
        - 2.0 * X @ centroids.T
        + np.einsum("ij,ij->i", centroids, centroids)[np.newaxis, :]
    )
    return np.maximum(distances, 0.0)


def assign(X, centroids):
    """Return each sample's nearest centroid and its squared distance (step 4).

    The nearest centroid minimises ||c||^2 - 2 x.c, which drops the term
    ||x||^2 that is the same for every centroid. scikit-learn compares the
    same quantity, so ties between centroids break the same way (lowest index).
    """
    scores = np.einsum("ij,ij->i", centroids, centroids)[np.newaxis, :] - 2.0 * X @ centroids.T
    labels = scores.argmin(axis=1)
    distances = np.maximum(np.einsum("ij,ij->i", X, X) + scores[np.arange(X.shape[0]), labels], 0.0)
    return labels, distances


def update_centroids(X, labels, centroids):
    """Return the mean of each cluster's samples (step 5) and the empty clusters.

    An empty cluster would have no mean. Like scikit-learn, its centroid moves
    to the sample that is farthest from its current centroid, so the number of
    clusters stays k.
    """
    n_clusters = centroids.shape[0]
    counts = np.bincount(labels, minlength=n_clusters)
    sums = np.zeros_like(centroids)
    np.add.at(sums, labels, X)
    new_centroids = centroids.copy()
    filled = counts > 0
    new_centroids[filled] = sums[filled] / counts[filled, np.newaxis]
    empty = np.flatnonzero(~filled)
    if empty.size:
        _, distances = assign(X, centroids)
        farthest = np.argsort(distances)[::-1][: empty.size]
        new_centroids[empty] = X[farthest]
    return new_centroids, empty


def init_random(X, n_clusters, random_state):
    """Pick ``n_clusters`` distinct samples at random as the first centroids."""
    rng = check_random_state(random_state)
    return X[rng.choice(X.shape[0], size=n_clusters, replace=False)].copy()


def init_kmeans_plusplus(X, n_clusters, random_state):
    """Pick the first centroids with k-means++ (Arthur and Vassilvitskii, 2007).

    The first centroid is a uniform draw. Each next one is drawn with
    probability proportional to its squared distance to the nearest centroid
    chosen so far, which spreads the centroids out.
    """
    rng = check_random_state(random_state)
    centroids = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    centroids[0] = X[rng.randint(X.shape[0])]
    closest = squared_distances(X, centroids[:1]).ravel()
    for index in range(1, n_clusters):
        total = closest.sum()
        if total == 0.0:
            # Every sample sits on a chosen centroid: fall back to a uniform draw.
            choice = rng.randint(X.shape[0])
        else:
            choice = rng.choice(X.shape[0], p=closest / total)
        centroids[index] = X[choice]
        closest = np.minimum(closest, squared_distances(X, centroids[index : index + 1]).ravel())
    return centroids


def _flatten_image_stack(X):
    """Flatten an image stack (n, h, w[, c]) to (n, h * w * c); leave other input alone."""
    array = np.asarray(X) if not hasattr(X, "shape") else X
    if getattr(array, "ndim", 2) > 2:
        return np.asarray(array).reshape(array.shape[0], -1)
    return X


class TeachingKMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """K-means (Lloyd's algorithm) written out step by step, with its history.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters k (step 1).
    init : {"k-means++", "random"} or ndarray of shape (k, d), default="k-means++"
        How to choose the first centroids (step 2). An array is used as is.
    n_init : int, default=1
        Number of runs from different initial centroids; the run with the
        lowest inertia is kept. Must be 1 when ``init`` is an array.
    max_iter : int, default=300
        Maximum number of assign-update iterations per run (step 6).
    tol : float, default=1e-4
        Stop when the summed squared centroid movement falls to ``tol`` times
        the mean per-feature variance of X, as scikit-learn does. The run
        also stops as soon as no label changes.
    random_state : int, RandomState instance or None, default=None
        Seed for the initialisation.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (k, d)
        Final centroids.
    labels_ : ndarray of shape (n,)
        Cluster of each training sample under the final centroids.
    inertia_ : float
        Sum of squared distances of the samples to their centroids.
    n_iter_ : int
        Iterations run in the kept run.
    history_ : list of Iteration
        Every iteration of the kept run, in order.
    empty_clusters_ : ndarray
        Clusters that became empty and were reseeded during the kept run.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> model = TeachingKMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(model.cluster_centers_[:, 0].tolist())
    [0.0, 10.0]
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init=1, max_iter=300, tol=1e-4, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _check_params(self, X):
        check_n_clusters(self.n_clusters, X)
        if not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            raise ValueError(f"max_iter={self.max_iter!r} is invalid: pass an integer >= 1.")
        if not isinstance(self.n_init, (int, np.integer)) or self.n_init < 1:
            raise ValueError(f"n_init={self.n_init!r} is invalid: pass an integer >= 1.")
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) or not 0 <= self.tol < math.inf:
            raise ValueError(f"tol={self.tol!r} is invalid: pass a finite number >= 0.")
        seed = self.random_state
        if not (
            seed is None
            or isinstance(seed, np.random.RandomState)
            or (isinstance(seed, (int, np.integer)) and 0 <= seed <= MAX_SEED)
        ):
            raise ValueError(
                f"random_state={seed!r} is invalid: pass None, an int from 0 to {MAX_SEED} "
                "or a numpy.random.RandomState."
            )
        if isinstance(self.init, str):
            if self.init not in ("k-means++", "random"):
                raise ValueError(f"init={self.init!r} is invalid: use 'k-means++', 'random' or an array.")
            return None
        centroids = np.asarray(self.init, dtype=np.float64)
        if centroids.shape != (self.n_clusters, X.shape[1]):
            raise ValueError(
                f"init has shape {centroids.shape}; expected (n_clusters, n_features) = "
                f"({self.n_clusters}, {X.shape[1]})."
            )
        if self.n_init != 1:
            raise ValueError(f"n_init={self.n_init} with an init array would repeat one run; pass n_init=1.")
        return centroids.copy()

    def _run(self, X, centroids, tolerance):
        history = []
        empty_seen = set()
        previous_labels = None
        strict = False
        for iteration in range(1, self.max_iter + 1):
            labels, distances = assign(X, centroids)
            new_centroids, empty = update_centroids(X, labels, centroids)
            empty_seen.update(empty.tolist())
            shift = float(((new_centroids - centroids) ** 2).sum())
            history.append(Iteration(centroids.copy(), labels, float(distances.sum()), shift))
            centroids = new_centroids
            if previous_labels is not None and np.array_equal(labels, previous_labels):
                strict = True
                break
            previous_labels = labels
            if shift <= tolerance:
                break
        labels, distances = assign(X, centroids)
        if not strict:
            history.append(Iteration(centroids.copy(), labels, float(distances.sum()), 0.0))
        return centroids, labels, float(distances.sum()), iteration, history, np.array(sorted(empty_seen), dtype=int)

    def fit(self, X, y=None):
        """Run K-means on X.

        Parameters
        ----------
        X : array-like of shape (n, d), or an image stack (n, h, w[, c])
            Image stacks are flattened to one vector per image.
        y : ignored

        Returns
        -------
        self
        """
        X = validate_data(self, _flatten_image_stack(X), dtype=[np.float64, np.float32])
        X = X.astype(np.float64, copy=False)
        init_centroids = self._check_params(X)
        # Centre the data, as scikit-learn does: smaller numbers lose less
        # precision in the distance formula. The centroids are shifted back below.
        mean = X.mean(axis=0)
        X = X - mean
        if init_centroids is not None:
            init_centroids = init_centroids - mean
        rng = check_random_state(self.random_state)
        tolerance = float(np.mean(np.var(X, axis=0))) * self.tol
        best = None
        for _ in range(self.n_init):
            if init_centroids is not None:
                start = init_centroids
            elif self.init == "random":
                start = init_random(X, self.n_clusters, rng)
            else:
                start = init_kmeans_plusplus(X, self.n_clusters, rng)
            result = self._run(X, start, tolerance)
            if best is None or result[2] < best[2]:
                best = result
        centroids, self.labels_, self.inertia_, self.n_iter_, history, self.empty_clusters_ = best
        self.cluster_centers_ = centroids + mean
        self.history_ = [
            Iteration(step.centroids + mean, step.labels, step.inertia, step.shift) for step in history
        ]
        if self.empty_clusters_.size:
            warnings.warn(
                f"Clusters {self.empty_clusters_.tolist()} became empty and were reseeded "
                "at the samples farthest from their centroids.",
                RuntimeWarning,
                stacklevel=2,
            )
        return self

    def predict(self, X):
        """Return the nearest centroid of each sample in X."""
        check_is_fitted(self)
        X = validate_data(self, _flatten_image_stack(X), dtype=[np.float64, np.float32], reset=False)
        return assign(X.astype(np.float64, copy=False), self.cluster_centers_)[0]

    def transform(self, X):
        """Return the Euclidean distance of each sample to each centroid."""
        check_is_fitted(self)
        X = validate_data(self, _flatten_image_stack(X), dtype=[np.float64, np.float32], reset=False)
        return np.sqrt(squared_distances(X.astype(np.float64, copy=False), self.cluster_centers_))

    def score(self, X, y=None):
        """Return the negative inertia of X, as scikit-learn's KMeans does."""
        check_is_fitted(self)
        X = validate_data(self, _flatten_image_stack(X), dtype=[np.float64, np.float32], reset=False)
        return -float(assign(X.astype(np.float64, copy=False), self.cluster_centers_)[1].sum())

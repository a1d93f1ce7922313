"""K-means as an evaluator: cluster a network's embeddings of held-out data and score the clusters.

A network that has learned what separates the classes maps samples of one
class close together, so K-means on its embeddings should agree with the true
labels better than K-means on the raw pixels. The probe measures both on the
same samples and reports the difference. It trains nothing in the network.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.utils.validation import check_is_fitted

from kmdl.deep._base import check_n_clusters_fit, check_positive_int, predict_batches, prepare_input
from kmdl.metrics import clustering_accuracy, clustering_scores
from kmdl.utils import check_random_state_seed


def embed_with(encoder, X):
    """Return the embedding of ``X`` under ``encoder`` as a float array of shape (n, d).

    Parameters
    ----------
    encoder : keras.Model, transformer, callable or None
        A Keras model gets the image stack when its input has the image shape
        and the flat vectors otherwise. An object with ``transform`` (for
        example :class:`kmdl.deep.autoencoder.Autoencoder` or :class:`kmdl.deep.dec.DEC`)
        gets ``X`` as given. Any other callable gets the checked array.
        None returns the flat pixels.
    X : array-like of shape (n, d) or an image stack (n, h, w[, c])

    Returns
    -------
    ndarray of shape (n, d)
    """
    data = prepare_input(X)
    if encoder is None:
        return data.flat
    if hasattr(encoder, "predict") and hasattr(encoder, "layers"):
        expected = tuple(encoder.input_shape[1:])
        array = data.network_array if expected == tuple(data.sample_shape) else data.flat
        features = predict_batches(encoder, array)
    elif hasattr(encoder, "transform"):
        features = encoder.transform(X)
    elif callable(encoder):
        features = encoder(data.network_array)
    else:
        raise ValueError(
            f"encoder={encoder!r} is invalid: pass a Keras model, an object with "
            "transform, a callable, or None for the pixels."
        )
    features = np.asarray(features)
    return features.reshape(features.shape[0], -1)


class KMeansProbe(ClusterMixin, BaseEstimator):
    """Run K-means on an encoder's embeddings and, beside it, on the pixels of the same samples.

    Fit it on held-out data, that is, samples the encoder was not trained
    on, so the score measures what the encoder learned rather than what it
    memorised.

    Parameters
    ----------
    encoder : keras.Model, transformer, callable or None, default=None
        What produces the embeddings (see :func:`embed_with`). None probes
        the pixels themselves.
    n_clusters : int, default=10
    n_init : int, default=10
        K-means restarts, for the embeddings and for the pixels alike.
    random_state : int, RandomState instance or None, default=0
        Seed of both K-means runs.

    Attributes
    ----------
    kmeans_ : sklearn.cluster.KMeans
        K-means on the embeddings.
    pixel_kmeans_ : sklearn.cluster.KMeans
        K-means on the flattened pixels of the same samples.
    labels_ : ndarray of shape (n,)
        Clusters of the embeddings.
    pixel_labels_ : ndarray of shape (n,)
        Clusters of the pixels.
    scores_ : dict or None
        ACC, NMI and ARI of ``labels_`` against ``y`` (None when fit without y).
    pixel_scores_ : dict or None
        The same for ``pixel_labels_``.
    gain_ : dict or None
        ``scores_`` minus ``pixel_scores_``, per metric.
    n_features_in_ : int
        Width of the embedding.

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> from kmdl.deep import KMeansProbe
    >>> digits = load_digits()
    >>> probe = KMeansProbe(encoder=None).fit(digits.images, digits.labels)
    >>> round(probe.gain_["acc"], 3)
    0.0
    """

    def __init__(self, encoder=None, *, n_clusters=10, n_init=10, random_state=0):
        self.encoder = encoder
        self.n_clusters = n_clusters
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X, y=None):
        """Cluster the embeddings and the pixels of X, and score both against ``y`` when given.

        Parameters
        ----------
        X : array-like of shape (n, d) or an image stack (n, h, w[, c])
            Held-out samples.
        y : array-like of shape (n,), optional
            True labels; used only for scoring, never for clustering.

        Returns
        -------
        self
        """
        data = prepare_input(X)
        check_n_clusters_fit(self.n_clusters, data.n_samples)
        check_positive_int(self.n_init, "n_init")
        seed = check_random_state_seed(self.random_state)
        features = embed_with(self.encoder, X)
        self.n_features_in_ = features.shape[1]
        self.kmeans_ = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=seed).fit(features)
        self.pixel_kmeans_ = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=seed).fit(data.flat)
        self.labels_ = self.kmeans_.labels_
        self.pixel_labels_ = self.pixel_kmeans_.labels_
        self.scores_ = self.pixel_scores_ = self.gain_ = None
        if y is not None:
            self.scores_ = clustering_scores(y, self.labels_)
            self.pixel_scores_ = clustering_scores(y, self.pixel_labels_)
            self.gain_ = {key: self.scores_[key] - self.pixel_scores_[key] for key in self.scores_}
        return self

    def predict(self, X):
        """Return the nearest embedding centroid of each sample in X."""
        check_is_fitted(self, "kmeans_")
        features = embed_with(self.encoder, X)
        if features.shape[1] != self.n_features_in_:
            raise ValueError(
                f"The encoder gives embeddings of width {features.shape[1]} for X, but the "
                f"probe was fitted on width {self.n_features_in_}; pass data of the fitted shape."
            )
        return self.kmeans_.predict(features)

    def score(self, X, y):
        """Return the clustering accuracy (ACC) of ``predict(X)`` against ``y``."""
        return clustering_accuracy(y, self.predict(X))

"""The article's pipeline: K-means pseudo-labels train a Keras classifier."""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.utils.validation import check_is_fitted

from kmdl.metrics import clustering_accuracy, clustering_scores
from kmdl.utils import check_random_state_seed, set_seed
from kmdl.validation import as_feature_matrix, check_n_clusters, check_positive_number


def warn_empty_clusters(labels, n_clusters, stacklevel=3):
    """Warn, naming them, about cluster ids in 0..n_clusters-1 that no sample has.

    Returns
    -------
    ndarray
        The empty cluster ids.
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=n_clusters)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        warnings.warn(
            f"Clusters {empty.tolist()} of {n_clusters} have no samples; the classifier "
            "still has one output per cluster, but it never sees those classes.",
            RuntimeWarning,
            stacklevel=stacklevel,
        )
    return empty


class PseudoLabelClassifier(ClusterMixin, BaseEstimator):
    """Cluster with K-means, then train a Keras softmax classifier on the clusters.

    K-means assigns each training sample a cluster id, the pseudo-label. A
    dense network learns to predict that id from the pixels, so it can assign
    new samples without K-means. The network can only be as right as the
    pseudo-labels: its agreement with them (``agreement_``) measures how well
    it imitates K-means, not how well it recognises the true classes.

    Parameters
    ----------
    n_clusters : int, default=10
        Number of K-means clusters and of softmax outputs.
    hidden_units : tuple of int, default=(128,)
        Hidden layer widths of the classifier.
    epochs : int, default=30
    batch_size : int, default=64
    learning_rate : float, default=1e-3
    n_init : int, default=10
        K-means restarts; the one with the lowest inertia is kept.
    random_state : int or None, default=0
        One seed for K-means, the weight initialisation and the batch order.
    verbose : int, default=0
        Keras ``fit`` verbosity: 0 silent, 1 progress bar, 2 one line per epoch.

    Attributes
    ----------
    kmeans_ : sklearn.cluster.KMeans
        The fitted K-means.
    pseudo_labels_ : ndarray of shape (n,)
        K-means cluster of each training sample.
    model_ : keras.Model
        The trained classifier.
    labels_ : ndarray of shape (n,)
        The classifier's cluster for each training sample.
    agreement_ : float
        Fraction of training samples where ``labels_`` equals ``pseudo_labels_``.
    history_ : dict
        Keras training history (loss and accuracy per epoch).
    empty_clusters_ : ndarray
        Cluster ids that K-means left without samples.
    n_features_in_ : int

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> digits = load_digits()
    >>> model = PseudoLabelClassifier(n_clusters=10, epochs=5).fit(digits.images)
    >>> model.labels_.shape
    (1797,)
    """

    def __init__(
        self,
        n_clusters=10,
        *,
        hidden_units=(128,),
        epochs=30,
        batch_size=64,
        learning_rate=1e-3,
        n_init=10,
        random_state=0,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.n_init = n_init
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y=None):
        """Fit K-means on X, then train the classifier on its pseudo-labels.

        Parameters
        ----------
        X : array-like of shape (n, d) or an image stack (n, h, w[, c])
            Image stacks are flattened. Scale pixels to [0, 1] first (the
            loaders in :mod:`kmdl.data` do).
        y : ignored
            Present for API compatibility; the true labels are never used.

        Returns
        -------
        self
        """
        from kmdl.models import build_dense_classifier, compile_classifier
        import keras

        X = as_feature_matrix(X)
        check_n_clusters(self.n_clusters, X)
        check_positive_number(self.learning_rate, "learning_rate")
        seed = check_random_state_seed(self.random_state)
        set_seed(seed)

        self.n_features_in_ = X.shape[1]
        self.kmeans_ = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=seed).fit(X)
        self.pseudo_labels_ = self.kmeans_.labels_
        self.empty_clusters_ = warn_empty_clusters(self.pseudo_labels_, self.n_clusters)

        # num_classes fixes the one-hot width at n_clusters even if a cluster is empty.
        targets = keras.utils.to_categorical(self.pseudo_labels_, num_classes=self.n_clusters)
        self.model_ = compile_classifier(
            build_dense_classifier(X.shape[1], self.n_clusters, tuple(self.hidden_units)),
            self.learning_rate,
        )
        history = self.model_.fit(
            X.astype(np.float32),
            targets,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=True,
            verbose=self.verbose,
        )
        self.history_ = {key: [float(v) for v in values] for key, values in history.history.items()}
        self.labels_ = self._predict_features(X)
        self.agreement_ = float(np.mean(self.labels_ == self.pseudo_labels_))
        return self

    def _predict_features(self, X):
        probabilities = self.model_.predict(X.astype(np.float32), batch_size=1024, verbose=0)
        return probabilities.argmax(axis=1)

    def predict(self, X):
        """Return the classifier's cluster id for each sample in X."""
        check_is_fitted(self, "model_")
        X = as_feature_matrix(X)
        self._check_n_features(X)
        return self._predict_features(X)

    def predict_kmeans(self, X):
        """Return the K-means cluster id (the pseudo-label) for each sample in X."""
        check_is_fitted(self, "kmeans_")
        X = as_feature_matrix(X)
        self._check_n_features(X)
        return self.kmeans_.predict(X)

    def _check_n_features(self, X):
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but this model was fitted with "
                f"{self.n_features_in_}; pass images of the training shape."
            )

    def score(self, X, y):
        """Return the clustering accuracy of the classifier's clusters against ``y``."""
        return clustering_accuracy(y, self.predict(X))

    def evaluate(self, X, y=None):
        """Score the network and K-means on X.

        Returns
        -------
        dict
            ``agreement``: how often the network matches K-means on X (the
            figure the article printed). With ``y``, also ``network`` and
            ``kmeans``: ACC, NMI and ARI of each against the true labels.
        """
        network = self.predict(X)
        kmeans = self.predict_kmeans(X)
        report = {"agreement": float(np.mean(network == kmeans))}
        if y is not None:
            report["network"] = clustering_scores(y, network)
            report["kmeans"] = clustering_scores(y, kmeans)
        return report

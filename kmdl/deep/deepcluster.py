"""DeepCluster-style alternation (Caron et al., 2018): K-means pseudo-labels train the network.

Each round does four things:

1. Embed every sample with the current network (the layer before the head).
2. Reduce the embeddings with PCA, whiten them, and scale each to unit
   length; run K-means on the result. Its clusters are the pseudo-labels.
3. Replace the classification head with a freshly initialised one, because
   the cluster ids of this round have no relation to those of the last.
4. Train the network on the pseudo-labels, drawing the same number of
   samples from every cluster.

Two failure modes get a guard. An empty cluster is refilled by splitting a
non-empty one (:func:`reassign_empty_clusters`). A cluster that swallows most
of the data cannot dominate training, because step 4 samples uniformly over
clusters (:func:`sample_uniformly_over_clusters`). The NMI between the
assignments of successive rounds shows whether the clustering settles.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score
from sklearn.utils.validation import check_is_fitted

from kmdl.deep._base import (
    check_n_clusters_fit,
    check_positive_int,
    empty_clusters,
    fit_one_pass,
    fitted_input,
    l2_normalize,
    predict_batches,
    start_fit,
    warn_empty_clusters,
)
from kmdl.utils import MAX_SEED
from kmdl.validation import check_positive_number


def build_feature_network(sample_shape, feature_units=128, filters=(32, 64)):
    """Build the network whose output DeepCluster clusters.

    For images, each entry of ``filters`` adds a same-padded 3x3 ReLU
    convolution followed by 2x2 max pooling while the image is at least 4
    pixels high and wide. For flat input, a 256-unit ReLU layer takes the
    place of the convolutions. Both end in a ReLU layer of ``feature_units``.

    Parameters
    ----------
    sample_shape : tuple of int
        (h, w, c) for images, (d,) for flat vectors.
    feature_units : int, default=128
    filters : tuple of int, default=(32, 64)

    Returns
    -------
    keras.Model
        Maps a sample to its feature vector. Not compiled.
    """
    import kmdl.utils  # noqa: F401  (quiet TensorFlow before Keras loads it)
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(sample_shape), name="input")
    x = inputs
    if len(sample_shape) == 3:
        size = min(sample_shape[0], sample_shape[1])
        for index, count in enumerate(filters):
            x = layers.Conv2D(count, 3, padding="same", activation="relu", name=f"conv_{index}")(x)
            if size >= 4:
                x = layers.MaxPooling2D(2, name=f"pool_{index}")(x)
                size //= 2
        x = layers.Flatten(name="flatten")(x)
    else:
        x = layers.Dense(256, activation="relu", name="hidden")(x)
    features = layers.Dense(feature_units, activation="relu", name="features")(x)
    return keras.Model(inputs, features, name="feature_network")


def _offset_seed(seed, offset):
    """Return ``seed + offset``, wrapped into the seed range so that seeds near the top stay valid."""
    return (seed + offset) % (MAX_SEED + 1)


def reassign_empty_clusters(features, labels, centers, rng):
    """Refill empty clusters by splitting non-empty ones, and return the new labels and centres.

    For each empty cluster, a non-empty cluster is drawn with probability
    proportional to its size. The empty cluster's centre becomes that
    cluster's centre plus a small random offset, the donor's centre moves by
    the opposite offset, and the donor's samples go to the nearer of the two.

    Parameters
    ----------
    features : ndarray of shape (n, d)
    labels : ndarray of shape (n,)
    centers : ndarray of shape (k, d)
    rng : numpy.random.RandomState

    Returns
    -------
    labels : ndarray of shape (n,)
    centers : ndarray of shape (k, d)
    reassigned : list of int
        The cluster ids that were empty and were refilled.
    """
    labels = np.asarray(labels).copy()
    centers = np.asarray(centers, dtype=np.float64).copy()
    n_clusters = centers.shape[0]
    reassigned = []
    for empty in empty_clusters(labels, n_clusters):
        counts = np.bincount(labels, minlength=n_clusters).astype(np.float64)
        # A donor needs two distinct samples, or the split leaves one side empty.
        splittable = np.array(
            [counts[c] >= 2 and np.ptp(features[labels == c], axis=0).max() > 0 for c in range(n_clusters)]
        )
        if not splittable.any():
            break
        weights = np.where(splittable, counts, 0.0)
        donor = rng.choice(n_clusters, p=weights / weights.sum())
        members = np.flatnonzero(labels == donor)
        spread = features[members].std(axis=0).mean()
        offset = rng.normal(size=centers.shape[1]) * 1e-3 * spread
        for _ in range(20):
            candidates = np.stack([centers[donor] - offset, centers[donor] + offset])
            distances = ((features[members, np.newaxis, :] - candidates[np.newaxis]) ** 2).sum(axis=2)
            nearer = distances.argmin(axis=1)
            if 0 < nearer.sum() < members.size:
                break
            # Every member fell on one side: aim the split through the members' spread.
            offset = features[members[rng.randint(members.size)]] - centers[donor]
        centers[donor], centers[empty] = candidates[0], candidates[1]
        labels[members[nearer == 1]] = empty
        reassigned.append(int(empty))
    return labels, centers, reassigned


def sample_uniformly_over_clusters(labels, n_draws, rng):
    """Return ``n_draws`` sample indices with the same share for every non-empty cluster.

    A cluster smaller than its share is drawn with replacement, a larger one
    without, so a cluster that contains most of the data gets no more training
    batches than any other.

    Parameters
    ----------
    labels : ndarray of shape (n,)
    n_draws : int
    rng : numpy.random.RandomState

    Returns
    -------
    ndarray of shape (n_draws,)
        Indices into ``labels``, shuffled.
    """
    labels = np.asarray(labels)
    clusters = np.unique(labels)
    per_cluster = int(np.ceil(n_draws / clusters.size))
    draws = []
    for cluster in clusters:
        members = np.flatnonzero(labels == cluster)
        draws.append(rng.choice(members, size=per_cluster, replace=members.size < per_cluster))
    indices = np.concatenate(draws)
    rng.shuffle(indices)
    return indices[:n_draws]


class DeepCluster(ClusterMixin, TransformerMixin, BaseEstimator):
    """Alternate K-means on the network's embeddings and training the network on those clusters.

    Parameters
    ----------
    n_clusters : int, default=10
        Clusters per round, which is also the width of the head.
    n_rounds : int, default=10
        Rounds of cluster-then-train.
    epochs_per_round : int, default=1
        Passes of training per round; one pass draws as many samples as X has.
    pca_components : int, default=32
        Dimensions kept by the whitening PCA before K-means (capped by the
        feature width and the number of samples).
    feature_units : int, default=128
        Width of the feature layer.
    filters : tuple of int, default=(32, 64)
        Convolution widths for image input (see :func:`build_feature_network`).
    n_init : int, default=3
        K-means restarts in each round.
    batch_size : int, default=64
    learning_rate : float, default=1e-3
        Adam learning rate; a new optimiser starts each round with the new head.
    random_state : int, RandomState instance or None, default=0
        One seed for the weights, K-means, the sampling and the batch order.
    verbose : int, default=0
        Keras ``fit`` verbosity.

    Attributes
    ----------
    network_ : keras.Model
        The trained feature network (without head).
    pca_ : sklearn.decomposition.PCA
        The whitening PCA of the final clustering.
    kmeans_ : sklearn.cluster.KMeans
        K-means of the final clustering, on the PCA-reduced, unit-length features.
    labels_ : ndarray of shape (n,)
        Final cluster of each training sample, from K-means on the features
        of the trained network.
    assignments_ : list of ndarray
        Pseudo-labels of every round, then the final labels.
    nmi_history_ : list of float
        NMI between each assignment and the one before it (length ``n_rounds``).
    largest_cluster_history_ : list of float
        Fraction of samples in the largest cluster of each assignment.
    reassigned_history_ : list of list of int
        Clusters refilled by :func:`reassign_empty_clusters` in each assignment.
    loss_history_ : list of float
        Training loss at the end of each round.
    empty_clusters_ : ndarray
        Cluster ids with no training sample in ``labels_``.
    input_shape_ : tuple
    n_features_in_ : int

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> from kmdl.deep import DeepCluster
    >>> digits = load_digits()
    >>> model = DeepCluster(n_clusters=10, n_rounds=2).fit(digits.images)
    >>> len(model.nmi_history_)
    2
    """

    def __init__(
        self,
        n_clusters=10,
        *,
        n_rounds=10,
        epochs_per_round=1,
        pca_components=32,
        feature_units=128,
        filters=(32, 64),
        n_init=3,
        batch_size=64,
        learning_rate=1e-3,
        random_state=0,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.n_rounds = n_rounds
        self.epochs_per_round = epochs_per_round
        self.pca_components = pca_components
        self.feature_units = feature_units
        self.filters = filters
        self.n_init = n_init
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, data):
        check_n_clusters_fit(self.n_clusters, data.n_samples)
        for name in ("n_rounds", "epochs_per_round", "pca_components", "feature_units", "n_init", "batch_size"):
            check_positive_int(getattr(self, name), name)
        for count in self.filters:
            check_positive_int(count, "filters entry")
        check_positive_number(self.learning_rate, "learning_rate")

    def _cluster(self, data, seed, rng):
        """Embed, reduce, normalise and run K-means; return labels, the PCA and the K-means."""
        features = predict_batches(self.network_, data.network_array)
        n_components = min(self.pca_components, features.shape[1], data.n_samples)
        pca = PCA(n_components=n_components, whiten=True, random_state=seed)
        reduced = l2_normalize(pca.fit_transform(features))
        kmeans = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=seed).fit(reduced)
        labels, centers, reassigned = reassign_empty_clusters(reduced, kmeans.labels_, kmeans.cluster_centers_, rng)
        if reassigned:
            kmeans.cluster_centers_ = centers.astype(kmeans.cluster_centers_.dtype)
            kmeans.labels_ = labels
        self.reassigned_history_.append(reassigned)
        return labels, pca, kmeans

    def _record(self, labels):
        if self.assignments_:
            self.nmi_history_.append(float(normalized_mutual_info_score(self.assignments_[-1], labels)))
        self.largest_cluster_history_.append(float(np.bincount(labels).max() / labels.size))
        self.assignments_.append(labels)

    def fit(self, X, y=None):
        """Run ``n_rounds`` of cluster-then-train, then cluster the final features.

        Parameters
        ----------
        X : array-like of shape (n, d) or an image stack (n, h, w[, c])
        y : ignored

        Returns
        -------
        self
        """
        import keras
        from keras import layers

        data, seed, rng = start_fit(self, X)
        self.network_ = build_feature_network(self.input_shape_, self.feature_units, tuple(self.filters))
        self.assignments_, self.nmi_history_, self.largest_cluster_history_ = [], [], []
        self.reassigned_history_, self.loss_history_ = [], []
        inputs = data.network_array

        for round_index in range(self.n_rounds):
            labels, _, _ = self._cluster(data, _offset_seed(seed, round_index), rng)
            self._record(labels)
            head = layers.Dense(self.n_clusters, activation="softmax", name=f"head_{round_index}")
            classifier = keras.Model(self.network_.input, head(self.network_.output))
            classifier.compile(
                optimizer=keras.optimizers.Adam(float(self.learning_rate)), loss="sparse_categorical_crossentropy"
            )
            indices = sample_uniformly_over_clusters(labels, data.n_samples * self.epochs_per_round, rng)
            history = fit_one_pass(classifier, inputs, labels, indices, self.batch_size, self.verbose)
            self.loss_history_.append(float(history.history["loss"][-1]))

        self.labels_, self.pca_, self.kmeans_ = self._cluster(data, _offset_seed(seed, self.n_rounds), rng)
        self._record(self.labels_)
        self.empty_clusters_ = warn_empty_clusters(self.labels_, self.n_clusters, "DeepCluster")
        return self

    def transform(self, X):
        """Return the feature network's output for each sample in X."""
        data = fitted_input(self, X, "network_")
        return predict_batches(self.network_, data.network_array)

    def predict(self, X):
        """Return the nearest final K-means centroid of each sample's reduced features."""
        check_is_fitted(self, "kmeans_")
        features = self.transform(X)
        return self.kmeans_.predict(l2_normalize(self.pca_.transform(features)))

"""Deep Embedded Clustering (DEC; Xie, Girshick and Farhadi, 2016) in Keras.

DEC has two stages. First an autoencoder learns an embedding of the data
(:class:`kmdl.deep.autoencoder.Autoencoder`). Then a clustering layer with one centre per
cluster sits on the encoder, and encoder and centres are trained together:

1. The soft assignment ``q[i, j]`` of sample i to cluster j is a Student's t
   kernel of the distance between the embedding ``z_i`` and the centre
   ``mu_j``, normalised over the clusters.
2. The target distribution ``p`` squares ``q`` and divides by each cluster's
   total soft count, then normalises each row. This sharpens confident
   assignments and keeps large clusters from taking over.
3. The loss is the Kullback-Leibler divergence KL(p || q). The target is held
   fixed for ``update_interval`` gradient steps and then recomputed.
4. Training stops when fewer than a fraction ``tol`` of the hard labels
   change between two target updates, or after ``max_iter`` steps.

The centres start either from K-means on the embedding (``init="kmeans"``,
as in the paper) or at embedded samples drawn at random (``init="random"``),
so that the two starts can be compared.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.cluster import KMeans

import kmdl.utils  # noqa: F401  (sets KERAS_BACKEND and TF_CPP_MIN_LOG_LEVEL)
import keras
from keras import ops

from kmdl.deep._base import (
    IndexStream,
    check_choice,
    check_n_clusters_fit,
    check_positive_int,
    check_sample_shape,
    fit_one_pass,
    fitted_input,
    predict_batches,
    start_fit,
    warn_empty_clusters,
)
from kmdl.deep.autoencoder import Autoencoder, copy_model
from kmdl.validation import _is_real_number, check_positive_number

INIT_METHODS = ("kmeans", "random")


@keras.saving.register_keras_serializable(package="kmdl")
class ClusteringLayer(keras.layers.Layer):
    """Keras layer that returns the Student's t soft assignment of embeddings to centres.

    ``q[i, j] = (1 + |z_i - mu_j|^2 / alpha) ** (-(alpha + 1) / 2)``, divided by
    its sum over j. The centres ``mu`` are the layer's trainable weights.

    Parameters
    ----------
    n_clusters : int
    alpha : float, default=1.0
        Degrees of freedom of the Student's t kernel.
    initial_centers : ndarray of shape (n_clusters, embedding_dim), optional
        Starting centres; Glorot-uniform values when omitted.
    """

    def __init__(self, n_clusters, alpha=1.0, initial_centers=None, **kwargs):
        super().__init__(**kwargs)
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.initial_centers = None if initial_centers is None else np.asarray(initial_centers, dtype="float32")

    def build(self, input_shape):
        if self.initial_centers is None:
            initializer = keras.initializers.GlorotUniform()
        else:
            initializer = keras.initializers.Constant(self.initial_centers)
        self.centers = self.add_weight(
            shape=(self.n_clusters, input_shape[-1]), initializer=initializer, name="centers"
        )

    def call(self, embeddings):
        differences = ops.expand_dims(embeddings, 1) - ops.expand_dims(self.centers, 0)
        squared = ops.sum(ops.square(differences), axis=2)
        kernel = ops.power(1.0 + squared / self.alpha, -(self.alpha + 1.0) / 2.0)
        return kernel / ops.sum(kernel, axis=1, keepdims=True)

    def get_config(self):
        config = super().get_config()
        initial_centers = None if self.initial_centers is None else self.initial_centers.tolist()
        config.update({"n_clusters": self.n_clusters, "alpha": self.alpha, "initial_centers": initial_centers})
        return config


def target_distribution(q):
    """Return DEC's target distribution p for soft assignments ``q`` of shape (n, k).

    ``p[i, j]`` is proportional to ``q[i, j] ** 2 / f_j`` with ``f_j`` the soft
    size of cluster j, and each row of p sums to 1.
    """
    q = np.asarray(q, dtype=np.float64)
    weight = q**2 / np.maximum(q.sum(axis=0), np.finfo(np.float64).tiny)
    return weight / weight.sum(axis=1, keepdims=True)


class DEC(ClusterMixin, TransformerMixin, BaseEstimator):
    """Deep Embedded Clustering: an autoencoder's encoder self-trained with a clustering layer.

    Parameters
    ----------
    n_clusters : int, default=10
    init : {"kmeans", "random"}, default="kmeans"
        Starting centres of the clustering layer. ``"kmeans"`` runs K-means
        (``n_init`` restarts) on the pretrained embedding. ``"random"`` uses
        ``n_clusters`` embedded samples drawn uniformly without replacement.
    autoencoder : Autoencoder or None, default=None
        Autoencoder that provides the pretrained encoder. None trains
        ``Autoencoder(random_state=...)`` with its defaults. An unfitted
        Autoencoder is cloned and trained on X. A fitted one is reused
        without training, and its encoder is copied, so DEC leaves it
        unchanged. Passing one fitted Autoencoder to several DEC models lets
        them differ only in what follows pretraining, such as ``init``.
    alpha : float, default=1.0
        Degrees of freedom of the Student's t kernel.
    n_init : int, default=20
        K-means restarts for ``init="kmeans"``.
    update_interval : int, default=140
        Gradient steps between two updates of the target distribution.
    max_iter : int, default=2000
        Maximum number of gradient steps of self-training.
    tol : float, default=1e-3
        Stop when fewer than this fraction of the labels change between two
        target updates.
    batch_size : int, default=256
    learning_rate : float, default=0.01
        Learning rate of the SGD optimiser (momentum 0.9) used in self-training.
    random_state : int, RandomState instance or None, default=0
        One seed for pretraining, the initial centres, and the batch order.
    verbose : int, default=0
        Keras ``fit`` verbosity during pretraining and self-training.

    Attributes
    ----------
    autoencoder_ : Autoencoder
        The fitted autoencoder used for pretraining (the one passed in, when
        it was already fitted).
    encoder_ : keras.Model
        The encoder after self-training.
    model_ : keras.Model
        Encoder plus clustering layer; its output is the soft assignment q.
    cluster_centers_ : ndarray of shape (n_clusters, embedding_dim)
        Centres in the embedding after self-training.
    initial_centers_ : ndarray of shape (n_clusters, embedding_dim)
        Centres before self-training.
    init_labels_ : ndarray of shape (n,)
        Nearest initial centre of each training sample in the pretrained
        embedding: the K-means labels for ``init="kmeans"``.
    labels_ : ndarray of shape (n,)
        Cluster of each training sample (largest q) after self-training.
    n_iter_ : int
        Gradient steps of self-training that ran.
    delta_history_ : list of float
        Fraction of labels that changed at each target update after the first.
    converged_ : bool
        True when self-training stopped because of ``tol``.
    empty_clusters_ : ndarray
        Cluster ids with no training sample in ``labels_``.
    input_shape_ : tuple
    n_features_in_ : int

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> from kmdl.deep import DEC, Autoencoder
    >>> digits = load_digits()
    >>> dec = DEC(n_clusters=10, autoencoder=Autoencoder(epochs=2), max_iter=20)
    >>> dec.fit_predict(digits.images).shape
    (1797,)
    """

    def __init__(
        self,
        n_clusters=10,
        *,
        init="kmeans",
        autoencoder=None,
        alpha=1.0,
        n_init=20,
        update_interval=140,
        max_iter=2000,
        tol=1e-3,
        batch_size=256,
        learning_rate=0.01,
        random_state=0,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.autoencoder = autoencoder
        self.alpha = alpha
        self.n_init = n_init
        self.update_interval = update_interval
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, data):
        check_n_clusters_fit(self.n_clusters, data.n_samples)
        check_choice(self.init, "init", INIT_METHODS)
        for name in ("n_init", "update_interval", "max_iter", "batch_size"):
            check_positive_int(getattr(self, name), name)
        check_positive_number(self.alpha, "alpha")
        check_positive_number(self.learning_rate, "learning_rate")
        if not (_is_real_number(self.tol) and 0 <= self.tol < 1):
            raise ValueError(f"tol={self.tol!r} is invalid: pass a fraction in [0, 1).")
        if self.autoencoder is not None and not isinstance(self.autoencoder, Autoencoder):
            raise ValueError(
                f"autoencoder={self.autoencoder!r} is invalid: pass None or a kmdl.deep.Autoencoder."
            )

    def _pretrained_autoencoder(self, data, seed):
        """Return a fitted Autoencoder for ``data``: the given fitted one, or a new one trained here."""
        provided = self.autoencoder
        if provided is not None and hasattr(provided, "encoder_"):
            check_sample_shape(provided, data)
            return provided
        autoencoder = Autoencoder(random_state=seed) if provided is None else clone(provided)
        autoencoder.set_params(random_state=seed)
        return autoencoder._fit_flat(data)

    def _initial_centers(self, embedding, seed):
        if self.init == "kmeans":
            kmeans = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=seed)
            kmeans.fit(embedding)
            return kmeans.cluster_centers_
        rng = np.random.RandomState(seed)
        return embedding[rng.choice(embedding.shape[0], size=self.n_clusters, replace=False)].copy()

    def fit(self, X, y=None):
        """Pretrain (unless given a fitted autoencoder), initialise the centres, and self-train.

        Parameters
        ----------
        X : array-like of shape (n, d) or an image stack (n, h, w[, c])
        y : ignored

        Returns
        -------
        self
        """
        data, seed, rng = start_fit(self, X)
        self.autoencoder_ = self._pretrained_autoencoder(data, seed)
        self.encoder_ = copy_model(self.autoencoder_.encoder_)
        embedding = predict_batches(self.encoder_, data.flat)

        self.initial_centers_ = self._initial_centers(embedding, seed).astype(np.float32)
        clustering = ClusteringLayer(self.n_clusters, self.alpha, self.initial_centers_, name="clustering")
        self.model_ = keras.Model(self.encoder_.input, clustering(self.encoder_.output), name="dec")
        self.model_.compile(
            optimizer=keras.optimizers.SGD(learning_rate=float(self.learning_rate), momentum=0.9),
            loss=keras.losses.KLDivergence(),
        )
        self.init_labels_ = self._soft_assign(data.flat).argmax(axis=1)
        self._self_train(data.flat, rng)

        self.labels_ = self._soft_assign(data.flat).argmax(axis=1)
        # convert_to_numpy on a Keras variable emits NumPy's DeprecationWarning
        # about __array__ and copy (Keras 3.15, NumPy 2.4), but Variable.numpy() does not.
        self.cluster_centers_ = clustering.centers.numpy().copy()
        self.empty_clusters_ = warn_empty_clusters(self.labels_, self.n_clusters, "DEC")
        return self

    def _soft_assign(self, flat):
        return predict_batches(self.model_, flat)

    def _self_train(self, flat, rng):
        """Alternate target updates and ``update_interval`` KL steps until ``tol`` or ``max_iter``."""
        # Every sample is seen once per pass, however the steps split into chunks.
        stream = IndexStream(flat.shape[0], rng)
        previous = None
        self.delta_history_ = []
        self.converged_ = False
        self.n_iter_ = 0
        while self.n_iter_ < self.max_iter:
            q = self._soft_assign(flat)
            labels = q.argmax(axis=1)
            if previous is not None:
                delta = float(np.mean(labels != previous))
                self.delta_history_.append(delta)
                if delta < self.tol:
                    self.converged_ = True
                    break
            previous = labels
            target = target_distribution(q).astype(np.float32)

            steps = min(self.update_interval, self.max_iter - self.n_iter_)
            indices = stream.take(steps * self.batch_size)
            fit_one_pass(self.model_, flat, target, indices, self.batch_size, self.verbose)
            self.n_iter_ += steps

    def predict_proba(self, X):
        """Return the soft assignment q of each sample in X, shape (n, n_clusters)."""
        return self._soft_assign(fitted_input(self, X, "model_").flat)

    def predict(self, X):
        """Return the cluster with the largest soft assignment for each sample in X."""
        return self.predict_proba(X).argmax(axis=1)

    def transform(self, X):
        """Return the self-trained embedding of each sample in X."""
        data = fitted_input(self, X, "encoder_")
        return predict_batches(self.encoder_, data.flat)

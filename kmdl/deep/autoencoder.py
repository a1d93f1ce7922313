"""A dense Keras autoencoder with scikit-learn's transformer API.

The encoder maps each flattened sample to a short embedding and the decoder
maps it back. Training minimises the mean squared reconstruction error, so the
embedding keeps what is needed to redraw the input. DEC starts from this
embedding (:mod:`kmdl.deep.dec`).
"""

import math

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from kmdl.deep._base import check_positive_int, fitted_input, predict_batches, start_fit
from kmdl.validation import _is_real_number, check_positive_number


def build_autoencoder(input_dim, hidden_units=(500, 500, 2000), embedding_dim=10, noise=0.0):
    """Build a dense autoencoder and return it with its encoder.

    The encoder has one ReLU layer per entry of ``hidden_units`` and a linear
    embedding layer. The decoder mirrors the encoder and ends in a linear
    layer of width ``input_dim``.

    Parameters
    ----------
    input_dim : int
        Length of each flattened sample.
    hidden_units : tuple of int, default=(500, 500, 2000)
        Widths of the encoder's hidden layers, from the input inwards.
    embedding_dim : int, default=10
        Width of the embedding.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the input during
        training only (a denoising autoencoder); 0 adds none.

    Returns
    -------
    autoencoder : keras.Model
        Maps a sample to its reconstruction. Not compiled.
    encoder : keras.Model
        Maps a sample to its embedding; shares its layers with ``autoencoder``.
    """
    import kmdl.utils  # noqa: F401  (quiet TensorFlow before Keras loads it)
    import keras
    from keras import layers

    inputs = keras.Input(shape=(input_dim,), name="flat_input")
    x = layers.GaussianNoise(noise, name="input_noise")(inputs) if noise else inputs
    for index, units in enumerate(hidden_units):
        x = layers.Dense(units, activation="relu", name=f"encoder_{index}")(x)
    embedding = layers.Dense(embedding_dim, name="embedding")(x)
    x = embedding
    for index, units in enumerate(reversed(hidden_units)):
        x = layers.Dense(units, activation="relu", name=f"decoder_{index}")(x)
    reconstruction = layers.Dense(input_dim, name="reconstruction")(x)
    autoencoder = keras.Model(inputs, reconstruction, name="autoencoder")
    encoder = keras.Model(inputs, embedding, name="encoder")
    return autoencoder, encoder


def copy_model(model):
    """Return a new Keras model with the architecture and current weights of ``model``."""
    import keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


class Autoencoder(TransformerMixin, BaseEstimator):
    """Dense autoencoder whose ``transform`` returns the embedding.

    Parameters
    ----------
    embedding_dim : int, default=10
        Width of the embedding.
    hidden_units : tuple of int, default=(500, 500, 2000)
        Widths of the encoder's hidden layers; the decoder mirrors them. The
        default is the architecture of the DEC paper.
    epochs : int, default=50
        Passes over the training data.
    batch_size : int, default=256
    learning_rate : float, default=1e-3
        Adam learning rate.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to the input during
        training (0 for a plain autoencoder).
    random_state : int, RandomState instance or None, default=0
        Seed for the weights and the batch order. The same int gives the same
        embedding on the same CPU.
    verbose : int, default=0
        Keras ``fit`` verbosity.

    Attributes
    ----------
    autoencoder_ : keras.Model
        The trained autoencoder.
    encoder_ : keras.Model
        Its encoder, which ``transform`` runs.
    history_ : dict
        Keras training history (``loss`` per epoch).
    reconstruction_error_ : float
        Mean squared reconstruction error on the training data after training.
    input_shape_ : tuple
        Shape of one training sample, (h, w, c) or (d,).
    n_features_in_ : int
        Length of a flattened sample.

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> from kmdl.deep import Autoencoder
    >>> digits = load_digits()
    >>> embedding = Autoencoder(embedding_dim=10, epochs=2).fit_transform(digits.images)
    >>> embedding.shape
    (1797, 10)
    """

    def __init__(
        self,
        embedding_dim=10,
        *,
        hidden_units=(500, 500, 2000),
        epochs=50,
        batch_size=256,
        learning_rate=1e-3,
        noise=0.0,
        random_state=0,
        verbose=0,
    ):
        self.embedding_dim = embedding_dim
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.noise = noise
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, data):
        check_positive_int(self.embedding_dim, "embedding_dim")
        check_positive_int(self.epochs, "epochs")
        check_positive_int(self.batch_size, "batch_size")
        check_positive_number(self.learning_rate, "learning_rate")
        for units in self.hidden_units:
            check_positive_int(units, "hidden_units entry")
        if not (_is_real_number(self.noise) and 0 <= self.noise < math.inf):
            raise ValueError(f"noise={self.noise!r} is invalid: pass a standard deviation >= 0.")

    def fit(self, X, y=None):
        """Train the autoencoder to reconstruct X.

        Parameters
        ----------
        X : array-like of shape (n, d) or an image stack (n, h, w[, c])
        y : ignored

        Returns
        -------
        self
        """
        data, _, _ = start_fit(self, X)
        return self._fit_flat(data)

    def _fit_flat(self, data):
        """Train on a checked :class:`~kmdl.deep._base.NetworkInput` (no seeding)."""
        import keras

        self.input_shape_ = tuple(data.sample_shape)
        self.n_features_in_ = data.flat.shape[1]
        self.autoencoder_, self.encoder_ = build_autoencoder(
            self.n_features_in_, tuple(self.hidden_units), self.embedding_dim, self.noise
        )
        self.autoencoder_.compile(optimizer=keras.optimizers.Adam(float(self.learning_rate)), loss="mse")
        history = self.autoencoder_.fit(
            data.flat,
            data.flat,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=True,
            verbose=self.verbose,
        )
        self.history_ = {key: [float(v) for v in values] for key, values in history.history.items()}
        reconstruction = predict_batches(self.autoencoder_, data.flat)
        self.reconstruction_error_ = float(np.mean((reconstruction - data.flat) ** 2))
        return self

    def transform(self, X):
        """Return the embedding of each sample in X, shape (n, embedding_dim)."""
        data = fitted_input(self, X, "encoder_")
        return predict_batches(self.encoder_, data.flat)

    def reconstruct(self, X):
        """Return the reconstruction of each sample in X, flattened to (n, d)."""
        data = fitted_input(self, X, "autoencoder_")
        return predict_batches(self.autoencoder_, data.flat)

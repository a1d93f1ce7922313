"""A contrastive encoder (SimCLR-style; Chen et al., 2020) trained without labels.

Each training batch is augmented twice with small random shifts, rotations
and zooms. The encoder and a projection head learn to map the two views of
the same image close together and views of different images apart, with the
normalised temperature-scaled cross-entropy (NT-Xent) loss. The encoder's
output then changes little when a digit moves by a pixel, which raw pixels
do not offer.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from kmdl.deep._base import IndexStream, check_positive_int, fitted_input, predict_batches, start_fit
from kmdl.deep.deepcluster import build_feature_network
from kmdl.exceptions import DataError
from kmdl.validation import check_fraction, check_positive_number


def build_augmenter(shift=0.15, rotation=0.05, zoom=0.1):
    """Build the random augmentation applied to each view: shift, rotation and zoom.

    Parameters
    ----------
    shift : float, default=0.15
        Largest shift as a fraction of the height and of the width.
    rotation : float, default=0.05
        Largest rotation as a fraction of a full turn.
    zoom : float, default=0.1
        Largest zoom in or out as a fraction of the size.

    Returns
    -------
    keras.Sequential
        Active only when called with ``training=True``.
    """
    import keras
    from keras import layers

    return keras.Sequential(
        [
            layers.RandomTranslation(shift, shift, fill_mode="constant"),
            layers.RandomRotation(rotation, fill_mode="constant"),
            layers.RandomZoom(zoom, fill_mode="constant"),
        ],
        name="augmenter",
    )


def nt_xent_loss(first, second, temperature):
    """Return the NT-Xent loss of two batches of projections of the same images.

    Row i of ``first`` and row i of ``second`` are the positive pair; the
    other 2n - 2 rows are the negatives. Projections are scaled to unit
    length, so the logits are cosine similarities divided by ``temperature``.
    """
    import tensorflow as tf

    first = tf.math.l2_normalize(first, axis=1)
    second = tf.math.l2_normalize(second, axis=1)
    both = tf.concat([first, second], axis=0)
    n_pairs = tf.shape(first)[0]
    logits = tf.matmul(both, both, transpose_b=True) / temperature
    # A view must not count itself as its own positive.
    logits = logits - 1e9 * tf.eye(2 * n_pairs)
    positives = tf.concat([tf.range(n_pairs, 2 * n_pairs), tf.range(0, n_pairs)], axis=0)
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(positives, logits))


class ContrastiveEncoder(TransformerMixin, BaseEstimator):
    """Convolutional encoder trained with the contrastive NT-Xent loss on augmented image pairs.

    Parameters
    ----------
    feature_units : int, default=128
        Width of the encoder's output, which ``transform`` returns.
    projection_units : int, default=64
        Width of the projection head that the loss reads (discarded after training).
    filters : tuple of int, default=(32, 64)
        Convolution widths (see :func:`kmdl.deep.build_feature_network`).
    steps : int, default=1400
        Training steps. On the 1,797 digits with ``batch_size=256`` that is
        200 passes; on 70,000 images it is about 5.
    batch_size : int, default=256
        Images per step; each gives two views.
    temperature : float, default=0.5
    learning_rate : float, default=1e-3
        Adam learning rate.
    shift : float, default=0.15
        Shift strength, passed to :func:`build_augmenter`.
    rotation : float, default=0.05
        Rotation strength, passed to :func:`build_augmenter`.
    zoom : float, default=0.1
        Zoom strength, passed to :func:`build_augmenter`.
    random_state : int, RandomState instance or None, default=0
        Seed for the weights, the augmentations and the batch order.

    Attributes
    ----------
    encoder_ : keras.Model
        The trained encoder.
    loss_history_ : ndarray of shape (steps,)
        Loss of every training step.
    input_shape_ : tuple
        Shape (h, w, c) of one training image.
    n_features_in_ : int

    Examples
    --------
    >>> from kmdl.data import load_digits
    >>> from kmdl.deep import ContrastiveEncoder
    >>> digits = load_digits()
    >>> ContrastiveEncoder(steps=5).fit_transform(digits.images).shape
    (1797, 128)
    """

    def __init__(
        self,
        feature_units=128,
        *,
        projection_units=64,
        filters=(32, 64),
        steps=1400,
        batch_size=256,
        temperature=0.5,
        learning_rate=1e-3,
        shift=0.15,
        rotation=0.05,
        zoom=0.1,
        random_state=0,
    ):
        self.feature_units = feature_units
        self.projection_units = projection_units
        self.filters = filters
        self.steps = steps
        self.batch_size = batch_size
        self.temperature = temperature
        self.learning_rate = learning_rate
        self.shift = shift
        self.rotation = rotation
        self.zoom = zoom
        self.random_state = random_state

    def _check_params(self, data):
        if data.images is None:
            raise DataError(
                "ContrastiveEncoder needs an image stack (n, height, width[, channels]) "
                f"to shift and rotate, but got flat vectors of shape {data.flat.shape}; "
                "reshape them to images first."
            )
        for name in ("feature_units", "projection_units", "steps", "batch_size"):
            check_positive_int(getattr(self, name), name)
        for count in self.filters:
            check_positive_int(count, "filters entry")
        check_positive_number(self.temperature, "temperature")
        check_positive_number(self.learning_rate, "learning_rate")
        # Each is the largest change, so a negative value has no meaning, and
        # Keras's random layers reject values above 1.
        for name in ("shift", "rotation", "zoom"):
            check_fraction(getattr(self, name), name)

    def fit(self, X, y=None):
        """Train the encoder on augmented pairs of the images in X.

        Parameters
        ----------
        X : array-like of shape (n, h, w) or (n, h, w, c)
        y : ignored

        Returns
        -------
        self
        """
        data, _, rng = start_fit(self, X)
        return self._fit_images(data, rng)

    def _fit_images(self, data, rng):
        """Train on a checked :class:`~kmdl.deep._base.NetworkInput` with images (no seeding)."""
        import keras
        import tensorflow as tf
        from keras import layers

        self.input_shape_ = tuple(data.sample_shape)
        self.n_features_in_ = data.flat.shape[1]
        encoder = build_feature_network(self.input_shape_, self.feature_units, tuple(self.filters))
        projection = keras.Sequential(
            [
                keras.Input(shape=(self.feature_units,)),
                layers.Dense(self.feature_units, activation="relu"),
                layers.Dense(self.projection_units),
            ],
            name="projection",
        )
        augmenter = build_augmenter(self.shift, self.rotation, self.zoom)
        optimizer = keras.optimizers.Adam(float(self.learning_rate))
        variables = encoder.trainable_variables + projection.trainable_variables
        temperature = float(self.temperature)

        @tf.function(reduce_retracing=True)
        def train_step(batch):
            first_view = augmenter(batch, training=True)
            second_view = augmenter(batch, training=True)
            with tf.GradientTape() as tape:
                first = projection(encoder(first_view, training=True), training=True)
                second = projection(encoder(second_view, training=True), training=True)
                loss = nt_xent_loss(first, second, temperature)
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        images = data.images
        batch_size = min(self.batch_size, data.n_samples)
        # Every batch is full and each image appears once per pass.
        stream = IndexStream(data.n_samples, rng)
        losses = np.array([float(train_step(tf.constant(images[stream.take(batch_size)]))) for _ in range(self.steps)])
        self.encoder_ = encoder
        self.loss_history_ = losses
        return self

    def transform(self, X):
        """Return the encoder's features for each image in X, shape (n, feature_units)."""
        data = fitted_input(self, X, "encoder_")
        return predict_batches(self.encoder_, data.images)

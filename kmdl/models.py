"""Small Keras models used by the pipelines and the pages.

Each builder returns an uncompiled ``keras.Model`` unless it says otherwise.
Import :mod:`kmdl.utils` first (this module does) so that TensorFlow's start-up
log stays quiet.
"""

import kmdl.utils  # noqa: F401  (sets KERAS_BACKEND and TF_CPP_MIN_LOG_LEVEL)
import keras
from keras import layers


def build_dense_classifier(input_dim, n_classes, hidden_units=(128,), dropout=0.2, name="dense_classifier"):
    """Build a fully connected softmax classifier for flat vectors.

    Parameters
    ----------
    input_dim : int
        Length of each input vector.
    n_classes : int
        Width of the softmax output.
    hidden_units : tuple of int, default=(128,)
        Width of each hidden ReLU layer; ``()`` gives multinomial logistic regression.
    dropout : float, default=0.2
        Dropout rate after each hidden layer.

    Returns
    -------
    keras.Model
    """
    inputs = keras.Input(shape=(input_dim,), name="pixels")
    x = inputs
    for index, units in enumerate(hidden_units):
        x = layers.Dense(units, activation="relu", name=f"hidden_{index}")(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def build_cnn_classifier(image_shape, n_classes, filters=(16, 32), kernel_size=3, name="cnn_classifier"):
    """Build a small convolutional classifier.

    Each block is a same-padded convolution with ReLU followed by 2x2 max
    pooling, which halves the height and width. The blocks feed a global
    average pooling layer and a softmax output.

    Parameters
    ----------
    image_shape : tuple of int
        (height, width, channels).
    n_classes : int
    filters : tuple of int, default=(16, 32)
        Number of kernels in each convolution block.
    kernel_size : int, default=3

    Returns
    -------
    keras.Model
    """
    inputs = keras.Input(shape=tuple(image_shape), name="image")
    x = inputs
    for index, count in enumerate(filters):
        x = layers.Conv2D(count, kernel_size, padding="same", activation="relu", name=f"conv_{index}")(x)
        x = layers.MaxPooling2D(2, name=f"pool_{index}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def build_lstm_classifier(image_shape, n_classes, units=64, name="lstm_classifier"):
    """Build an LSTM that reads an image one row at a time.

    Each row of pixels is one time step, so an 8x8 digit is a sequence of 8
    vectors of length 8. The last hidden state feeds a softmax output.

    Parameters
    ----------
    image_shape : tuple of int
        (height, width) or (height, width, channels).
    n_classes : int
    units : int, default=64
        Size of the hidden state and the cell state.

    Returns
    -------
    keras.Model
    """
    height, width = image_shape[0], image_shape[1]
    channels = image_shape[2] if len(image_shape) == 3 else 1
    inputs = keras.Input(shape=(height, width, channels), name="image")
    rows = layers.Reshape((height, width * channels), name="rows_as_steps")(inputs)
    state = layers.LSTM(units, name="lstm")(rows)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(state)
    return keras.Model(inputs, outputs, name=name)


def build_simple_rnn_classifier(image_shape, n_classes, units=64, name="simple_rnn_classifier"):
    """Build a plain RNN (no gates, no cell state) that reads an image one row at a time.

    The same model as :func:`build_lstm_classifier` with ``keras.layers.SimpleRNN``
    in place of the LSTM: each step's hidden state is
    ``tanh(W x_t + U h_{t-1} + b)``.

    Parameters
    ----------
    image_shape : tuple of int
        (height, width) or (height, width, channels).
    n_classes : int
    units : int, default=64
        Size of the hidden state.

    Returns
    -------
    keras.Model
    """
    height, width = image_shape[0], image_shape[1]
    channels = image_shape[2] if len(image_shape) == 3 else 1
    inputs = keras.Input(shape=(height, width, channels), name="image")
    rows = layers.Reshape((height, width * channels), name="rows_as_steps")(inputs)
    state = layers.SimpleRNN(units, name="simple_rnn")(rows)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(state)
    return keras.Model(inputs, outputs, name=name)


def compile_classifier(model, learning_rate=1e-3):
    """Compile ``model`` with Adam, categorical cross-entropy and accuracy, and return it."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=float(learning_rate)),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model

"""Plots of what trained networks compute: kernels, feature maps, LSTM states, training curves.

The plotting functions take NumPy arrays (and Keras history dicts), not
models, so they can be tested without training. :func:`trace_lstm_states`
is the exception: it reads the weights of a trained Keras ``LSTM`` layer and
replays the layer in NumPy to expose the gate values that Keras does not return.
The plotting functions take ``language`` ("en" or "zh_CN"), which picks the
words of :data:`TEXT`.
"""

import matplotlib.pyplot as plt
import numpy as np

from kmdl.figures.languages import translate
from kmdl.figures.languages import words as _words

# Order of the four blocks in a Keras LSTM's kernel, recurrent kernel and bias
# (keras.layers.LSTMCell in Keras 3): input gate, forget gate, candidate, output gate.
LSTM_BLOCKS = ("input_gate", "forget_gate", "candidate", "output_gate")
LSTM_TRACE_KEYS = LSTM_BLOCKS + ("cell_state", "hidden_state")

#: Words of the plots by language.
#:
#: :meta hide-value:
TEXT = {
    "en": {
        "input": "input",
        "kernel": "kernel {index}",
        "map": "map {index}",
        "train": "{name} (train)",
        "validation": "{name} (validation)",
        "epoch": "epoch",
        "input_rows": "input rows",
        "unit": "unit",
        "input_gate": "input gate",
        "forget_gate": "forget gate",
        "candidate": "candidate",
        "output_gate": "output gate",
        "cell_state": "cell state",
        "hidden_state": "hidden state",
    },
    "zh_CN": {
        "input": "输入",
        "kernel": "卷积核 {index}",
        "map": "特征图 {index}",
        "train": "{name}（训练集）",
        "validation": "{name}（验证集）",
        "epoch": "轮次",
        "input_rows": "输入的各行",
        "unit": "单元",
        "input_gate": "输入门",
        "forget_gate": "遗忘门",
        "candidate": "候选值",
        "output_gate": "输出门",
        "cell_state": "细胞状态",
        "hidden_state": "隐状态",
    },
}
#: Chinese for the Keras metric names that label the training curves.
#:
#: :meta hide-value:
METRIC_NAMES = {"zh_CN": {"loss": "损失", "accuracy": "准确率", "val_loss": "验证损失", "val_accuracy": "验证准确率"}}


def _as_grey_image(image, name="image"):
    pixels = np.asarray(image, dtype=float)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim != 2:
        raise ValueError(
            f"{name} has shape {np.shape(image)}. Pass one greyscale image of shape "
            "(height, width) or (height, width, 1)."
        )
    return pixels


def plot_kernels_and_feature_maps(image, kernels, feature_maps, max_maps=8, *, language="en"):
    """Plot an input image, the kernels of a convolution and the feature maps they produce.

    Column ``j`` shows kernel ``j`` above the feature map that it makes from
    the image, so each map can be read as "where this pattern occurs".

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, 1)
        The input sample, in grey.
    kernels : ndarray of shape (kh, kw, 1, n) or (kh, kw, n)
        Kernel weights of a convolution on a one-channel input, as returned
        by ``conv_layer.get_weights()[0]``.
    feature_maps : ndarray of shape (h, w, n) or (1, h, w, n)
        The convolution's output for ``image``.
    max_maps : int, default=8
        Number of kernel/map pairs to draw, the first ones.
    language : {"en", "zh_CN"}, default="en"
        Language of the panel titles.

    Returns
    -------
    matplotlib.figure.Figure
        Row 0 contains the image and the kernels, row 1 the feature maps.
        Kernels use a diverging colour map centred on 0 (red positive, blue
        negative). Feature maps share one colour scale.
    """
    text = _words(TEXT, language)
    pixels = _as_grey_image(image)
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim == 4:
        if kernels.shape[2] != 1:
            raise ValueError(
                f"kernels has {kernels.shape[2]} input channels. Pass the kernels of a convolution "
                "on a one-channel image, shape (kh, kw, 1, n)."
            )
        kernels = kernels[:, :, 0, :]
    maps = np.asarray(feature_maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if kernels.ndim != 3 or maps.ndim != 3:
        raise ValueError(
            f"kernels has shape {np.shape(kernels)} and feature_maps {np.shape(feature_maps)}. "
            "Pass kernels (kh, kw, n) and feature maps (h, w, n)."
        )
    if kernels.shape[-1] != maps.shape[-1]:
        raise ValueError(
            f"kernels has {kernels.shape[-1]} kernels but feature_maps has {maps.shape[-1]} maps. "
            "Pass the weights and the output of the same layer."
        )
    count = min(int(max_maps), kernels.shape[-1])
    if count < 1:
        raise ValueError(f"max_maps={max_maps} is invalid. Pass a positive number of maps to draw.")

    fig, axes = plt.subplots(2, count + 1, figsize=(1.35 * (count + 1), 3.0), layout="constrained", squeeze=False)
    axes[0, 0].imshow(pixels, cmap="gray_r", interpolation="nearest")
    axes[0, 0].set_title(text["input"], fontsize=11)
    axes[1, 0].axis("off")

    kernel_limit = float(np.abs(kernels[..., :count]).max()) or 1.0
    map_limit = float(maps[..., :count].max()) or 1.0
    map_floor = min(0.0, float(maps[..., :count].min()))
    for index in range(count):
        kernel_ax, map_ax = axes[0, index + 1], axes[1, index + 1]
        kernel_ax.imshow(
            kernels[..., index], cmap="RdBu_r", vmin=-kernel_limit, vmax=kernel_limit, interpolation="nearest"
        )
        kernel_ax.set_title(text["kernel"].format(index=index + 1), fontsize=11)
        map_ax.imshow(maps[..., index], cmap="magma", vmin=map_floor, vmax=map_limit, interpolation="nearest")
        map_ax.set_title(text["map"].format(index=index + 1), fontsize=11)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def plot_training_curves(histories, metrics=("loss", "accuracy"), *, language="en"):
    """Plot training (solid) and validation (dashed) curves of one or more Keras runs.

    Parameters
    ----------
    histories : dict of str to dict
        Run name to ``history.history`` from ``model.fit``. Validation curves
        are drawn when a ``val_<metric>`` key exists.
    metrics : sequence of str, default=("loss", "accuracy")
        One panel per metric.
    language : {"en", "zh_CN"}, default="en"
        Language of the axis labels and legend. Run names stay as given.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per metric, epochs on the x axis starting at 1.
    """
    if not histories:
        raise ValueError("histories is empty. Pass {name: history.history} for at least one run.")
    for name, history in histories.items():
        missing = [metric for metric in metrics if metric not in history]
        if missing:
            raise ValueError(
                f"history {name!r} has no {missing}, only {sorted(history)}. "
                "Compile the model with those metrics or pass metrics= with keys it has."
            )

    text = _words(TEXT, language)
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), layout="constrained", squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics):
        for index, (name, history) in enumerate(histories.items()):
            colour = colours[index % len(colours)]
            epochs = np.arange(1, len(history[metric]) + 1)
            ax.plot(epochs, history[metric], color=colour, label=text["train"].format(name=name))
            if f"val_{metric}" in history:
                ax.plot(
                    epochs, history[f"val_{metric}"], color=colour, linestyle="--",
                    label=text["validation"].format(name=name),
                )
        ax.set_xlabel(text["epoch"])
        ax.set_ylabel(translate(metric, METRIC_NAMES, language))
        ax.grid(alpha=0.3)
    axes[0, -1].legend(fontsize=8)
    return fig


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-values))


def trace_lstm_states(lstm_layer, sequence):
    """Replay a trained Keras LSTM on one sequence and return every gate and state per step.

    Keras returns only the hidden (and, on request, the cell) state. This
    recomputes the standard LSTM equations in NumPy from the layer's weights,
    so the gate values can be plotted too. The hidden states equal those of
    the layer itself up to float32 rounding, which the test suite checks.

    Parameters
    ----------
    lstm_layer : keras.layers.LSTM
        A built layer with the default activations (tanh, and sigmoid for the gates).
    sequence : ndarray of shape (steps, features)
        One input sequence, e.g. the rows of one image.

    Returns
    -------
    dict of str to ndarray of shape (steps, units)
        Keys ``input_gate``, ``forget_gate``, ``candidate``, ``output_gate``,
        ``cell_state`` and ``hidden_state``. Row ``t`` is the value after step ``t``.

    Raises
    ------
    ValueError
        If the layer uses other activations, or the sequence has the wrong width.
    """
    config = lstm_layer.get_config()
    if config["activation"] != "tanh" or config["recurrent_activation"] != "sigmoid":
        raise ValueError(
            f"The layer uses activation={config['activation']!r} and recurrent_activation="
            f"{config['recurrent_activation']!r}, but trace_lstm_states replays only the defaults "
            "'tanh' and 'sigmoid'."
        )
    if config.get("go_backwards"):
        raise ValueError("The layer reads its input backwards (go_backwards=True). Pass a forward LSTM.")
    weights = lstm_layer.get_weights()
    kernel, recurrent_kernel = weights[0], weights[1]
    bias = weights[2] if config["use_bias"] else np.zeros(kernel.shape[1], dtype=kernel.dtype)
    units = recurrent_kernel.shape[0]

    steps = np.asarray(sequence, dtype=np.float64)
    if steps.ndim != 2 or steps.shape[1] != kernel.shape[0]:
        raise ValueError(
            f"sequence has shape {np.shape(sequence)}, but the layer expects (steps, {kernel.shape[0]})."
        )

    trace = {key: np.zeros((steps.shape[0], units)) for key in LSTM_TRACE_KEYS}
    hidden = np.zeros(units)
    cell = np.zeros(units)
    for t, x in enumerate(steps):
        z = x @ kernel + hidden @ recurrent_kernel + bias
        blocks = dict(zip(LSTM_BLOCKS, np.split(z, 4)))
        input_gate = _sigmoid(blocks["input_gate"])
        forget_gate = _sigmoid(blocks["forget_gate"])
        candidate = np.tanh(blocks["candidate"])
        output_gate = _sigmoid(blocks["output_gate"])
        cell = forget_gate * cell + input_gate * candidate
        hidden = output_gate * np.tanh(cell)
        for key, value in zip(
            LSTM_TRACE_KEYS, (input_gate, forget_gate, candidate, output_gate, cell, hidden)
        ):
            trace[key][t] = value
    return trace


def plot_lstm_trace(
    image, trace, keys=("forget_gate", "input_gate", "output_gate", "cell_state", "hidden_state"), *, language="en"
):
    """Plot an image beside the LSTM gates and states for each of its rows.

    Row ``t`` of every panel is the step that read row ``t`` of the image, so
    the panels line up with the image. Gates use a 0..1 scale, states a scale
    centred on 0.

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, 1)
    trace : dict of str to ndarray of shape (height, units)
        Output of :func:`trace_lstm_states` for the image's rows.
    keys : sequence of str
        Which entries of ``trace`` to draw, left to right.
    language : {"en", "zh_CN"}, default="en"
        Language of the panel titles and axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        The image axes first, then one axes per key.
    """
    text = _words(TEXT, language)
    pixels = _as_grey_image(image)
    missing = [key for key in keys if key not in trace]
    if missing:
        raise ValueError(f"trace has no {missing}. Pass the dict that trace_lstm_states returns.")
    for key in keys:
        if np.shape(trace[key])[0] != pixels.shape[0]:
            raise ValueError(
                f"trace[{key!r}] has {np.shape(trace[key])[0]} steps but the image has "
                f"{pixels.shape[0]} rows. Trace the rows of this image."
            )

    # Three panels a row, so that the figure keeps a readable height at the
    # width of a page's text column.
    n_columns = 3
    n_rows = -(-(len(keys) + 1) // n_columns)
    fig, grid = plt.subplots(
        n_rows, n_columns, figsize=(7.5, 2.7 * n_rows), layout="constrained", squeeze=False
    )
    axes = grid.ravel()
    for ax in axes[len(keys) + 1:]:
        ax.set_axis_off()
    axes[0].imshow(pixels, cmap="gray_r", interpolation="nearest")
    axes[0].set_title(text["input_rows"], fontsize=10)
    axes[0].set_yticks(range(pixels.shape[0]), [f"t={step + 1}" for step in range(pixels.shape[0])], fontsize=9)
    axes[0].set_xticks([])
    for ax, key in zip(axes[1:], keys):
        values = np.asarray(trace[key])
        if key.endswith("_gate"):
            limits = {"cmap": "viridis", "vmin": 0.0, "vmax": 1.0}
        else:
            bound = float(np.abs(values).max()) or 1.0
            limits = {"cmap": "RdBu_r", "vmin": -bound, "vmax": bound}
        artist = ax.imshow(values, aspect="auto", interpolation="nearest", **limits)
        ax.set_title(text.get(key, key.replace("_", " ")), fontsize=10)
        ax.set_xlabel(text["unit"], fontsize=9)
        ax.set_yticks([])
        fig.colorbar(artist, ax=ax, fraction=0.08, pad=0.02)
    return fig


_STEP_TEXT = {
    "en": {"rows": "rows read", "accuracy": "test accuracy"},
    "zh_CN": {"rows": "已读取的行数", "accuracy": "测试准确率"},
}


def plot_accuracy_by_step(accuracy, *, ax=None, language="en"):
    """Draw the accuracy of a recurrent network after each step of its input sequence.

    Parameters
    ----------
    accuracy : sequence of float
        Accuracy after reading 1, 2, ... steps (for the digits, image rows).
    ax : matplotlib Axes, optional
    language : {"en", "zh_CN"}, default="en"
        Language of the axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, steps from 1 on the x axis and accuracy from 0 to 1 on the y axis.
    """
    if len(accuracy) == 0:
        raise ValueError("accuracy is empty; pass the accuracy after each step.")
    text = _words(_STEP_TEXT, language)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    else:
        fig = ax.figure
    ax.plot(range(1, len(accuracy) + 1), accuracy, marker="o")
    ax.set_xlabel(text["rows"])
    ax.set_ylabel(text["accuracy"])
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    return fig

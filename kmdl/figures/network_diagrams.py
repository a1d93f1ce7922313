"""Structure diagrams of a convolutional network and of recurrent cells.

:func:`draw_cnn_diagram` draws the layers of a small CNN as stacks of feature
maps with their shapes (Figure 2 of the site). :func:`draw_recurrent_cells`
draws a plain RNN cell beside an LSTM cell, with the LSTM's gates, cell state
and hidden state (Figure 3). The drawing functions do not import Keras. Both
take ``language`` ("en" or "zh_CN"); their words are in :data:`CNN_TEXT` and
:data:`RNN_TEXT`.
"""

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from kmdl.figures.languages import check_language
from kmdl.figures.languages import words as _words

# Colours shared by both diagrams, so that the same kind of thing looks the same.
INPUT_COLOUR = "#dbe9f6"
CONV_COLOUR = "#9ecae1"
POOL_COLOUR = "#c7e9c0"
DENSE_COLOUR = "#fdd0a2"
GATE_COLOUR = "#fdae6b"
TANH_COLOUR = "#bcbddc"
CELL_COLOUR = "#d62728"
KERNEL_COLOUR = "#d62728"
HIDDEN_COLOUR = "#1f77b4"

#: Words of the CNN diagram by language. Fields in braces come from the layer's config.
#:
#: :meta hide-value:
CNN_TEXT = {
    "en": {
        "input": "input image",
        "conv": "convolution\n{filters} kernels {kernel}\nstride {stride}\n{padding}, {activation}",
        "max_pool": "max pooling\n{pool}",
        "average_pool": "average pooling\n{pool}",
        "global_max_pool": "global\nmax\npooling",
        "global_average_pool": "global\naverage\npooling",
        "flatten": "flatten",
        "dense": "dense\n{units} units\n{activation}",
        "kernel": "{size}×{size} kernel",
    },
    "zh_CN": {
        "input": "输入图像",
        "conv": "卷积\n{filters} 个 {kernel} 卷积核\n步幅 {stride}\n{padding} 填充，{activation}",
        "max_pool": "最大池化\n{pool}",
        "average_pool": "平均池化\n{pool}",
        "global_max_pool": "全局\n最大池化",
        "global_average_pool": "全局\n平均池化",
        "flatten": "展平",
        "dense": "全连接层\n{units} 个单元\n{activation}",
        "kernel": "{size}×{size} 卷积核",
    },
}

#: Words of the recurrent cell diagrams by language.
#:
#: :meta hide-value:
RNN_TEXT = {
    "en": {
        "rnn_title": "Plain RNN cell",
        "lstm_title": "LSTM cell",
        "hidden_in": "$h_{t-1}$\nhidden state",
        "input": "$x_t$ input",
        "output": "$h_t$ output",
        "no_gates": "no gates, no cell state",
        "cell_in": "$c_{t-1}$ cell state",
        "forget": "σ\nforget\ngate $f_t$",
        "input_gate": "σ\ninput\ngate $i_t$",
        "candidate": "tanh\ncandidate\n$\\tilde c_t$",
        "output_gate": "σ\noutput\ngate $o_t$",
    },
    "zh_CN": {
        "rnn_title": "普通 RNN 单元",
        "lstm_title": "LSTM 单元",
        "hidden_in": "$h_{t-1}$\n隐状态",
        "input": "$x_t$ 输入",
        "output": "$h_t$ 输出",
        "no_gates": "没有门，也没有细胞状态",
        "cell_in": "$c_{t-1}$ 细胞状态",
        "forget": "σ\n遗忘门\n$f_t$",
        "input_gate": "σ\n输入门\n$i_t$",
        "candidate": "tanh\n候选值\n$\\tilde c_t$",
        "output_gate": "σ\n输出门\n$o_t$",
    },
}


@dataclass(frozen=True)
class LayerBox:
    """One layer of a network diagram.

    Attributes
    ----------
    title : str
        What the layer does, e.g. ``"convolution\\n16 kernels 3×3"``.
    shape : tuple of int
        Output shape of one sample, without the batch axis: (height, width,
        channels) for feature maps or (units,) for a vector.
    kind : {"input", "conv", "pool", "dense"}
        Sets the colour.
    spec : dict, optional
        The key of the layer's words in :data:`CNN_TEXT` (``"text"``) and the
        values for its fields, from which :func:`layer_title` writes the title
        in each language. Without it the title is used in every language.
    """

    title: str
    shape: tuple
    kind: str = "conv"
    spec: dict = field(default=None, compare=False)


def layer_title(box, language="en"):
    """Return the title of a :class:`LayerBox` in ``language``.

    Examples
    --------
    >>> box = LayerBox("dense", (10,), "dense", {"text": "dense", "units": 10, "activation": "softmax"})
    >>> layer_title(box, "zh_CN")
    '全连接层\\n10 个单元\\nsoftmax'
    """
    check_language(language)
    if box.spec is None:
        return box.title
    fields = {key: value for key, value in box.spec.items() if key != "text"}
    return _words(CNN_TEXT, language)[box.spec["text"]].format(**fields)


def format_shape(shape):
    """Return a shape as ``"8×8×16"``, or ``"(10,)"`` for a vector."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "×".join(str(size) for size in shape)


def _describe_keras_layer(layer):
    """Return (spec, kind) for a Keras layer, from its class name and config.

    ``spec`` is None for a layer the diagram has no words for; its class name is the title.
    """
    kind_name = type(layer).__name__
    config = layer.get_config()
    if kind_name == "InputLayer":
        return {"text": "input"}, "input"
    if kind_name.startswith("Conv"):
        spec = {
            "text": "conv",
            "filters": config["filters"],
            "kernel": "×".join(str(size) for size in config["kernel_size"]),
            "stride": "×".join(str(size) for size in config["strides"]),
            "padding": config["padding"],
            "activation": config["activation"],
        }
        return spec, "conv"
    if kind_name.startswith("MaxPooling") or kind_name.startswith("AveragePooling"):
        pool = "×".join(str(size) for size in config["pool_size"])
        operation = "max" if kind_name.startswith("Max") else "average"
        return {"text": f"{operation}_pool", "pool": pool}, "pool"
    if kind_name.startswith("Global"):
        operation = "max" if "Max" in kind_name else "average"
        return {"text": f"global_{operation}_pool"}, "pool"
    if kind_name == "Flatten":
        return {"text": "flatten"}, "pool"
    if kind_name == "Dense":
        return {"text": "dense", "units": config["units"], "activation": config["activation"]}, "dense"
    return None, "conv"


def _layer_box(spec, kind, shape, fallback):
    box = LayerBox(fallback, shape, kind, spec)
    return LayerBox(layer_title(box), shape, kind, spec)


def keras_layer_boxes(model, skip=("Dropout", "Reshape")):
    """Describe each layer of a Keras model as a :class:`LayerBox`.

    Parameters
    ----------
    model : keras.Model
        A built functional or Sequential model.
    skip : tuple of str, default=("Dropout", "Reshape")
        Class names of layers to leave out, because they change no shape worth drawing.

    Returns
    -------
    list of LayerBox
        In the model's layer order. A Sequential model has no InputLayer in
        ``model.layers``, so the input box is added from ``model.input_shape``.

    Examples
    --------
    >>> from kmdl.models import build_cnn_classifier
    >>> boxes = keras_layer_boxes(build_cnn_classifier((8, 8, 1), 10))
    >>> [format_shape(box.shape) for box in boxes]
    ['8×8×1', '8×8×16', '4×4×16', '4×4×32', '2×2×32', '(32,)', '(10,)']
    """
    boxes = []
    if not model.layers or type(model.layers[0]).__name__ != "InputLayer":
        boxes.append(_layer_box({"text": "input"}, "input", tuple(model.input_shape[1:]), "input"))
    for layer in model.layers:
        if type(layer).__name__ in skip:
            continue
        spec, kind = _describe_keras_layer(layer)
        shape = tuple(int(size) for size in layer.output.shape[1:])
        boxes.append(_layer_box(spec, kind, shape, type(layer).__name__))
    return boxes


def _kind_colour(kind):
    return {"input": INPUT_COLOUR, "conv": CONV_COLOUR, "pool": POOL_COLOUR, "dense": DENSE_COLOUR}.get(
        kind, CONV_COLOUR
    )


def _draw_map_stack(ax, x, y_centre, side, channels, colour, max_sheets=6, offset=0.18):
    """Draw a stack of square feature maps and return (left, right, top) of the front sheet."""
    sheets = min(channels, max_sheets)
    # The back sheets sit up and to the right, so the front sheet is drawn last.
    for index in reversed(range(sheets)):
        shift = index * offset
        ax.add_patch(
            Rectangle(
                (x + shift, y_centre - side / 2 + shift),
                side,
                side,
                facecolor=colour,
                edgecolor="#333333",
                linewidth=0.8,
            )
        )
    depth = (sheets - 1) * offset
    return x, x + side + depth, y_centre + side / 2 + depth


def _draw_vector(ax, x, y_centre, units, colour, max_cells=12, cell=0.28):
    """Draw a vector as a column of cells and return (left, right, top)."""
    cells = min(units, max_cells)
    height = cells * cell
    bottom = y_centre - height / 2
    for index in range(cells):
        ax.add_patch(
            Rectangle((x, bottom + index * cell), cell, cell, facecolor=colour, edgecolor="#333333", linewidth=0.8)
        )
    if units > max_cells:
        ax.text(x + cell / 2, bottom - 0.15, "⋮", ha="center", va="top", fontsize=10)
    return x, x + cell, y_centre + height / 2


def draw_cnn_diagram(boxes, kernel_size=3, image=None, ax=None, gap=1.1, scale=0.42, *, language="en",
                     min_slot=3.0):
    """Draw a CNN as a row of feature-map stacks, each labelled with its shape.

    A square on the input marks one kernel position, and lines join it to the
    single value it produces in the first convolution's output. Each output
    value depends only on a kernel-sized patch of the input.

    Parameters
    ----------
    boxes : sequence of LayerBox
        The layers from input to output, e.g. from :func:`keras_layer_boxes`.
    kernel_size : int, default=3
        Side of the kernel square drawn on the input.
    image : ndarray of shape (height, width) or (height, width, 1), optional
        A sample drawn in grey inside the input box, which shows its pixels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw in. A new figure is made when omitted.
    gap : float, default=1.1
        Horizontal space between layers, in data units.
    scale : float, default=0.42
        Drawn side of one pixel of a feature map, in data units.
    language : {"en", "zh_CN"}, default="en"
        Language of the layer titles (:func:`layer_title`) and the kernel label.
    min_slot : float, default=3.0
        Minimum width given to each layer, in data units, so that the titles
        under narrow layers do not run into each other.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not boxes:
        raise ValueError("boxes is empty. Pass at least one LayerBox, e.g. from keras_layer_boxes(model).")
    check_language(language)
    # Each layer gets a slot at least min_slot wide, its drawing centred in it.
    widths = [_drawn_width(box, scale) for box in boxes]
    slots = [max(width + gap, min_slot) for width in widths]
    total = sum(slots)
    if ax is None:
        # 0.42 inch per data unit keeps the 12-point titles readable at page width.
        fig, ax = plt.subplots(figsize=(0.42 * total + 0.3, 4.4), layout="constrained")
    else:
        fig = ax.figure

    y_centre = 0.0
    slot_left = 0.0
    extents = []
    for box, width, slot in zip(boxes, widths, slots):
        colour = _kind_colour(box.kind)
        x = slot_left + (slot - width) / 2
        if len(box.shape) == 3:
            side = max(box.shape[0] * scale, 0.6)
            extent = _draw_map_stack(ax, x, y_centre, side, box.shape[2], colour)
        else:
            extent = _draw_vector(ax, x, y_centre, box.shape[0], colour)
        extents.append(extent)
        if image is not None and box is boxes[0] and len(box.shape) == 3:
            _draw_image(ax, image, extent, y_centre)
        left, right, top = extent
        centre = (left + right) / 2
        # The titles start low enough to leave a line for the kernel label under the input.
        ax.text(centre, -2.45, layer_title(box, language), ha="center", va="top", fontsize=12, linespacing=1.3)
        ax.text(centre, top + 0.15, format_shape(box.shape), ha="center", va="bottom", fontsize=13, weight="bold")
        slot_left += slot

    for (_, right, _), (left, _, _) in zip(extents[:-1], extents[1:]):
        ax.annotate(
            "",
            xy=(left - 0.1, y_centre),
            xytext=(right + 0.1, y_centre),
            arrowprops={"arrowstyle": "->", "color": "#555555"},
        )

    first, second = boxes[0], boxes[1] if len(boxes) > 1 else None
    if len(first.shape) == 3 and second is not None and second.kind == "conv" and len(second.shape) == 3:
        label = _words(CNN_TEXT, language)["kernel"].format(size=kernel_size)
        _draw_kernel_window(
            ax, extents[0], extents[1], first.shape[0], second.shape[0], kernel_size, scale, y_centre, label
        )

    ax.set_xlim(-0.2, total + 0.2)
    ax.set_ylim(-4.6, 3.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _drawn_width(box, scale, max_sheets=6, offset=0.18, cell=0.28):
    """Return the width that :func:`draw_cnn_diagram` draws a layer at, in data units."""
    if len(box.shape) == 3:
        return max(box.shape[0] * scale, 0.6) + (min(box.shape[2], max_sheets) - 1) * offset
    return cell


def _draw_image(ax, image, extent, y_centre):
    """Draw a greyscale image over the front sheet of the input stack."""
    pixels = np.asarray(image, dtype=float)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim != 2:
        raise ValueError(
            f"image has shape {np.shape(image)}. Pass one greyscale image of shape (height, width) "
            "or (height, width, 1)."
        )
    left, right, top = extent
    side = top - y_centre
    ax.imshow(
        pixels,
        cmap="gray_r",
        extent=(left, left + 2 * side, y_centre - side, y_centre + side),
        interpolation="nearest",
        zorder=4,
    )


def _draw_kernel_window(ax, input_extent, output_extent, input_side, output_side, kernel_size, scale, y_centre,
                        label):
    """Mark the kernel over the input's top-left corner and join it to its output value.

    With "same" padding (output as large as the input) that window is centred
    on pixel (k // 2, k // 2) and produces output pixel (k // 2, k // 2).
    Otherwise ("valid") it produces output pixel (0, 0).
    """
    input_span = max(input_side * scale, 0.6)
    pixel = input_span / input_side
    window = kernel_size * pixel
    window_left = input_extent[0]
    window_top = y_centre + input_span / 2
    ax.add_patch(
        Rectangle(
            (window_left, window_top - window),
            window,
            window,
            facecolor="none",
            edgecolor=KERNEL_COLOUR,
            linewidth=2.0,
            zorder=5,
        )
    )
    output_span = max(output_side * scale, 0.6)
    output_pixel = output_span / output_side
    index = kernel_size // 2 if output_side == input_side else 0
    target_left = output_extent[0] + index * output_pixel
    target_top = y_centre + output_span / 2 - index * output_pixel
    ax.add_patch(
        Rectangle(
            (target_left, target_top - output_pixel),
            output_pixel,
            output_pixel,
            facecolor=KERNEL_COLOUR,
            edgecolor="none",
            zorder=5,
        )
    )
    for corner_y in (window_top, window_top - window):
        ax.plot(
            [window_left + window, target_left],
            [corner_y, target_top - output_pixel / 2],
            color=KERNEL_COLOUR,
            linewidth=0.8,
            zorder=5,
        )
    # Under the input rather than under the window, so that it hides none of the image.
    ax.text(
        (input_extent[0] + input_extent[1]) / 2,
        y_centre - input_span / 2 - 0.08,
        label,
        ha="center",
        va="top",
        fontsize=11,
        color=KERNEL_COLOUR,
        weight="bold",
        zorder=6,
    )


# --- Recurrent cells ----------------------------------------------------------


def _box(ax, centre, text, colour, width=1.1, height=0.6, fontsize=9):
    x, y = centre
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.04",
            facecolor=colour,
            edgecolor="#333333",
            linewidth=0.9,
            zorder=3,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _operation(ax, centre, symbol, radius=0.22):
    ax.add_patch(Circle(centre, radius, facecolor="white", edgecolor="#333333", linewidth=0.9, zorder=3))
    ax.text(centre[0], centre[1], symbol, ha="center", va="center", fontsize=11, zorder=4)


def _arrow(ax, start, end, colour="#333333", width=1.0):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": width, "shrinkA": 0, "shrinkB": 0},
        zorder=2,
    )


def _line(ax, points, colour="#333333", width=1.0):
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=colour, linewidth=width, zorder=2, solid_capstyle="round")


def _cell_frame(ax, left, bottom, width, height):
    ax.add_patch(
        FancyBboxPatch(
            (left, bottom),
            width,
            height,
            boxstyle="round,pad=0.1",
            facecolor="#f7f7f7",
            edgecolor="#999999",
            linewidth=1.0,
            zorder=0,
        )
    )


def draw_plain_rnn_cell(ax, language="en"):
    """Draw a plain (Elman) RNN cell: one tanh layer, no gates, no cell state."""
    text = _words(RNN_TEXT, language)
    _cell_frame(ax, 1.0, 1.0, 4.0, 3.4)
    _box(ax, (3.0, 2.7), "tanh\n$W x_t + U h_{t-1} + b$", TANH_COLOUR, width=3.0, height=1.1, fontsize=12)
    # Previous hidden state comes in from the left, the input from below.
    _line(ax, [(-0.6, 1.6), (2.2, 1.6)])
    _arrow(ax, (2.2, 1.6), (2.2, 2.15))
    _arrow(ax, (3.8, 0.0), (3.8, 2.15))
    # The new hidden state leaves to the right (next step) and to the top (output).
    _line(ax, [(3.0, 3.25), (3.0, 3.8)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (3.0, 3.8), (6.0, 3.8), HIDDEN_COLOUR, 1.6)
    _arrow(ax, (4.6, 3.8), (4.6, 5.6), HIDDEN_COLOUR, 1.6)

    ax.text(-0.6, 1.75, text["hidden_in"], ha="left", va="bottom", fontsize=12)
    ax.text(3.95, 0.05, text["input"], ha="left", va="bottom", fontsize=12)
    ax.text(6.05, 3.8, "$h_t$", ha="left", va="center", fontsize=13, color=HIDDEN_COLOUR)
    ax.text(4.7, 5.6, text["output"], ha="left", va="top", fontsize=12, color=HIDDEN_COLOUR)
    ax.text(1.1, 4.55, text["no_gates"], ha="left", va="bottom", fontsize=11, style="italic")
    ax.set_title(text["rnn_title"], fontsize=14)


def draw_lstm_cell(ax, language="en"):
    """Draw an LSTM cell with its forget, input and output gates and both states."""
    text = _words(RNN_TEXT, language)
    _cell_frame(ax, 1.0, 0.9, 8.6, 4.4)

    # Cell state: the top line, changed only by one multiplication and one addition.
    cell_y = 4.6
    _line(ax, [(0.0, cell_y), (2.78, cell_y)], CELL_COLOUR, 2.0)
    _operation(ax, (3.0, cell_y), "×")
    _line(ax, [(3.22, cell_y), (5.28, cell_y)], CELL_COLOUR, 2.0)
    _operation(ax, (5.5, cell_y), "+")
    _arrow(ax, (5.72, cell_y), (10.6, cell_y), CELL_COLOUR, 2.0)

    # Previous hidden state and current input are joined and feed every gate.
    bus_y = 1.5
    _line(ax, [(0.0, bus_y), (8.0, bus_y)])
    _arrow(ax, (1.6, -0.2), (1.6, bus_y - 0.05))
    gate_y, half = 2.7, 0.6
    gates = [
        (3.0, text["forget"], GATE_COLOUR),
        (4.65, text["input_gate"], GATE_COLOUR),
        (6.35, text["candidate"], TANH_COLOUR),
        (8.0, text["output_gate"], GATE_COLOUR),
    ]
    for x, label, colour in gates:
        _line(ax, [(x, bus_y), (x, gate_y - half)])
        _box(ax, (x, gate_y), label, colour, width=1.5, height=2 * half, fontsize=11)

    # Forget gate scales the old cell state.
    _arrow(ax, (3.0, gate_y + half), (3.0, cell_y - 0.22))
    # Input gate times candidate is added to the cell state.
    _operation(ax, (5.5, 3.75), "×")
    _line(ax, [(4.65, gate_y + half), (4.65, 3.75), (5.28, 3.75)])
    _line(ax, [(6.35, gate_y + half), (6.35, 3.75), (5.72, 3.75)])
    _arrow(ax, (5.5, 3.97), (5.5, cell_y - 0.22))
    # Output gate times tanh of the new cell state is the new hidden state.
    _box(ax, (9.1, 3.75), "tanh", TANH_COLOUR, width=0.8, height=0.45, fontsize=11)
    _arrow(ax, (9.1, cell_y), (9.1, 3.975), CELL_COLOUR, 1.2)
    _operation(ax, (9.1, 2.7), "×")
    _arrow(ax, (9.1, 3.525), (9.1, 2.92))
    _arrow(ax, (8.75, gate_y), (8.88, gate_y))
    _line(ax, [(9.1, 2.48), (9.1, 0.7)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (9.1, 0.7), (10.6, 0.7), HIDDEN_COLOUR, 1.6)
    _line(ax, [(9.1, 2.48), (9.1, 2.2), (9.9, 2.2)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (9.9, 2.2), (9.9, 5.9), HIDDEN_COLOUR, 1.6)

    ax.text(0.0, cell_y + 0.12, text["cell_in"], ha="left", va="bottom", fontsize=12, color=CELL_COLOUR)
    ax.text(10.65, cell_y, "$c_t$", ha="left", va="center", fontsize=13, color=CELL_COLOUR)
    ax.text(0.0, bus_y + 0.1, text["hidden_in"], ha="left", va="bottom", fontsize=12)
    ax.text(1.75, -0.15, text["input"], ha="left", va="bottom", fontsize=12)
    ax.text(10.65, 0.7, "$h_t$", ha="left", va="center", fontsize=13, color=HIDDEN_COLOUR)
    ax.text(10.0, 5.9, text["output"], ha="left", va="top", fontsize=12, color=HIDDEN_COLOUR)
    ax.set_title(text["lstm_title"], fontsize=14)


def draw_recurrent_cells(language="en"):
    """Draw a plain RNN cell above an LSTM cell (Figure 3).

    The top panel is the plain RNN: the new hidden state is one tanh layer of
    the input and the previous hidden state. The bottom panel is the LSTM: a
    forget gate, an input gate and an output gate (sigmoid layers) control
    what the cell state keeps, what it adds and what it passes on as the
    hidden state. Only the LSTM has gates and a cell state. Both panels use
    one scale, and the figure is narrow enough for its text to stay readable
    at the width of a page.

    Parameters
    ----------
    language : {"en", "zh_CN"}, default="en"
        Language of the words (:data:`RNN_TEXT`).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes, the plain RNN cell first.
    """
    check_language(language)
    fig, (rnn_ax, lstm_ax) = plt.subplots(2, 1, figsize=(8.4, 8.6), height_ratios=[6.2, 6.9], layout="constrained")
    draw_plain_rnn_cell(rnn_ax, language)
    draw_lstm_cell(lstm_ax, language)
    # The RNN panel spans as many data units as the LSTM panel, so both are drawn at one scale.
    rnn_ax.set_xlim(-2.9, 8.3)
    rnn_ax.set_ylim(-0.3, 5.9)
    lstm_ax.set_xlim(-0.2, 11.0)
    lstm_ax.set_ylim(-0.3, 6.6)
    for ax in (rnn_ax, lstm_ax):
        ax.set_aspect("equal")
        ax.axis("off")
    return fig

"""Structure diagrams of a convolutional network and of recurrent cells.

:func:`draw_cnn_diagram` draws the layers of a small CNN as stacks of feature
maps with their shapes (Figure 2 of the site). :func:`draw_recurrent_cells`
draws a plain RNN cell beside an LSTM cell, with the LSTM's gates, cell state
and hidden state (Figure 3). The drawing functions do not import Keras.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

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
    """

    title: str
    shape: tuple
    kind: str = "conv"


def format_shape(shape):
    """Return a shape as ``"8×8×16"``, or ``"(10,)"`` for a vector."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "×".join(str(size) for size in shape)


def _describe_keras_layer(layer):
    """Return (title, kind) for a Keras layer, from its class name and config."""
    kind_name = type(layer).__name__
    config = layer.get_config()
    if kind_name == "InputLayer":
        return "input image", "input"
    if kind_name.startswith("Conv"):
        kernel = "×".join(str(size) for size in config["kernel_size"])
        stride = "×".join(str(size) for size in config["strides"])
        return (
            f"convolution\n{config['filters']} kernels {kernel}\nstride {stride}, {config['padding']}, "
            f"{config['activation']}",
            "conv",
        )
    if kind_name.startswith("MaxPooling") or kind_name.startswith("AveragePooling"):
        pool = "×".join(str(size) for size in config["pool_size"])
        operation = "max" if kind_name.startswith("Max") else "average"
        return f"{operation} pooling\n{pool}", "pool"
    if kind_name.startswith("Global"):
        operation = "max" if "Max" in kind_name else "average"
        return f"global\n{operation}\npooling", "pool"
    if kind_name == "Flatten":
        return "flatten", "pool"
    if kind_name == "Dense":
        return f"dense\n{config['units']} units\n{config['activation']}", "dense"
    return kind_name, "conv"


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
        boxes.append(LayerBox("input image", tuple(model.input_shape[1:]), "input"))
    for layer in model.layers:
        if type(layer).__name__ in skip:
            continue
        title, kind = _describe_keras_layer(layer)
        boxes.append(LayerBox(title, tuple(int(size) for size in layer.output.shape[1:]), kind))
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


def draw_cnn_diagram(boxes, kernel_size=3, image=None, ax=None, gap=1.1, scale=0.42):
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

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not boxes:
        raise ValueError("boxes is empty. Pass at least one LayerBox, e.g. from keras_layer_boxes(model).")
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.9 * len(boxes) + 1, 4.2), layout="constrained")
    else:
        fig = ax.figure

    y_centre = 0.0
    x = 0.0
    extents = []
    for box in boxes:
        colour = _kind_colour(box.kind)
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
        ax.text(centre, -2.25, box.title, ha="center", va="top", fontsize=8)
        ax.text(centre, top + 0.15, format_shape(box.shape), ha="center", va="bottom", fontsize=9, weight="bold")
        x = right + gap

    for (_, right, _), (left, _, _) in zip(extents[:-1], extents[1:]):
        ax.annotate(
            "",
            xy=(left - 0.1, y_centre),
            xytext=(right + 0.1, y_centre),
            arrowprops={"arrowstyle": "->", "color": "#555555"},
        )

    first, second = boxes[0], boxes[1] if len(boxes) > 1 else None
    if len(first.shape) == 3 and second is not None and second.kind == "conv" and len(second.shape) == 3:
        _draw_kernel_window(ax, extents[0], extents[1], first.shape[0], second.shape[0], kernel_size, scale, y_centre)

    ax.set_xlim(-0.4, x - gap + 0.4)
    ax.set_ylim(-3.4, 3.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


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


def _draw_kernel_window(ax, input_extent, output_extent, input_side, output_side, kernel_size, scale, y_centre):
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
    ax.text(
        window_left + window / 2,
        window_top - window - 0.05,
        f"{kernel_size}×{kernel_size} kernel",
        ha="center",
        va="top",
        fontsize=8,
        color=KERNEL_COLOUR,
        weight="bold",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.0},
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


def draw_plain_rnn_cell(ax):
    """Draw a plain (Elman) RNN cell: one tanh layer, no gates, no cell state."""
    _cell_frame(ax, 1.0, 1.0, 4.0, 3.4)
    _box(ax, (3.0, 2.7), "tanh\n$W x_t + U h_{t-1} + b$", TANH_COLOUR, width=2.6, height=1.0)
    # Previous hidden state comes in from the left, the input from below.
    _line(ax, [(0.0, 1.6), (2.2, 1.6)])
    _arrow(ax, (2.2, 1.6), (2.2, 2.2))
    _arrow(ax, (3.8, 0.0), (3.8, 2.2))
    # The new hidden state leaves to the right (next step) and to the top (output).
    _line(ax, [(3.0, 3.2), (3.0, 3.8)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (3.0, 3.8), (6.0, 3.8), HIDDEN_COLOUR, 1.6)
    _arrow(ax, (4.6, 3.8), (4.6, 5.3), HIDDEN_COLOUR, 1.6)

    ax.text(-0.1, 1.75, "$h_{t-1}$\nhidden state", ha="left", va="bottom", fontsize=9)
    ax.text(3.95, 0.05, "$x_t$ input", ha="left", va="bottom", fontsize=9)
    ax.text(6.05, 3.8, "$h_t$", ha="left", va="center", fontsize=10, color=HIDDEN_COLOUR)
    ax.text(4.7, 5.3, "$h_t$ output", ha="left", va="top", fontsize=9, color=HIDDEN_COLOUR)
    ax.text(3.0, 4.75, "no gates, no cell state", ha="center", va="bottom", fontsize=8, style="italic")
    ax.set_title("Plain RNN cell", fontsize=11)


def draw_lstm_cell(ax):
    """Draw an LSTM cell with its forget, input and output gates and both states."""
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
    gate_y = 2.7
    gates = [
        (3.0, "σ\nforget\ngate $f_t$", GATE_COLOUR),
        (4.7, "σ\ninput\ngate $i_t$", GATE_COLOUR),
        (6.3, "tanh\ncandidate\n$\\tilde c_t$", TANH_COLOUR),
        (8.0, "σ\noutput\ngate $o_t$", GATE_COLOUR),
    ]
    for x, text, colour in gates:
        _line(ax, [(x, bus_y), (x, gate_y - 0.45)])
        _box(ax, (x, gate_y), text, colour, width=1.25, height=0.9, fontsize=8)

    # Forget gate scales the old cell state.
    _arrow(ax, (3.0, gate_y + 0.45), (3.0, cell_y - 0.22))
    # Input gate times candidate is added to the cell state.
    _operation(ax, (5.5, 3.75), "×")
    _line(ax, [(4.7, gate_y + 0.45), (4.7, 3.75), (5.28, 3.75)])
    _line(ax, [(6.3, gate_y + 0.45), (6.3, 3.75), (5.72, 3.75)])
    _arrow(ax, (5.5, 3.97), (5.5, cell_y - 0.22))
    # Output gate times tanh of the new cell state is the new hidden state.
    _box(ax, (9.1, 3.75), "tanh", TANH_COLOUR, width=0.75, height=0.42, fontsize=8)
    _arrow(ax, (9.1, cell_y), (9.1, 3.96), CELL_COLOUR, 1.2)
    _operation(ax, (9.1, 2.7), "×")
    _arrow(ax, (9.1, 3.54), (9.1, 2.92))
    _arrow(ax, (8.625, gate_y), (8.88, gate_y))
    _line(ax, [(9.1, 2.48), (9.1, 0.7)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (9.1, 0.7), (10.6, 0.7), HIDDEN_COLOUR, 1.6)
    _line(ax, [(9.1, 2.48), (9.1, 2.2), (9.9, 2.2)], HIDDEN_COLOUR, 1.6)
    _arrow(ax, (9.9, 2.2), (9.9, 5.9), HIDDEN_COLOUR, 1.6)

    ax.text(0.0, cell_y + 0.12, "$c_{t-1}$ cell state", ha="left", va="bottom", fontsize=9, color=CELL_COLOUR)
    ax.text(10.65, cell_y, "$c_t$", ha="left", va="center", fontsize=10, color=CELL_COLOUR)
    ax.text(0.0, bus_y + 0.1, "$h_{t-1}$\nhidden state", ha="left", va="bottom", fontsize=9)
    ax.text(1.75, -0.15, "$x_t$ input", ha="left", va="bottom", fontsize=9)
    ax.text(10.65, 0.7, "$h_t$", ha="left", va="center", fontsize=10, color=HIDDEN_COLOUR)
    ax.text(10.0, 5.9, "$h_t$ output", ha="left", va="top", fontsize=9, color=HIDDEN_COLOUR)
    ax.set_title("LSTM cell", fontsize=11)


def draw_recurrent_cells():
    """Draw a plain RNN cell beside an LSTM cell (Figure 3).

    The left panel is the plain RNN: the new hidden state is one tanh layer of
    the input and the previous hidden state. The right panel is the LSTM: a
    forget gate, an input gate and an output gate (sigmoid layers) control
    what the cell state keeps, what it adds and what it passes on as the
    hidden state. Only the LSTM has gates and a cell state.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes, the plain RNN cell first.
    """
    fig, (rnn_ax, lstm_ax) = plt.subplots(
        1, 2, figsize=(12, 4.4), width_ratios=[6.8, 11.2], layout="constrained"
    )
    draw_plain_rnn_cell(rnn_ax)
    draw_lstm_cell(lstm_ax)
    rnn_ax.set_xlim(-0.2, 6.6)
    rnn_ax.set_ylim(-0.3, 6.4)
    lstm_ax.set_xlim(-0.2, 11.0)
    lstm_ax.set_ylim(-0.3, 6.4)
    for ax in (rnn_ax, lstm_ax):
        ax.set_aspect("equal")
        ax.axis("off")
    return fig

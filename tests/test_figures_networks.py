import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kmdl.figures.network_diagrams import (  # noqa: E402
    LayerBox,
    draw_cnn_diagram,
    draw_recurrent_cells,
    format_shape,
    keras_layer_boxes,
)
from kmdl.figures.network_plots import (  # noqa: E402
    plot_kernels_and_feature_maps,
    plot_lstm_trace,
    plot_training_curves,
    trace_lstm_states,
)
from kmdl.models import build_cnn_classifier  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def figure_texts(fig):
    return [text.get_text() for ax in fig.axes for text in ax.texts]


def test_layer_boxes_follow_cnn_shapes():
    boxes = keras_layer_boxes(build_cnn_classifier((8, 8, 1), 10))

    assert [format_shape(box.shape) for box in boxes] == [
        "8×8×1",
        "8×8×16",
        "4×4×16",
        "4×4×32",
        "2×2×32",
        "(32,)",
        "(10,)",
    ]
    assert [box.kind for box in boxes] == ["input", "conv", "pool", "conv", "pool", "pool", "dense"]
    assert "16 kernels 3×3" in boxes[1].title
    assert "softmax" in boxes[-1].title


def test_layer_boxes_add_input_for_sequential():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 5, strides=1, padding="valid"),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    boxes = keras_layer_boxes(model)

    assert boxes[0].kind == "input"
    assert [box.shape for box in boxes] == [(8, 8, 1), (4, 4, 4), (64,), (3,)]


def test_cnn_diagram_labels_every_shape(digits):
    boxes = keras_layer_boxes(build_cnn_classifier((8, 8, 1), 10))
    fig = draw_cnn_diagram(boxes, kernel_size=3, image=digits.images[0])
    texts = figure_texts(fig)

    assert isinstance(fig, Figure)
    for box in boxes:
        assert format_shape(box.shape) in texts
        assert box.title in texts
    assert "3×3 kernel" in texts
    assert len(fig.axes[0].images) == 1


def test_cnn_diagram_rejects_empty_and_colour_image():
    with pytest.raises(ValueError, match="boxes is empty"):
        draw_cnn_diagram([])
    boxes = [LayerBox("input image", (8, 8, 1), "input"), LayerBox("conv", (8, 8, 4), "conv")]
    with pytest.raises(ValueError, match="greyscale"):
        draw_cnn_diagram(boxes, image=np.zeros((8, 8, 3)))


def test_recurrent_cells_gates_only_in_lstm():
    fig = draw_recurrent_cells()
    rnn_ax, lstm_ax = fig.axes
    rnn_text = " ".join(text.get_text() for text in rnn_ax.texts)
    lstm_text = " ".join(text.get_text() for text in lstm_ax.texts)

    assert rnn_ax.get_title() == "Plain RNN cell"
    assert lstm_ax.get_title() == "LSTM cell"
    for gate in ("forget", "input\ngate", "output\ngate"):
        assert gate in lstm_text
        assert gate not in rnn_text
    assert "cell state" in lstm_text
    assert "hidden state" in lstm_text
    assert "hidden state" in rnn_text
    assert "no gates, no cell state" in rnn_text


def test_feature_map_plot_draws_each_pair(digits):
    conv = keras.layers.Conv2D(6, 3, padding="same", activation="relu")
    maps = keras.ops.convert_to_numpy(conv(digits.images[:1]))
    kernels = conv.get_weights()[0]
    fig = plot_kernels_and_feature_maps(digits.images[0], kernels, maps, max_maps=4)

    assert fig.axes[0].get_title() == "input"
    titles = [ax.get_title() for ax in fig.axes]
    assert titles.count("") == 1
    assert [title for title in titles if title.startswith("kernel")] == [f"kernel {i}" for i in range(1, 5)]
    assert [title for title in titles if title.startswith("map")] == [f"map {i}" for i in range(1, 5)]
    third_map_ax = next(ax for ax in fig.axes if ax.get_title() == "map 3")
    np.testing.assert_allclose(third_map_ax.images[0].get_array(), maps[0, :, :, 2])


def test_feature_map_plot_rejects_mismatch(digits):
    with pytest.raises(ValueError, match="3 kernels but feature_maps has 4"):
        plot_kernels_and_feature_maps(digits.images[0], np.zeros((3, 3, 1, 3)), np.zeros((8, 8, 4)))
    with pytest.raises(ValueError, match="2 input channels"):
        plot_kernels_and_feature_maps(digits.images[0], np.zeros((3, 3, 2, 4)), np.zeros((8, 8, 4)))


def test_training_curves_draw_train_and_validation():
    histories = {
        "cnn": {"loss": [2.0, 1.0, 0.5], "accuracy": [0.3, 0.6, 0.9], "val_loss": [2.1, 1.2, 0.7],
                "val_accuracy": [0.3, 0.5, 0.8]},
        "dense": {"loss": [2.2, 1.5, 1.0], "accuracy": [0.2, 0.5, 0.7]},
    }
    fig = plot_training_curves(histories)
    loss_ax, accuracy_ax = fig.axes

    assert loss_ax.get_ylabel() == "loss"
    assert accuracy_ax.get_ylabel() == "accuracy"
    assert len(loss_ax.lines) == 3
    np.testing.assert_array_equal(accuracy_ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(accuracy_ax.lines[1].get_ydata(), [0.3, 0.5, 0.8])


def test_training_curves_reject_missing_metric():
    with pytest.raises(ValueError, match="has no \\['accuracy'\\]"):
        plot_training_curves({"run": {"loss": [1.0]}})


@pytest.fixture(scope="module")
def lstm_and_rows():
    keras.utils.set_random_seed(3)
    rows = np.random.default_rng(3).random((1, 8, 8)).astype(np.float32)
    lstm = keras.layers.LSTM(5, return_sequences=True, return_state=True)
    hidden_states, _, last_cell = lstm(rows)
    return lstm, rows[0], keras.ops.convert_to_numpy(hidden_states)[0], keras.ops.convert_to_numpy(last_cell)[0]


def test_lstm_trace_matches_keras(lstm_and_rows):
    lstm, rows, hidden_states, last_cell = lstm_and_rows
    trace = trace_lstm_states(lstm, rows)

    np.testing.assert_allclose(trace["hidden_state"], hidden_states, atol=1e-5)
    np.testing.assert_allclose(trace["cell_state"][-1], last_cell, atol=1e-5)
    for gate in ("input_gate", "forget_gate", "output_gate"):
        assert trace[gate].shape == (8, 5)
        assert trace[gate].min() > 0.0
        assert trace[gate].max() < 1.0


def test_lstm_trace_rejects_bad_input(lstm_and_rows):
    lstm, rows, _, _ = lstm_and_rows
    with pytest.raises(ValueError, match="expects \\(steps, 8\\)"):
        trace_lstm_states(lstm, rows[:, :4])

    relu_lstm = keras.layers.LSTM(5, activation="relu")
    relu_lstm.build((None, 8, 8))
    with pytest.raises(ValueError, match="activation='relu'"):
        trace_lstm_states(relu_lstm, rows)


def test_lstm_trace_plot_aligns_rows(lstm_and_rows, digits):
    lstm, rows, _, _ = lstm_and_rows
    trace = trace_lstm_states(lstm, rows)
    fig = plot_lstm_trace(digits.images[0], trace)
    image_axes = [ax for ax in fig.axes if ax.images and ax.get_title()]

    assert [ax.get_title() for ax in image_axes] == [
        "input rows",
        "forget gate",
        "input gate",
        "output gate",
        "cell state",
        "hidden state",
    ]
    assert image_axes[1].images[0].get_clim() == (0.0, 1.0)
    assert image_axes[5].images[0].get_array().shape == (8, 5)

    with pytest.raises(ValueError, match="has 4 steps but the image has 8 rows"):
        plot_lstm_trace(digits.images[0], {key: value[:4] for key, value in trace.items()})


def test_simple_rnn_has_one_weight_block():
    from kmdl.models import build_lstm_classifier, build_simple_rnn_classifier

    simple = build_simple_rnn_classifier((8, 8, 1), 10, units=6)
    lstm = build_lstm_classifier((8, 8, 1), 10, units=6)
    simple_kernel, simple_recurrent, _ = simple.get_layer("simple_rnn").get_weights()
    lstm_kernel, lstm_recurrent, _ = lstm.get_layer("lstm").get_weights()

    assert simple.output_shape == (None, 10)
    assert simple_kernel.shape == (8, 6)
    assert simple_recurrent.shape == (6, 6)
    # The LSTM stacks four blocks: input gate, forget gate, candidate, output gate.
    assert lstm_kernel.shape == (8, 4 * 6)
    assert lstm_recurrent.shape == (6, 4 * 6)

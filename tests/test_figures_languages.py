"""Every figure of kmdl.figures in English and Chinese (kmdl.figures.languages).

Each figure function is drawn in both languages. The Chinese figure must
render every glyph (matplotlib's "Glyph ... missing from font(s)" warning is
an error here) and must have no English words left, apart from names that
stay as they are (K-means, ReLU, softmax, code). The Chinese tests skip when
no CJK font is installed; ``nox -s docs`` installs Debian's fonts-noto-cjk.
"""

import base64
import dataclasses
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from kmdl.data import load_digits  # noqa: E402
from kmdl.deep.benchmark import BENCHMARK_METHODS  # noqa: E402
from kmdl.figures import (  # noqa: E402
    benchmark_plots,
    cluster_plots,
    kmeans_plots,
    languages,
    network_diagrams,
    network_plots,
)
from kmdl.figures.languages import (  # noqa: E402
    LANGUAGES,
    METADATA_KEY,
    MIME_TYPES,
    LanguageFigures,
    MystNbLanguageImages,
    language_rc,
    show,
)
from kmdl.figures.relationship import draw_relationship_diagram  # noqa: E402
from kmdl.kmeans import TeachingKMeans  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Words that a Chinese figure keeps in Latin letters: method and layer names,
# Keras settings and metric abbreviations.
KEPT_WORDS = {"means", "tanh", "relu", "softmax", "same", "init", "ACC", "NMI", "ARI", "CNN", "MLP", "LSTM", "RNN",
              "DEC", "DeepCluster", "SNE"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
needs_cjk_font = pytest.mark.skipif(
    languages.cjk_font_family() is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)"
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def fitted(digits):
    X = digits.flat[:300].astype(np.float64)
    return X, digits.labels[:300], TeachingKMeans(n_clusters=10, random_state=0).fit(X)


def _figure_calls(digits, fitted):
    """Return (name, function, args, kwargs) for every figure function, with small inputs."""
    X, y, model = fitted
    rng = np.random.default_rng(0)
    sweep = {
        "random, n_init=1": {"inertia": [2.0, 3.0], "acc": [0.5, 0.6]},
        "k-means++, n_init=10": {"inertia": [2.0, 2.1], "acc": [0.7, 0.7]},
    }
    boxes = [
        network_diagrams.LayerBox("input", (8, 8, 1), "input", {"text": "input"}),
        network_diagrams.LayerBox("conv", (8, 8, 16), "conv", {
            "text": "conv", "filters": 16, "kernel": "3×3", "stride": "1×1", "padding": "same", "activation": "relu",
        }),
        network_diagrams.LayerBox("pool", (4, 4, 16), "pool", {"text": "max_pool", "pool": "2×2"}),
        network_diagrams.LayerBox("gap", (16,), "pool", {"text": "global_average_pool"}),
        network_diagrams.LayerBox("dense", (10,), "dense", {"text": "dense", "units": 10, "activation": "softmax"}),
    ]
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.6, 0.9], "val_accuracy": [0.5, 0.8]}
    trace = {key: rng.random((8, 4)) for key in network_plots.LSTM_TRACE_KEYS}
    moons = (rng.normal(size=(40, 2)), np.repeat([0, 1], 20))
    summary = [
        {"method": name, "label": method.label, "n_seeds": 2, "acc_mean": 0.5 + 0.05 * index, "acc_std": 0.01}
        for index, (name, method) in enumerate(BENCHMARK_METHODS.items())
    ]
    return [
        ("relationship", draw_relationship_diagram, (), {}),
        ("cnn_diagram", network_diagrams.draw_cnn_diagram, (boxes,), {"image": digits.images[0]}),
        ("recurrent_cells", network_diagrams.draw_recurrent_cells, (), {}),
        ("centroid_paths", kmeans_plots.plot_centroid_paths, (X, model.history_), {}),
        ("centroid_images", kmeans_plots.plot_centroid_images, (model.cluster_centers_,), {}),
        ("inertia", kmeans_plots.plot_inertia_curves,
         ({"random start": model.history_, "k-means++ start": model.history_},), {}),
        ("restarts", kmeans_plots.plot_restart_spread, (sweep,), {"ylabels": ["inertia", "ACC"]}),
        ("kernels", network_plots.plot_kernels_and_feature_maps,
         (digits.images[0], rng.normal(size=(3, 3, 1, 4)), rng.random((8, 8, 4))), {}),
        ("training", network_plots.plot_training_curves, ({"CNN": history, "MLP": history},), {}),
        ("lstm_trace", network_plots.plot_lstm_trace, (digits.images[0], trace), {}),
        ("accuracy_by_step", network_plots.plot_accuracy_by_step, ([0.2, 0.5, 0.9],), {}),
        ("cluster_samples", cluster_plots.plot_cluster_samples, (digits.images[:300], model.labels_),
         {"per_cluster": 3}),
        ("confusion", cluster_plots.plot_matched_confusion, (y, model.labels_), {}),
        ("clusterings", cluster_plots.plot_clusterings,
         ({"moons": moons}, {"moons": {"K-means": moons[1], "spectral clustering": moons[1]}}), {}),
        ("silhouette", cluster_plots.plot_silhouette_by_k, ([2, 3, 4], [0.2, 0.3, 0.25]), {"mark": 3}),
        ("benchmark_acc", benchmark_plots.plot_benchmark_acc, (summary, ["kmeans-pixels", "spectral"]), {}),
        ("error_group", benchmark_plots.plot_error_group, (digits.images, [0, 1, 2], [3, 4], 9, 7), {}),
    ]


FIGURE_NAMES = [
    "relationship", "cnn_diagram", "recurrent_cells", "centroid_paths", "centroid_images", "inertia",
    "restarts", "kernels", "training", "lstm_trace", "accuracy_by_step", "cluster_samples", "confusion",
    "clusterings", "silhouette", "benchmark_acc", "error_group",
]


def draw(name, language, digits, fitted):
    """Draw one figure in ``language`` and render it, failing on any missing glyph."""
    _, function, args, kwargs = next(call for call in _figure_calls(digits, fitted) if call[0] == name)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font")
        with plt.rc_context(language_rc(language)):
            fig = function(*args, language=language, **kwargs)
            fig.canvas.draw()
    return fig


def drawn_texts(fig):
    """Return every non-empty text the figure shows: titles, labels, ticks, legends, annotations."""
    return [
        artist.get_text()
        for artist in fig.findobj(Text)
        if artist.get_visible() and artist.get_text().strip()
    ]


def english_words(texts):
    """Return the words of three or more Latin letters outside math ($...$), minus the kept names."""
    words = set()
    for text in texts:
        words.update(ENGLISH_WORD.findall(re.sub(r"\$[^$]*\$", "", text)))
    return words - KEPT_WORDS


def test_figure_names_cover_every_call(digits, fitted):
    assert [call[0] for call in _figure_calls(digits, fitted)] == FIGURE_NAMES


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_english_figure_draws(name, digits, fitted):
    fig = draw(name, "en", digits, fitted)
    assert not any(CJK.search(text) for text in drawn_texts(fig))


@needs_cjk_font
@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_chinese_figure_glyphs_and_words(name, digits, fitted):
    english = draw(name, "en", digits, fitted)
    chinese = draw(name, "zh_CN", digits, fitted)
    left = english_words(drawn_texts(chinese))
    assert not left, f"{name}: English words on the Chinese figure: {sorted(left)}"
    if english_words(drawn_texts(english)):
        # The English figure has words, so the Chinese one must have Chinese in their place.
        assert any(CJK.search(text) for text in drawn_texts(chinese)), name


@needs_cjk_font
def test_chinese_font_is_the_cjk_family():
    family = languages.cjk_font_family()
    assert family in languages.CJK_FAMILIES
    assert language_rc("zh_CN")["font.family"][0] == family


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match=r"language='fr' is not supported; pass one of \['en', 'zh_CN'\]"):
        draw_relationship_diagram(language="fr")


@needs_cjk_font
def test_show_bundles_every_language():
    figures = show(draw_relationship_diagram)
    assert sorted(figures.images) == sorted(LANGUAGES)
    assert all(png.startswith(PNG_SIGNATURE) for png in figures.images.values())
    assert figures.images["en"] != figures.images["zh_CN"]
    bundle, metadata = figures._repr_mimebundle_()
    assert set(bundle) == {MIME_TYPES["en"], MIME_TYPES["zh_CN"], "text/plain"}
    assert base64.b64decode(bundle["image/png"]) == figures.images["en"]
    assert bundle["text/plain"].startswith(languages.TEXT_MARKER)
    assert metadata == {METADATA_KEY: ["en", "zh_CN"]}
    assert plt.get_fignums() == []


def test_show_skips_a_language_without_font(monkeypatch):
    monkeypatch.setattr(languages, "cjk_font_family", lambda: None)
    with pytest.warns(UserWarning, match="The zh_CN figure is not drawn: No font with Chinese glyphs"):
        figures = show(draw_relationship_diagram)
    assert sorted(figures.images) == ["en"]


def test_language_figures_need_english():
    with pytest.raises(ValueError, match=r"the English image \('en'\) is required"):
        LanguageFigures({"zh_CN": PNG_SIGNATURE})


def test_mystnb_plugin_language_outputs_only():
    # The fields of MyST-NB's MimeData dataclass that the plugin reads.
    @dataclasses.dataclass
    class MimeData:
        mime_type: str
        content: str
        output_metadata: dict

    class Renderer:
        def render_image(self, data):
            self.rendered = data
            return [{"classes": []}]

    renderer = Renderer()
    chinese = MimeData(MIME_TYPES["zh_CN"], "abc", {METADATA_KEY: ["en", "zh_CN"]})
    nodes = MystNbLanguageImages.handle_mime(renderer, chinese, False)
    assert renderer.rendered.mime_type == "image/png"
    assert nodes == [{"classes": ["kmdl-figure", "kmdl-figure-zh_CN"]}]
    english = MimeData("image/png", "abc", {METADATA_KEY: ["en", "zh_CN"]})
    assert MystNbLanguageImages.handle_mime(renderer, english, False) == [
        {"classes": ["kmdl-figure", "kmdl-figure-en"]}
    ]
    # Any other image output is left to MyST-NB.
    assert MystNbLanguageImages.handle_mime(renderer, MimeData("image/png", "abc", {}), False) is None
    assert MystNbLanguageImages.handle_mime(renderer, MimeData("text/plain", "x", {METADATA_KEY: []}), False) is None


def test_layer_titles_in_both_languages():
    box = network_diagrams.LayerBox("conv", (8, 8, 16), "conv", {
        "text": "conv", "filters": 16, "kernel": "3×3", "stride": "1×1", "padding": "same", "activation": "relu",
    })
    assert network_diagrams.layer_title(box) == "convolution\n16 kernels 3×3\nstride 1×1\nsame, relu"
    assert network_diagrams.layer_title(box, "zh_CN") == "卷积\n16 个 3×3 卷积核\n步幅 1×1\nsame 填充，relu"
    plain = network_diagrams.LayerBox("my layer", (4,), "dense")
    assert network_diagrams.layer_title(plain, "zh_CN") == "my layer"

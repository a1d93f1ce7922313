"""The ``kmdl`` command: outputs, exit status, one-line errors and repeatability."""

import io
import json
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from kmdl.cli import FIGURE_LANGUAGES, OUTPUT_FILES, build_parser, main
from kmdl.data import save_image_folder
from kmdl.methods import DEFAULT_METHOD, METHODS, Method


@pytest.fixture(scope="module")
def labelled_folder(tmp_path_factory, digits):
    """300 digits as uint8 pixels 0..255 with labels 1..10 (not 0..9)."""
    folder = tmp_path_factory.mktemp("labelled")
    images = np.round(digits.images[:300, :, :, 0] * 255).astype(np.uint8)
    save_image_folder(folder, images, digits.labels[:300] + 1)
    return folder


@pytest.fixture(scope="module")
def unlabelled_folder(tmp_path_factory, digits):
    folder = tmp_path_factory.mktemp("unlabelled")
    save_image_folder(folder, digits.images[:120])
    return folder


#: Tests about the command itself run the fast K-means; the default method has its own tests.
KMEANS = ["--method", "kmeans"]


def run(argv, capsys):
    """Run the command in this process and return (status, stdout, stderr)."""
    out = io.StringIO()
    status = main(argv, out=out)
    captured = capsys.readouterr()
    return status, out.getvalue() + captured.out, captured.err


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kmdl: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def read_metrics(folder):
    return json.loads((folder / "metrics.json").read_text())


# --- Listing and help ------------------------------------------------------------


def test_methods_lists_every_method(capsys):
    status, out, _ = run(["methods"], capsys)
    assert status == 0
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(METHODS)
    assert sum("(default)" in line for line in lines) == 1
    assert any(line.startswith(DEFAULT_METHOD) and "(default)" in line for line in lines)


def test_methods_state_training_length(capsys):
    from kmdl.deep.recommended import RecommendedClustering

    lines = {line.split()[0]: line for line in run(["methods"], capsys)[1].strip().splitlines()}
    steps = RecommendedClustering().contrastive_steps
    assert f"trains {steps} contrastive steps" in lines["recommended"]
    assert "--epochs: autoencoder pretraining epochs" in lines["dec"]
    assert "--epochs: rounds" in lines["deepcluster"]
    assert "no network training" in lines["kmeans"]


def test_help_gives_every_option_a_default():
    run_parser = build_parser()._subparsers._group_actions[0].choices["run"]
    options = [action for action in run_parser._actions if action.option_strings and action.dest != "help"]
    assert {action.dest for action in options} >= {
        "dataset", "data", "method", "clusters", "seed", "epochs", "out", "overwrite", "language", "quiet"
    }
    for action in options:
        assert "default" in action.help, action.dest


def test_registered_method_is_one_line(monkeypatch, tmp_path, capsys, unlabelled_folder):
    from sklearn.cluster import AgglomerativeClustering

    monkeypatch.setitem(
        METHODS, "ward", Method("Ward linkage on the pixels", lambda k, seed, epochs: AgglomerativeClustering(k), input="flat")
    )
    status, out, _ = run(["run", "--data", str(unlabelled_folder), "--method", "ward", "--clusters", "3",
                          "--out", str(tmp_path / "ward"), "--quiet"], capsys)
    assert status == 0
    assert read_metrics(tmp_path / "ward")["method"] == "ward"
    assert "ward" in run(["methods"], capsys)[1]


# --- The default method --------------------------------------------------------------


def test_default_method_is_recommended():
    assert DEFAULT_METHOD == "recommended"
    assert build_parser().parse_args(["run"]).method == "recommended"


def test_default_run_beats_kmeans_on_digits(tmp_path, capsys, labelled_folder):
    argv = ["run", "--data", str(labelled_folder), "--quiet", "--out"]
    status, out, err = run(argv + [str(tmp_path / "default")], capsys)
    assert status == 0, err
    assert err == ""
    assert "kmdl run: recommended on" in out
    default = read_metrics(tmp_path / "default")
    assert default["method"] == "recommended"
    assert run(argv + [str(tmp_path / "kmeans"), *KMEANS], capsys)[0] == 0
    kmeans = read_metrics(tmp_path / "kmeans")
    # The pipeline exists because K-means on pixels confuses digits; on these
    # 300 digits it should do clearly better, not just as well.
    assert default["acc"] >= kmeans["acc"] + 0.05, (default["acc"], kmeans["acc"])
    assert default["nmi"] >= kmeans["nmi"] + 0.05, (default["nmi"], kmeans["nmi"])


# --- A successful run --------------------------------------------------------------


def test_run_writes_outputs_with_labels(tmp_path, capsys, labelled_folder):
    out_dir = tmp_path / "result"
    status, out, err = run(["run", "--data", str(labelled_folder), *KMEANS, "--out", str(out_dir), "--quiet"], capsys)
    assert status == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(OUTPUT_FILES)
    metrics = read_metrics(out_dir)
    for key in ("method", "dataset", "n_samples", "n_clusters", "seed", "seconds", "acc", "nmi", "ari"):
        assert key in metrics
    assert metrics["n_samples"] == 300
    assert metrics["n_clusters"] == 10
    assert metrics["classes"] == list(range(1, 11))
    assert metrics["pixel_scaling"] == "uint8 pixels in [0, 255] divided by 255"
    assert 0.5 < metrics["acc"] <= 1.0
    assignments = np.load(out_dir / "assignments.npy")
    assert assignments.shape == (300,)
    assert set(assignments.tolist()) <= set(range(10))
    assert f"{metrics['acc']:.4f}" in out
    assert "uint8 pixels in [0, 255] divided by 255" in out
    assert "Traceback" not in err


def test_out_dir_mode_follows_umask(tmp_path, capsys, unlabelled_folder):
    out_dir = tmp_path / "result"
    previous = os.umask(0o022)
    try:
        status, _, err = run(["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "3",
                              "--out", str(out_dir), "--quiet"], capsys)
    finally:
        os.umask(previous)
    assert status == 0, err
    assert stat.S_IMODE(out_dir.stat().st_mode) == 0o755


def test_out_dir_keeps_parent_setgid(tmp_path, capsys, unlabelled_folder):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2775)
    if not shared.stat().st_mode & stat.S_ISGID:
        pytest.skip("this file system does not keep the setgid bit on folders")
    status, _, err = run(["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "3",
                          "--out", str(shared / "result"), "--quiet"], capsys)
    assert status == 0, err
    assert (shared / "result").stat().st_mode & stat.S_ISGID


def test_run_without_labels_needs_clusters(capsys, unlabelled_folder, tmp_path):
    status, _, err = run(["run", "--data", str(unlabelled_folder), "--out", str(tmp_path / "x"), "--quiet"], capsys)
    assert_one_line_error(status, err, "no labels.npy", "--clusters K")
    assert not (tmp_path / "x").exists()


def test_run_without_labels_gives_null_scores(tmp_path, capsys, unlabelled_folder):
    out_dir = tmp_path / "result"
    status, out, _ = run(["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "4", "--out", str(out_dir), "--quiet"], capsys)
    assert status == 0
    metrics = read_metrics(out_dir)
    assert (metrics["acc"], metrics["nmi"], metrics["ari"]) == (None, None, None)
    assert not (out_dir / "confusion.png").exists()
    assert (out_dir / "clusters.png").stat().st_size > 0
    assert "n/a (no labels)" in out


def test_default_out_dir_is_new_each_run(tmp_path, capsys, monkeypatch, unlabelled_folder):
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "2", "--quiet"]
    assert run(argv, capsys)[0] == 0
    assert run(argv, capsys)[0] == 0
    folders = sorted(tmp_path.glob("kmdl-run-*-kmeans*"))
    assert len(folders) == 2
    assert all((folder / "metrics.json").is_file() for folder in folders)


def test_existing_out_dir_needs_overwrite(tmp_path, capsys, unlabelled_folder):
    out_dir = tmp_path / "result"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("keep me")
    argv = ["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "2", "--out", str(out_dir), "--quiet"]
    status, _, err = run(argv, capsys)
    assert_one_line_error(status, err, "exists and is not empty", "--overwrite")
    assert sorted(p.name for p in out_dir.iterdir()) == ["notes.txt"]

    assert run(argv + ["--overwrite"], capsys)[0] == 0
    status, _, err = run(argv + ["--overwrite"], capsys)
    assert status == 0
    assert "replacing metrics.json, assignments.npy, clusters.png" in err
    assert (out_dir / "notes.txt").read_text() == "keep me"


def test_overwrite_removes_stale_confusion(tmp_path, capsys, labelled_folder, unlabelled_folder):
    out_dir = tmp_path / "result"
    assert run(["run", "--data", str(labelled_folder), *KMEANS, "--out", str(out_dir), "--quiet"], capsys)[0] == 0
    assert (out_dir / "confusion.png").exists()
    argv = ["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "2", "--out", str(out_dir), "--quiet", "--overwrite"]
    assert run(argv, capsys)[0] == 0
    assert not (out_dir / "confusion.png").exists()
    assert read_metrics(out_dir)["acc"] is None


def test_out_dir_that_is_a_file(tmp_path, capsys, unlabelled_folder):
    target = tmp_path / "file.txt"
    target.write_text("x")
    status, _, err = run(["run", "--data", str(unlabelled_folder), "--clusters", "2", "--out", str(target)], capsys)
    assert_one_line_error(status, err, "is a file, not a folder")


def test_out_dir_below_a_file(tmp_path, capsys, unlabelled_folder):
    target = tmp_path / "file.txt"
    target.write_text("x")
    status, _, err = run(["run", "--data", str(unlabelled_folder), "--clusters", "2",
                          "--out", str(target / "sub" / "run")], capsys)
    assert_one_line_error(status, err, "cannot be created because", "is a file")


def test_one_class_confusion_readable(tmp_path, capsys):
    import warnings

    folder = tmp_path / "data"
    save_image_folder(folder, np.random.default_rng(0).random((20, 4, 4)), np.zeros(20, dtype=int))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, _, err = run(["run", "--data", str(folder), *KMEANS, "--clusters", "1",
                              "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0, err
    assert err == ""
    assert (tmp_path / "out" / "confusion.png").is_file()


@pytest.mark.parametrize(
    ("labels", "shown"), [(np.ones(20, dtype=bool), "True"), (np.array([b"cat"] * 20), "'cat'")]
)
def test_one_class_needs_clusters(tmp_path, capsys, labels, shown):
    folder = tmp_path / "data"
    save_image_folder(folder, np.random.default_rng(0).random((20, 4, 4)), labels)
    status, _, err = run(["run", "--data", str(folder), *KMEANS, "--out", str(tmp_path / "out")], capsys)
    assert_one_line_error(status, err, f"contains one class ({shown})", "pass --clusters K")
    assert not (tmp_path / "out").exists()


def test_bool_labels_stay_bool(tmp_path, capsys):
    folder = tmp_path / "data"
    save_image_folder(folder, np.random.default_rng(0).random((20, 4, 4)), np.arange(20) % 2 == 0)
    assert run(["run", "--data", str(folder), *KMEANS, "--out", str(tmp_path / "out"), "--quiet"], capsys)[0] == 0
    metrics = read_metrics(tmp_path / "out")
    assert metrics["classes"] == [False, True]
    assert metrics["n_clusters"] == 2


def test_cjk_class_names_have_glyphs(tmp_path, capsys):
    import warnings

    from kmdl.figures.languages import cjk_font_family

    if cjk_font_family() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    folder = tmp_path / "data"
    save_image_folder(folder, np.random.default_rng(0).random((12, 4, 4)), np.array(["零", "一", "二"] * 4))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font")
        status, _, err = run(["run", "--data", str(folder), *KMEANS, "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0, err
    assert "missing from font" not in err


def test_text_labels_stay_readable_in_json(tmp_path, capsys):
    folder = tmp_path / "data"
    rng = np.random.default_rng(0)
    save_image_folder(folder, rng.random((8, 5, 6)), np.array(["猫", "狗"] * 4))
    assert run(["run", "--data", str(folder), *KMEANS, "--out", str(tmp_path / "out"), "--quiet"], capsys)[0] == 0
    text = (tmp_path / "out" / "metrics.json").read_text(encoding="utf-8")
    assert '"狗"' in text
    assert read_metrics(tmp_path / "out")["classes"] == ["狗", "猫"]


class _Terminal(io.StringIO):
    """A stderr stand-in that reports itself as a terminal, as tqdm checks."""

    def isatty(self):
        return True


def test_progress_bar_on_terminal_only(tmp_path, capsys, monkeypatch, unlabelled_folder):
    argv = ["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "2"]
    _, _, err = run(argv + ["--out", str(tmp_path / "piped")], capsys)
    assert err == ""

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(argv + ["--out", str(tmp_path / "terminal")], out=io.StringIO()) == 0
    assert "fitting kmeans" in terminal.getvalue()

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(argv + ["--out", str(tmp_path / "quiet"), "--quiet"], out=io.StringIO()) == 0
    assert terminal.getvalue() == ""


def test_epochs_ignored_by_kmeans_with_warning(tmp_path, capsys, unlabelled_folder):
    status, _, err = run(["run", "--data", str(unlabelled_folder), *KMEANS, "--clusters", "2", "--epochs", "3",
                          "--out", str(tmp_path / "a"), "--quiet"], capsys)
    assert status == 0
    assert "kmdl: warning: --epochs has no effect on method 'kmeans'" in err
    assert read_metrics(tmp_path / "a")["epochs"] is None


# --- Language of the figures ----------------------------------------------------------


def _require_cjk_font():
    from kmdl.figures.languages import cjk_font_family

    if cjk_font_family() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")


def _fail_if_called(*args, **kwargs):
    raise AssertionError("the command loaded the data before it checked the font")


def test_help_lists_language(capsys):
    from kmdl.figures.languages import LANGUAGES

    assert main(["run", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--language {en,zh_CN}" in help_text
    assert "fonts-noto-cjk) (default: en)" in help_text
    assert FIGURE_LANGUAGES == LANGUAGES


def test_chinese_figures_same_results(tmp_path, capsys, labelled_folder):
    _require_cjk_font()
    argv = ["run", "--data", str(labelled_folder), *KMEANS, "--quiet", "--out"]
    for name in ("en", "en-again"):
        assert run(argv + [str(tmp_path / name)], capsys)[0] == 0
    status, _, err = run(argv + [str(tmp_path / "zh_CN"), "--language", "zh_CN"], capsys)
    assert status == 0, err
    # A glyph missing from the font would show up here as a warning.
    assert err == ""

    english, chinese = tmp_path / "en", tmp_path / "zh_CN"
    assert _metrics_without_time(chinese) == _metrics_without_time(english)
    np.testing.assert_array_equal(np.load(chinese / "assignments.npy"), np.load(english / "assignments.npy"))
    for name in ("clusters.png", "confusion.png"):
        # Two English runs draw the same bytes, so a difference comes from the language.
        assert (english / name).read_bytes() == (tmp_path / "en-again" / name).read_bytes(), name
        assert (chinese / name).read_bytes() != (english / name).read_bytes(), name


@pytest.mark.parametrize(
    ("options", "language"), [([], "en"), (["--language", "en"], "en"), (["--language", "zh_CN"], "zh_CN")]
)
def test_figures_receive_language(monkeypatch, tmp_path, capsys, labelled_folder, options, language):
    import matplotlib.pyplot as plt

    import kmdl.figures.cluster_plots
    from kmdl.figures.languages import cjk_font_family

    if language == "zh_CN":
        _require_cjk_font()
    calls = {}

    def recording(draw):
        def draw_and_record(*args, **kwargs):
            calls[draw.__name__] = (kwargs.get("language"), plt.rcParams["font.family"][0])
            return draw(*args, **kwargs)

        return draw_and_record

    for name in ("plot_cluster_samples", "plot_matched_confusion"):
        monkeypatch.setattr(kmdl.figures.cluster_plots, name, recording(getattr(kmdl.figures.cluster_plots, name)))
    argv = ["run", "--data", str(labelled_folder), *KMEANS, *options, "--out", str(tmp_path / "out"), "--quiet"]
    status, _, err = run(argv, capsys)
    assert status == 0, err

    first_font = "DejaVu Sans" if language == "en" else cjk_font_family()
    assert calls["plot_cluster_samples"] == (language, first_font)
    assert calls["plot_matched_confusion"] == (language, first_font)


def test_chinese_without_font_exit_2(monkeypatch, tmp_path, capsys, labelled_folder):
    import kmdl.cli
    import kmdl.figures.languages

    monkeypatch.setattr(kmdl.figures.languages, "cjk_font_family", lambda: None)
    monkeypatch.setattr(kmdl.cli, "_load", _fail_if_called)
    out_dir = tmp_path / "out"
    status, _, err = run(["run", "--data", str(labelled_folder), *KMEANS, "--language", "zh_CN",
                          "--out", str(out_dir), "--quiet"], capsys)
    assert_one_line_error(status, err, "--language zh_CN: No font with Chinese glyphs", "fonts-noto-cjk",
                          "Or pass --language en.")
    assert not out_dir.exists()


def test_english_without_cjk_font(monkeypatch, tmp_path, capsys, labelled_folder):
    import kmdl.figures.languages

    monkeypatch.setattr(kmdl.figures.languages, "cjk_font_family", lambda: None)
    status, _, err = run(["run", "--data", str(labelled_folder), *KMEANS, "--out", str(tmp_path / "out"),
                          "--quiet"], capsys)
    assert status == 0, err
    assert (tmp_path / "out" / "clusters.png").is_file()


# --- Same seed, same numbers -----------------------------------------------------------


def _metrics_without_time(folder):
    metrics = read_metrics(folder)
    metrics.pop("seconds")
    return metrics


@pytest.mark.parametrize("method", ["kmeans", "pseudo-label"])
def test_same_seed_same_result(tmp_path, capsys, labelled_folder, method):
    for name in ("first", "second"):
        argv = ["run", "--data", str(labelled_folder), "--method", method, "--seed", "3", "--epochs", "2",
                "--out", str(tmp_path / name), "--quiet"]
        assert run(argv, capsys)[0] == 0
    assert _metrics_without_time(tmp_path / "first") == _metrics_without_time(tmp_path / "second")
    np.testing.assert_array_equal(np.load(tmp_path / "first" / "assignments.npy"),
                                  np.load(tmp_path / "second" / "assignments.npy"))


def test_pseudo_label_records_epochs(tmp_path, capsys, labelled_folder):
    argv = ["run", "--data", str(labelled_folder), "--method", "pseudo-label", "--epochs", "2",
            "--out", str(tmp_path / "a"), "--quiet"]
    status, out, _ = run(argv, capsys)
    assert status == 0
    assert read_metrics(tmp_path / "a")["epochs"] == 2
    assert "Epoch" not in out


# --- Empty clusters ------------------------------------------------------------------------


class _LeavesClusterOneEmpty:
    """Estimator stand-in that puts every sample in cluster 0 or 2 of 3."""

    def __init__(self, n_clusters):
        self.n_clusters = n_clusters

    def fit(self, X):
        self.labels_ = np.where(np.arange(X.shape[0]) % 2 == 0, 0, 2)
        return self


def test_empty_cluster_warned_and_kept(monkeypatch, tmp_path, capsys, labelled_folder):
    monkeypatch.setitem(METHODS, "gap", Method("leaves cluster 1 empty", lambda k, seed, epochs: _LeavesClusterOneEmpty(k)))
    status, _, err = run(["run", "--data", str(labelled_folder), "--method", "gap", "--clusters", "3",
                          "--out", str(tmp_path / "a"), "--quiet"], capsys)
    assert status == 0
    assert "kmdl: warning: clusters [1] of 3 received no image" in err
    metrics = read_metrics(tmp_path / "a")
    assert metrics["empty_clusters"] == [1]
    assert metrics["cluster_sizes"] == [150, 0, 150]


class _ReturnsNoiseLabel:
    """Estimator stand-in that marks one sample as noise (-1), as DBSCAN does."""

    def __init__(self, n_clusters):
        self.n_clusters = n_clusters

    def fit_predict(self, X):
        labels = np.arange(X.shape[0]) % self.n_clusters
        labels[0] = -1
        return labels


def test_invalid_cluster_ids_exit_1(monkeypatch, tmp_path, capsys, unlabelled_folder):
    monkeypatch.setitem(METHODS, "noisy", Method("returns -1", lambda k, seed, epochs: _ReturnsNoiseLabel(k)))
    status, _, err = run(["run", "--data", str(unlabelled_folder), "--method", "noisy", "--clusters", "3",
                          "--out", str(tmp_path / "a"), "--quiet"], capsys)
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert "returned 1 cluster ids outside 0..2, such as [-1]" in err
    assert not (tmp_path / "a").exists()


# --- Bad input: exit status 2 and one line -------------------------------------------------


def _write(folder, images=None, labels=None, raw=None, allow_pickle=False):
    folder.mkdir()
    if raw is not None:
        (folder / "images.npy").write_bytes(raw)
    if images is not None:
        np.save(folder / "images.npy", images, allow_pickle=allow_pickle)
    if labels is not None:
        np.save(folder / "labels.npy", labels, allow_pickle=allow_pickle)
    return folder


def _ragged():
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = np.zeros((3, 3)), np.zeros((4, 4))
    return ragged


def _with_nan():
    images = np.ones((6, 4, 4), dtype=np.float32)
    images[2, 1, 3] = np.nan
    return images


BAD_INPUTS = {
    "object-images": (dict(images=_ragged(), allow_pickle=True), ["does not unpickle", "resize them"]),
    "empty-file": (dict(raw=b""), ["is empty (0 bytes)"]),
    "text-file": (dict(raw=b"0 1 2\n"), ["is not a .npy file"]),
    "nan-pixels": (dict(images=_with_nan()), ["1 NaN or infinite values in 1 of 6 samples", "(2, 1, 3)"]),
    "channels-first": (dict(images=np.zeros((6, 3, 8, 8), np.uint8)), ["channels-first", "np.transpose(images, (0, 2, 3, 1))"]),
    "flat-vectors": (dict(images=np.zeros((6, 64))), ["shape (6, 64)", "reshape them to (n, h, w)"]),
    "string-pixels": (dict(images=np.array([[["a"]]])), ["not numeric"]),
    "labels-too-short": (dict(images=np.zeros((6, 4, 4)), labels=np.arange(5)), ["labels has shape (5,)", "images has shape (6, 4, 4)"]),
    "labels-2d": (dict(images=np.zeros((6, 4, 4)), labels=np.zeros((6, 1))), ["labels has shape (6, 1)", "labels.ravel()"]),
    "fractional-labels": (dict(images=np.zeros((4, 4, 4)), labels=np.array([0.5, 1, 2, 3])), ["fractional values such as [0.5]"]),
    "fewer-samples": (dict(images=np.eye(4).reshape(4, 2, 2), labels=np.arange(4)), None),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_2(tmp_path, capsys, case):
    spec, fragments = BAD_INPUTS[case]
    folder = _write(tmp_path / "data", **spec)
    argv = ["run", "--data", str(folder), "--out", str(tmp_path / "out"), "--quiet"]
    if fragments is None:
        argv += ["--clusters", "5"]
        fragments = ["n_clusters=5 is larger than the number of samples (4)"]
    status, _, err = run(argv, capsys)
    assert_one_line_error(status, err, *fragments)
    assert not (tmp_path / "out").exists()


def test_fewer_distinct_images_than_clusters(tmp_path, capsys):
    folder = _write(tmp_path / "data", images=np.repeat(np.eye(4).reshape(4, 2, 2), 3, axis=0))
    status, _, err = run(["run", "--data", str(folder), "--clusters", "6", "--quiet"], capsys)
    assert_one_line_error(status, err, "distinct samples (4 of 12)", "at most 4", "value of --clusters")


def test_cluster_count_from_labels_named(tmp_path, capsys):
    images = np.repeat(np.eye(4).reshape(4, 2, 2), 3, axis=0)
    folder = _write(tmp_path / "data", images=images, labels=np.arange(12) % 6)
    status, _, err = run(["run", "--data", str(folder), "--quiet"], capsys)
    assert_one_line_error(status, err, "at most 4", "from the 6 classes in the labels", "--clusters")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", "--clusters", "0"], "expected a whole number >= 1"),
        (["run", "--clusters", "two"], "invalid value 'two'"),
        (["run", "--seed", "-1"], "expected 0 <= seed < 2**32"),
        (["run", "--epochs", "0"], "expected a whole number >= 1"),
        (["run", "--method", "nope"], "invalid choice: 'nope'"),
        (["run", "--dataset", "digits", "--data", "x"], "not allowed with argument"),
        (["run", "--dataset", "cifar"], "invalid choice: 'cifar'"),
        (["run", "--language", "zh"], "invalid choice: 'zh'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_options_one_line_exit_2(capsys, argv, fragment):
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    assert fragment in err


def test_missing_folder(tmp_path, capsys):
    status, _, err = run(["run", "--data", str(tmp_path / "nowhere"), "--quiet"], capsys)
    assert_one_line_error(status, err, "does not exist")


def test_unavailable_dataset_exit_1(monkeypatch, capsys):
    import keras

    def fail_download():
        raise OSError("network unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fail_download)
    status, _, err = run(["run", "--dataset", "mnist", "--quiet"], capsys)
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert "images.npy and labels.npy" in err


# --- Interruptions -----------------------------------------------------------------------------


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupt_while_writing_leaves_nothing(monkeypatch, tmp_path, capsys, labelled_folder):
    import kmdl.figures.cluster_plots

    monkeypatch.setattr(kmdl.figures.cluster_plots, "plot_matched_confusion", _interrupt)
    out_dir = tmp_path / "result"
    status, _, err = run(["run", "--data", str(labelled_folder), *KMEANS, "--out", str(out_dir), "--quiet"], capsys)
    assert status == 130
    assert err.strip() == "kmdl: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_interrupt_keeps_earlier_outputs(monkeypatch, tmp_path, capsys, labelled_folder):
    import kmdl.figures.cluster_plots

    out_dir = tmp_path / "result"
    argv = ["run", "--data", str(labelled_folder), *KMEANS, "--out", str(out_dir), "--quiet"]
    assert run(argv, capsys)[0] == 0
    before = {path.name: path.read_bytes() for path in out_dir.iterdir()}
    monkeypatch.setattr(kmdl.figures.cluster_plots, "plot_matched_confusion", _interrupt)
    assert run(argv + ["--overwrite", "--seed", "1"], capsys)[0] == 130
    assert {path.name: path.read_bytes() for path in out_dir.iterdir()} == before
    assert [path.name for path in tmp_path.iterdir()] == ["result"]


def test_interrupt_during_start_up(monkeypatch, capsys):
    import types

    from kmdl import _console

    class _Interrupting(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "kmdl.cli", _Interrupting("kmdl.cli"))
    assert _console.main(["methods"]) == 130
    assert capsys.readouterr().err == "kmdl: interrupted\n"


def test_native_stderr_silenced_keeps_python_output():
    code = (
        "import os, sys\n"
        "from kmdl.cli import _native_stderr_silenced\n"
        "with _native_stderr_silenced():\n"
        "    os.write(2, b'from C++\\n')\n"
        "    print('from Python', file=sys.stderr)\n"
        "os.write(2, b'after\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr == "from Python\nafter\n"


# --- As a separate process --------------------------------------------------------------------


def test_module_entry_point_bad_file(tmp_path):
    folder = _write(tmp_path / "data", images=_ragged(), allow_pickle=True)
    result = subprocess.run(
        [sys.executable, "-m", "kmdl", "run", "--data", str(folder), "--quiet"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("kmdl: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("kmdl-run-*"))

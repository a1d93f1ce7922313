"""The ``kmdl`` command: run a clustering method on a data set or on your own images.

``kmdl run`` loads the images, checks them once, fits the chosen method, and
writes ``metrics.json``, ``assignments.npy`` and PNG figures to an output
folder. ``kmdl methods`` lists the methods. Errors in the input end the
command with exit status 2 and one line that names the problem and the fix.
"""

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import kmdl
from kmdl.data import DATASET_NAMES
from kmdl.exceptions import DataError, DatasetUnavailableError
from kmdl.methods import DEFAULT_METHOD, METHODS, get_method, method_input

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Files that ``kmdl run`` writes; --overwrite replaces these and nothing else.
OUTPUT_FILES = ("metrics.json", "assignments.npy", "clusters.png", "confusion.png")

# Languages of the words on the figures, the same as kmdl.figures.languages.LANGUAGES.
# They are written out here because importing that module imports matplotlib, which
# would slow down every command, --help included. tests/test_cli.py checks that both match.
FIGURE_LANGUAGES = ("en", "zh_CN")

# Warnings meant for developers of the libraries, not for someone running a command.
_SILENCED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


class UsageError(Exception):
    """A command-line value that cannot work; the message names the fix."""


class OutputError(Exception):
    """The results could not be written; the message names the folder and the cause."""


class MethodError(Exception):
    """A registered method returned cluster ids that break the registry's contract."""


class _Parser(argparse.ArgumentParser):
    """Argument parser that reports a usage error as one line with exit status 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected a whole number >= 1") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value}: expected a whole number >= 1")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected a whole number") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"invalid seed {value}: expected 0 <= seed < 2**32")
    return value


def build_parser():
    """Return the argument parser of the ``kmdl`` command."""
    parser = _Parser(
        prog="kmdl",
        description="Cluster images with K-means and deep-learning pipelines, and measure the result.",
    )
    parser.add_argument("--version", action="version", version=f"kmdl {kmdl.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    run = commands.add_parser(
        "run",
        help="cluster a data set and write metrics, assignments and figures",
        description=(
            "Cluster the images of a data set with one method and write metrics.json, "
            "assignments.npy and PNG figures to an output folder. Pixels are scaled to "
            "[0, 1]; the printed table and metrics.json say how. The input files are only read."
        ),
        epilog="Exit status: 0 on success, 2 for invalid options or input data, 1 for other failures.",
    )
    source = run.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        choices=DATASET_NAMES,
        help="a named data set (default: digits, the 1,797 8x8 images bundled with scikit-learn; "
        "mnist and fashion_mnist are downloaded by Keras on first use)",
    )
    source.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="a folder with images.npy, shape (n, height, width) or (n, height, width, channels), "
        "and optionally labels.npy, shape (n,) (default: none, so --dataset applies)",
    )
    run.add_argument(
        "--method",
        default=DEFAULT_METHOD,
        choices=list(METHODS),
        metavar="NAME",
        help=f"clustering method, one of: {', '.join(METHODS)} (default: {DEFAULT_METHOD}; "
        "see 'kmdl methods')",
    )
    run.add_argument(
        "--clusters",
        type=_positive_int,
        metavar="K",
        help="number of clusters, an integer >= 1 (default: the number of classes in the labels; "
        "required when there are no labels or they contain a single class)",
    )
    run.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="random seed, an integer in [0, 2**32); the same seed gives the same result on a CPU (default: 0)",
    )
    run.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="training length for methods that train a network, in each method's own unit "
        "(epochs, pretraining epochs or rounds, as 'kmdl methods' shows; "
        "default: the method's own)",
    )
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: a new folder kmdl-run-YYYYmmdd-HHMMSS-METHOD in the current folder)",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="allow --out to be an existing non-empty folder; kmdl replaces only its own "
        f"output files ({', '.join(OUTPUT_FILES)}) there (default: off)",
    )
    run.add_argument(
        "--language",
        choices=FIGURE_LANGUAGES,
        default="en",
        help="language of the words drawn on the figures: en (English) or zh_CN (Simplified Chinese, "
        "which needs a CJK font such as Debian's fonts-noto-cjk) (default: en)",
    )
    run.add_argument("--quiet", action="store_true", help="show no progress bar (default: off)")
    run.set_defaults(handler=_run)

    methods = commands.add_parser(
        "methods",
        help="list the clustering methods",
        description="List the clustering methods that 'kmdl run --method' accepts.",
    )
    methods.set_defaults(handler=_list_methods)
    return parser


def _list_methods(args, out):
    width = max(len(name) for name in METHODS)
    for name, method in METHODS.items():
        marker = " (default)" if name == DEFAULT_METHOD else ""
        print(f"{name:<{width}}  {method.summary} [{method.training_note()}]{marker}", file=out)
    return EXIT_OK


def _default_out_dir(method_name):
    """Return a folder name under the current one that does not exist yet."""
    stem = f"kmdl-run-{time.strftime('%Y%m%d-%H%M%S')}-{method_name}"
    candidate = Path.cwd() / stem
    suffix = 2
    while candidate.exists():
        candidate = Path.cwd() / f"{stem}-{suffix}"
        suffix += 1
    return candidate


def _check_out_dir(path, overwrite):
    """Raise UsageError unless kmdl can write to ``path`` without replacing files unasked.

    The check runs before any fitting, so a bad --out fails at once.
    """
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path} is a file, not a folder; pass a folder path.")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise UsageError(
            f"--out {path} exists and is not empty; pass --overwrite to replace kmdl's "
            "output files there, or choose a new folder."
        )
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--out {path} cannot be created because {existing} is a file; choose another folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {path} cannot be written because {existing} is not writable; choose another folder.")


def _load(args):
    from kmdl.data import load_digits, load_image_folder, load_keras_dataset

    if args.data is not None:
        return load_image_folder(args.data), str(args.data)
    name = args.dataset or "digits"
    if name == "digits":
        return load_digits(), name
    return load_keras_dataset(name), name


def _resolve_clusters(args, dataset):
    if args.clusters is not None:
        return args.clusters
    if dataset.n_classes is None:
        raise UsageError(
            f"{dataset.name} has no labels.npy, so kmdl cannot infer the number of "
            "clusters; pass --clusters K."
        )
    if dataset.n_classes == 1:
        raise UsageError(
            f"labels.npy of {dataset.name} contains one class ({_json_value(dataset.classes[0].item())!r}), so kmdl "
            "would make a single cluster; pass --clusters K to choose the number of clusters."
        )
    return dataset.n_classes


def _check_cluster_count(args, n_clusters, dataset):
    """Raise UsageError when the data has fewer (distinct) images than clusters, naming where K came from."""
    from kmdl.validation import check_n_clusters

    try:
        check_n_clusters(n_clusters, dataset.flat)
    except DataError as error:
        if args.clusters is not None:
            raise UsageError(f"{error} Here n_clusters is the value of --clusters.") from None
        raise UsageError(
            f"{error} kmdl took n_clusters={n_clusters} from the {n_clusters} classes in the "
            "labels; pass --clusters with a smaller number."
        ) from None


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send what C++ code writes to file descriptor 2 to the null device; Python's stderr stays.

    TensorFlow 2.21 writes oneDNN, CUDA and graph notices straight to file
    descriptor 2, and TF_CPP_MIN_LOG_LEVEL no longer hides those printed
    before its logging starts. They carry no action for someone running the
    command. Python-level output (warnings, progress bars, exceptions) still
    reaches the terminal, because ``sys.stderr`` is pointed at a copy of the
    original descriptor when it was writing to descriptor 2.
    """
    try:
        python_on_fd2 = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        # A stand-in such as pytest's capture has no descriptor to move.
        python_on_fd2 = False
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    original = sys.stderr
    if python_on_fd2:
        sys.stderr = open(saved, "w", buffering=1, encoding=original.encoding, errors=original.errors, closefd=False)
    try:
        yield
    finally:
        if python_on_fd2:
            sys.stderr.flush()
            sys.stderr = original
        os.dup2(saved, 2)
        os.close(saved)


def _json_value(value):
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _fit(estimator, X):
    if hasattr(estimator, "fit_predict"):
        return estimator.fit_predict(X)
    return estimator.fit(X).labels_


def _check_assignments(assignments, n_samples, n_clusters, method_name):
    """Return the cluster ids as int64, or raise MethodError if a method broke its contract."""
    assignments = np.asarray(assignments)
    if assignments.shape != (n_samples,) or assignments.dtype.kind not in "iu":
        raise MethodError(
            f"method {method_name!r} returned cluster ids of shape {assignments.shape} and dtype "
            f"{assignments.dtype}; expected integers of shape ({n_samples},). This is a bug in the method."
        )
    outside = (assignments < 0) | (assignments >= n_clusters)
    if outside.any():
        raise MethodError(
            f"method {method_name!r} returned {int(outside.sum())} cluster ids outside 0..{n_clusters - 1}, "
            f"such as {assignments[outside][:3].tolist()}. This is a bug in the method."
        )
    return assignments.astype(np.int64)


def _metrics_record(args, source, dataset, n_clusters, assignments, seconds):
    """Return the contents of metrics.json, warning about clusters that received no image."""
    counts = np.bincount(assignments, minlength=n_clusters)
    empty = np.flatnonzero(counts == 0).tolist()
    if empty:
        warnings.warn(
            f"clusters {empty} of {n_clusters} received no image; the outputs keep all "
            f"{n_clusters} cluster ids, so those rows and columns are empty."
        )
    method = get_method(args.method)
    metrics = {
        "method": args.method,
        "dataset": source,
        "n_samples": int(dataset.n_samples),
        "image_shape": [int(size) for size in dataset.image_shape],
        "pixel_scaling": dataset.scaling,
        "n_clusters": int(n_clusters),
        "seed": args.seed,
        "epochs": None if method.default_epochs is None else (args.epochs or method.default_epochs),
        "seconds": round(seconds, 3),
        "acc": None,
        "nmi": None,
        "ari": None,
        "n_classes": dataset.n_classes,
        "classes": None if dataset.classes is None else [_json_value(c) for c in dataset.classes.tolist()],
        "cluster_sizes": counts.tolist(),
        "empty_clusters": empty,
        "kmdl_version": kmdl.__version__,
    }
    if dataset.labels is not None:
        from kmdl.metrics import clustering_scores

        metrics.update(clustering_scores(dataset.labels, assignments))
    return metrics


def _print_table(metrics, out):
    rows = [
        ("method", metrics["method"]),
        ("dataset", metrics["dataset"]),
        ("images", f"{metrics['n_samples']} of shape {'x'.join(map(str, metrics['image_shape']))}"),
        ("clusters", metrics["n_clusters"]),
        ("pixels", metrics["pixel_scaling"]),
        ("seed", metrics["seed"]),
        ("seconds", f"{metrics['seconds']:.2f}"),
    ]
    for key in ("acc", "nmi", "ari"):
        value = metrics[key]
        rows.append((key.upper(), "n/a (no labels)" if value is None else f"{value:.4f}"))
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}", file=out)


def _run(args, out):
    from tqdm import tqdm

    method = get_method(args.method)
    out_dir = args.out if args.out is not None else _default_out_dir(args.method)
    _check_out_dir(out_dir, args.overwrite)
    figure_rc = _figure_rc(args.language)
    if args.epochs is not None and method.default_epochs is None:
        warnings.warn(f"--epochs has no effect on method {args.method!r}, which does not train in epochs.")

    # disable=None makes tqdm draw the bar only when stderr is a terminal, so logs stay clean.
    hide_bar = True if args.quiet else None
    # Keras data sets load through TensorFlow too, whatever the method.
    loads_keras_dataset = args.data is None and (args.dataset or "digits") != "digits"
    uses_tensorflow = method.keras_verbose or loads_keras_dataset
    native_output = _native_stderr_silenced() if uses_tensorflow else contextlib.nullcontext()
    with native_output, tqdm(total=4, desc="loading data", file=sys.stderr, disable=hide_bar, leave=False) as steps:
        dataset, source = _load(args)
        steps.update()

        steps.set_description("checking input")
        n_clusters = _resolve_clusters(args, dataset)
        _check_cluster_count(args, n_clusters, dataset)
        estimator = method.build(n_clusters, args.seed, args.epochs)
        if method.keras_verbose:
            # Keras: 0 silent, 1 a progress bar for a terminal, 2 one line per epoch for logs.
            verbose = 1 if sys.stdout.isatty() else 2
            estimator.set_params(verbose=0 if args.quiet else verbose)
        steps.update()

        # Clear the bar so that a Keras progress bar gets its own lines.
        steps.set_description(f"fitting {args.method}")
        steps.clear()
        started = time.perf_counter()
        assignments = _fit(estimator, method_input(method, dataset))
        seconds = time.perf_counter() - started
        assignments = _check_assignments(assignments, dataset.n_samples, n_clusters, args.method)
        steps.update()

        steps.set_description("writing outputs")
        metrics = _metrics_record(args, source, dataset, n_clusters, assignments, seconds)
        try:
            written = _write_outputs(
                out_dir, dataset, assignments, n_clusters, metrics, args.seed, args.language, figure_rc
            )
        except OSError as error:
            raise OutputError(f"could not write the results to {out_dir}: {error}") from None
        steps.update()

    print(f"kmdl run: {args.method} on {source}", file=out)
    _print_table(metrics, out)
    print(f"Wrote {', '.join(written)} to {out_dir}", file=out)
    return EXIT_OK


def _write_outputs(out_dir, dataset, assignments, n_clusters, metrics, seed, language, figure_rc):
    """Write every output file to ``out_dir`` and return their names.

    The files are written to a hidden folder beside ``out_dir`` and moved in
    only when all of them exist, so an interrupted or failed run leaves no
    partial set of results behind.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-partial-", dir=out_dir.parent))
    try:
        written = _draw_outputs(staging, dataset, assignments, n_clusters, metrics, seed, language, figure_rc)
        if not out_dir.exists():
            # mkdtemp makes a folder only its owner can read, so give it the
            # permissions that a plain mkdir gives under the user's umask,
            # keeping the setgid bit that a shared parent folder passes on.
            umask = os.umask(0)
            os.umask(umask)
            staging.chmod((staging.stat().st_mode & 0o7000) | (0o777 & ~umask))
            staging.rename(out_dir)
            return written
        # Remove every earlier output first, so that a confusion.png from an
        # earlier run with labels cannot sit beside results without labels.
        replaced = [name for name in OUTPUT_FILES if (out_dir / name).exists()]
        if replaced:
            print(f"kmdl: --overwrite: replacing {', '.join(replaced)} in {out_dir}", file=sys.stderr)
            for name in replaced:
                (out_dir / name).unlink()
        for name in written:
            (staging / name).rename(out_dir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _draw_outputs(out_dir, dataset, assignments, n_clusters, metrics, seed, language, figure_rc):
    """Write metrics.json, assignments.npy and the figures to ``out_dir`` and return their names.

    The figures' words are in ``language``, drawn with the matplotlib settings ``figure_rc``.
    """
    import matplotlib.pyplot as plt

    from kmdl.figures.cluster_plots import plot_cluster_samples, plot_matched_confusion

    written = ["metrics.json", "assignments.npy", "clusters.png"]
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    np.save(out_dir / "assignments.npy", assignments, allow_pickle=False)

    with plt.rc_context(figure_rc):
        figure = plot_cluster_samples(dataset.images, assignments, n_clusters, random_state=seed, language=language)
        figure.savefig(out_dir / "clusters.png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        if dataset.labels is not None:
            figure = plot_matched_confusion(dataset.classes[dataset.labels], assignments, language=language)
            figure.savefig(out_dir / "confusion.png", dpi=100, bbox_inches="tight")
            plt.close(figure)
            written.append("confusion.png")
    return written


def _figure_rc(language):
    """Return the matplotlib settings that draw the figures' words in ``language``.

    ``kmdl run`` calls it before loading the data, so a missing font stops the command before any fitting.

    Raises
    ------
    UsageError
        If ``language`` is zh_CN and no font with Chinese glyphs is installed.
    """
    from kmdl.figures.languages import language_rc

    if language == "en":
        return _figure_fonts()
    try:
        # language_rc puts the CJK font first, so it draws CJK class names as well.
        return language_rc(language)
    except LookupError as error:
        raise UsageError(f"--language {language}: {error} Or pass --language en.") from None


def _figure_fonts():
    """Return matplotlib settings that draw class names in any script the installed fonts cover.

    Class names come from the user's labels and may be Chinese, Japanese or
    Korean. Matplotlib falls back along the family list glyph by glyph, so a
    CJK font after DejaVu Sans draws those names instead of empty boxes.
    """
    from kmdl.figures.languages import cjk_font_family

    family = cjk_font_family()
    return {"font.family": ["DejaVu Sans", family]} if family else {}


def _one_line(text):
    return " ".join(str(text).split())


def _print_warning(message, category, filename, lineno, file=None, line=None):
    print(f"kmdl: warning: {_one_line(message)}", file=sys.stderr)


def main(argv=None, out=None):
    """Run the ``kmdl`` command and return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.
    out : file-like, optional
        Where the table and listings go; defaults to ``sys.stdout``.

    Returns
    -------
    int
        0 on success, 2 for invalid options or input data, 1 when a data
        set cannot be downloaded, the results cannot be written or a method
        returns invalid cluster ids, and 130 when interrupted.

    Examples
    --------
    >>> main(["methods"])  # doctest: +ELLIPSIS
    recommended ...
    0
    """
    out = sys.stdout if out is None else out
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits after --help, --version or a usage error; return its status instead.
        return exit_request.code
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for category in _SILENCED_WARNINGS:
            warnings.simplefilter("ignore", category)
        warnings.showwarning = _print_warning
        try:
            return args.handler(args, out)
        except (DataError, UsageError) as error:
            print(f"kmdl: error: {_one_line(error)}", file=sys.stderr)
            return EXIT_USAGE
        except (DatasetUnavailableError, OutputError, MethodError) as error:
            print(f"kmdl: error: {_one_line(error)}", file=sys.stderr)
            return EXIT_FAILURE
        except KeyboardInterrupt:
            print("kmdl: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED

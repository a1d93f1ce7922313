"""The clustering benchmark: classical baselines beside the deep methods, over several seeds.

``benchmarks/bench_clustering.py`` is the command-line front end, and the
results page runs :func:`run_benchmark` at build time. Each method is a
factory ``factory(n_clusters, seed)`` returning an unfitted estimator with
``fit_predict``. Every (method, seed) run is scored with ACC, NMI and ARI
against the true labels, which no method sees.

With ``isolate=True`` each method runs in a fresh Python process, started
with the ``spawn`` method, so its peak resident memory can be read from the
operating system and no TensorFlow state leaks between methods. The peak
includes the interpreter and the libraries that the method loads. On the
digits that came to about 140 to 150 MiB for K-means on the pixels, which
needs only NumPy and scikit-learn, and to about 0.8 to 1.1 GiB for a method
that trains a Keras network.

The two DEC rows start from the same pretrained autoencoder. They run in one
process, which trains it once per seed, and the time of each DEC run includes
that pretraining, as if it had trained its own.
"""

import resource
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

from kmdl.metrics import clustering_scores

METRICS = ("acc", "nmi", "ari")


def make_kmeans_pixels(n_clusters, seed):
    """Return K-means (10 k-means++ restarts) for the flattened pixels."""
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=n_clusters, n_init=10, random_state=seed)


def make_spectral(n_clusters, seed):
    """Return spectral clustering on a 10-nearest-neighbour graph of the pixels (sparse, no n x n matrix)."""
    from sklearn.cluster import SpectralClustering

    return SpectralClustering(
        n_clusters=n_clusters, affinity="nearest_neighbors", n_neighbors=10, random_state=seed
    )


class TSNEKMeans:
    """t-SNE to two dimensions, then K-means; a baseline with only ``fit_predict``.

    t-SNE has no ``transform`` for new samples, so this baseline clusters
    only the data it is fitted on.
    """

    def __init__(self, n_clusters=10, random_state=0):
        self.n_clusters = n_clusters
        self.random_state = random_state

    def fit_predict(self, X, y=None):
        """Embed X with t-SNE and return the K-means cluster of each sample."""
        from sklearn.cluster import KMeans
        from sklearn.manifold import TSNE

        embedding = TSNE(n_components=2, random_state=self.random_state).fit_transform(X)
        kmeans = KMeans(n_clusters=self.n_clusters, n_init=10, random_state=self.random_state)
        return kmeans.fit_predict(embedding)


def make_tsne_kmeans(n_clusters, seed):
    """Return t-SNE (2-D, perplexity 30) followed by K-means."""
    return TSNEKMeans(n_clusters=n_clusters, random_state=seed)


def pretrain_dec_autoencoder(X, seed):
    """Return DEC's default autoencoder, pretrained on X with ``seed`` as DEC would train it."""
    from kmdl.deep.autoencoder import Autoencoder

    return Autoencoder(random_state=seed).fit(X)


def make_dec_kmeans_init(n_clusters, seed, pretrained=None):
    """Return DEC with K-means initial centres and its default autoencoder (``pretrained`` if given)."""
    from kmdl.deep.dec import DEC

    return DEC(n_clusters=n_clusters, init="kmeans", autoencoder=pretrained, random_state=seed)


def make_dec_random_init(n_clusters, seed, pretrained=None):
    """Return DEC with randomly drawn initial centres and its default autoencoder (``pretrained`` if given)."""
    from kmdl.deep.dec import DEC

    return DEC(n_clusters=n_clusters, init="random", autoencoder=pretrained, random_state=seed)


def make_deepcluster(n_clusters, seed):
    """Return DeepCluster-style alternation with its defaults."""
    from kmdl.deep.deepcluster import DeepCluster

    return DeepCluster(n_clusters=n_clusters, random_state=seed)


def make_recommended(n_clusters, seed):
    """Return the recommended pipeline with its defaults."""
    from kmdl.deep.recommended import RecommendedClustering

    return RecommendedClustering(n_clusters=n_clusters, random_state=seed)


@dataclass(frozen=True)
class BenchmarkMethod:
    """A method in the benchmark.

    Attributes
    ----------
    label : str
        Name shown in the table.
    factory : callable
        ``factory(n_clusters, seed)`` returns an estimator with ``fit_predict``.
    input : {"flat", "images"}
        Layout the method is fitted on.
    pretrain : callable or None
        ``pretrain(X, seed)`` returns a fitted model that ``factory`` takes
        as its ``pretrained`` argument. Methods with the same ``pretrain``
        run in one process and train it once per seed. The time of each of
        their runs still includes the pretraining.
    """

    label: str
    factory: object
    input: str
    pretrain: object = None


#: Methods in the order of the table.
#:
#: :meta hide-value:
BENCHMARK_METHODS = {
    "kmeans-pixels": BenchmarkMethod("K-means on pixels", make_kmeans_pixels, "flat"),
    "spectral": BenchmarkMethod("Spectral clustering (nearest-neighbour graph)", make_spectral, "flat"),
    "tsne-kmeans": BenchmarkMethod("t-SNE + K-means", make_tsne_kmeans, "flat"),
    # Both DEC rows start from the same pretrained autoencoder, so they differ only in the initial centres.
    "dec-kmeans-init": BenchmarkMethod(
        "DEC, K-means init", make_dec_kmeans_init, "images", pretrain_dec_autoencoder
    ),
    "dec-random-init": BenchmarkMethod(
        "DEC, random init", make_dec_random_init, "images", pretrain_dec_autoencoder
    ),
    "deepcluster": BenchmarkMethod("DeepCluster-style", make_deepcluster, "images"),
    "recommended": BenchmarkMethod("Recommended pipeline", make_recommended, "images"),
}


def peak_memory_mib():
    """Return this process's peak resident memory in MiB (Linux and macOS).

    On Linux the figure is ``VmHWM`` from ``/proc/self/status``, the peak of
    the current program only. ``ru_maxrss`` is not used there, because Linux
    carries it across ``exec``, so in a spawned process it would include the
    memory of the parent at the time it started the child.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024.0**2 if sys.platform == "darwin" else 1024.0)


def run_method(name, dataset_source, seeds, n_clusters, indices=None, keep_labels=False, pretrained=None):
    """Fit one method once per seed and return its runs.

    Parameters
    ----------
    name : str
        Key of :data:`BENCHMARK_METHODS`.
    dataset_source : str
        Name or folder for :func:`kmdl.data.load_dataset`.
    seeds : sequence of int
    n_clusters : int
    indices : ndarray or None
        Subset of samples to use, or None for all.
    keep_labels : bool, default=False
        Also store each run's cluster ids under ``"labels"``.
    pretrained : dict or None
        Models of :attr:`BenchmarkMethod.pretrain` already trained in this
        process, with their training time, by ``(pretrain, seed)``. New ones
        are added, so that the next method with the same ``pretrain`` reuses
        them.

    Returns
    -------
    runs : list of dict
        One dict per seed: method, seed, acc, nmi, ari, seconds (and labels).
        ``seconds`` includes the time of the method's pretraining.
    peak_mib : float
        Peak resident memory of the process so far.
    """
    from kmdl.data import load_dataset

    dataset = load_dataset(dataset_source)
    method = BENCHMARK_METHODS[name]
    X = dataset.flat if method.input == "flat" else dataset.images
    y = dataset.labels
    if indices is not None:
        X, y = X[indices], y[indices]
    pretrained = {} if pretrained is None else pretrained
    runs = []
    for seed in seeds:
        seed = int(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=FutureWarning)
            if method.pretrain is None:
                estimator, pretrain_seconds = method.factory(n_clusters, seed), 0.0
            else:
                if (method.pretrain, seed) not in pretrained:
                    start = time.perf_counter()
                    model = method.pretrain(X, seed)
                    pretrained[method.pretrain, seed] = (model, time.perf_counter() - start)
                model, pretrain_seconds = pretrained[method.pretrain, seed]
                estimator = method.factory(n_clusters, seed, pretrained=model)
            start = time.perf_counter()
            labels = estimator.fit_predict(X)
        seconds = pretrain_seconds + time.perf_counter() - start
        run = {"method": name, "seed": seed, **clustering_scores(y, labels), "seconds": seconds}
        if keep_labels:
            run["labels"] = np.asarray(labels)
        runs.append(run)
    return runs, peak_memory_mib()


def run_methods(names, dataset_source, seeds, n_clusters, indices=None, keep_labels=False):
    """Run :func:`run_method` for each name in one process, sharing their pretrained models.

    Returns
    -------
    list of (runs, peak_mib)
        One pair per name, in order. Each peak is that of the process after
        the method, so it includes the methods run before it.
    """
    pretrained = {}
    return [
        run_method(name, dataset_source, seeds, n_clusters, indices, keep_labels, pretrained)
        for name in names
    ]


def group_by_pretraining(names):
    """Return ``names`` cut into groups of neighbours that share a ``pretrain``.

    Every other method forms a group of its own.
    """
    groups = []
    for name in names:
        pretrain = BENCHMARK_METHODS[name].pretrain
        if groups and pretrain is not None and BENCHMARK_METHODS[groups[-1][-1]].pretrain is pretrain:
            groups[-1].append(name)
        else:
            groups.append([name])
    return groups


def summarise(runs, peaks):
    """Return one summary row per method: mean and standard deviation of each metric and of the time.

    Parameters
    ----------
    runs : list of dict
        As returned by :func:`run_method`, for any number of methods.
    peaks : dict
        Peak memory in MiB by method name (None where it was not measured).

    Returns
    -------
    list of dict
    """
    rows = []
    for name in dict.fromkeys(run["method"] for run in runs):
        mine = [run for run in runs if run["method"] == name]
        row = {"method": name, "label": BENCHMARK_METHODS[name].label, "n_seeds": len(mine)}
        for key in METRICS + ("seconds",):
            values = np.array([run[key] for run in mine], dtype=float)
            row[f"{key}_mean"] = float(values.mean())
            row[f"{key}_std"] = float(values.std(ddof=1)) if values.size > 1 else 0.0
        row["peak_mib"] = peaks.get(name)
        rows.append(row)
    return rows


def stratified_subset(labels, max_samples, seed=0):
    """Return sorted indices of at most ``max_samples`` samples, keeping the class proportions."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(labels.shape[0])
    if max_samples is None or max_samples >= labels.shape[0]:
        return None
    subset, _ = train_test_split(indices, train_size=max_samples, stratify=labels, random_state=seed)
    return np.sort(subset)


def run_benchmark(
    dataset="digits", seeds=(0, 1, 2, 3, 4), methods=None, max_samples=None, isolate=True, keep_labels=False, log=None
):
    """Run every method over every seed and return the per-run results and the summary.

    Parameters
    ----------
    dataset : str, default="digits"
        ``"digits"``, ``"mnist"``, ``"fashion_mnist"`` or a folder with images.npy and labels.npy.
    seeds : sequence of int, default=(0, 1, 2, 3, 4)
    methods : sequence of str or None, default=None
        Keys of :data:`BENCHMARK_METHODS`; None runs all of them.
    max_samples : int or None, default=None
        Use a stratified subset of this many samples (the same for every method).
    isolate : bool, default=True
        Run each method in its own process and record its peak memory.
        Methods that share a pretraining share a process, and the second
        one's peak includes the first. Without isolation, peak memory is not
        measured (None).
    keep_labels : bool, default=False
        Keep each run's cluster ids under ``"labels"`` in its dict.
    log : callable or None
        Called with one line of progress text after each method.

    Returns
    -------
    runs : list of dict
    summary : list of dict
        See :func:`summarise`.
    """
    from kmdl.data import load_dataset

    names = list(BENCHMARK_METHODS) if methods is None else list(methods)
    unknown = [name for name in names if name not in BENCHMARK_METHODS]
    if unknown:
        raise ValueError(f"methods {unknown} not found; choose from {', '.join(BENCHMARK_METHODS)}.")
    dataset_object = load_dataset(dataset)
    if dataset_object.labels is None:
        raise ValueError(f"{dataset!r} has no labels.npy; the benchmark needs true labels to score clusters.")
    n_clusters = dataset_object.n_classes
    indices = stratified_subset(dataset_object.labels, max_samples)
    runs, peaks = [], {}
    for group in group_by_pretraining(names):
        arguments = (group, dataset, list(seeds), n_clusters, indices, keep_labels)
        if isolate:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                results = pool.submit(run_methods, *arguments).result()
        else:
            # Without a process of its own, the peak would include everything run before.
            results = [(method_runs, None) for method_runs, _ in run_methods(*arguments)]
        for name, (method_runs, peak) in zip(group, results):
            runs.extend(method_runs)
            peaks[name] = peak
            if log is not None:
                accs = ", ".join(f"{run['acc']:.3f}" for run in method_runs)
                log(f"{name}: ACC {accs}")
    return runs, summarise(runs, peaks)


def format_table(summary):
    """Return the summary as a Markdown table: method, ACC/NMI/ARI mean ± std, time, peak memory.

    With a single seed the metric cells show the value alone.
    """
    lines = [
        "| Method | ACC | NMI | ARI | Time per run (s) | Peak memory (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in summary:
        cells = [row["label"]]
        if row["n_seeds"] > 1:
            cells += [f"{row[f'{key}_mean']:.3f} ± {row[f'{key}_std']:.3f}" for key in METRICS]
        else:
            # One seed has no spread to show.
            cells += [f"{row[f'{key}_mean']:.3f}" for key in METRICS]
        seconds = row["seconds_mean"]
        cells.append(f"{seconds:.2f}" if seconds < 1 else f"{seconds:.1f}")
        cells.append("n/a" if row["peak_mib"] is None else f"{row['peak_mib']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

"""Make a parallel build (``sphinx-build -j N``) safe and evenly shared.

Sphinx reads pages in parallel by cutting the sorted list of pages into N
runs of equal length, one per process. MyST-NB executes a page while it is
read, and the pages take very different times: the results page alone runs the
whole benchmark. In alphabetical order most of the slow pages fall into the
same run, so one process works while the other waits.

Before the pages are read, this extension deals them out by their expected
execution time, ``kmdl_page_seconds`` in conf.py: slowest first, each to the
run with the least time so far that still has room. The runs are then joined
into the order Sphinx cuts. A serial build (no ``-j``) keeps Sphinx's order.

On a clean build the processes would also race to create the jupyter-cache
database, and one fails with "table settings already exists". The database is
therefore created once, in the main process, before the pages are read.

Each page's kernel also gets an equal share of the CPU threads: with N
processes on C cores, OpenMP, BLAS, Numba and TensorFlow use C // N threads
(at least one). Without the limit, every page starts one thread per core, and
the threads of two pages wait for each other. On a 2-core machine that was
busy with one other program, t-SNE took 48 s with two threads and 9 s with
one. A value that is already set in the environment is kept.
"""

import heapq
import os

#: Environment variables that set the number of threads of the pages' libraries.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)

#: Number of pages that execute at once, for pages that report it.
PROCESSES_VARIABLE = "KMDL_BUILD_PROCESSES"


def balanced_order(docnames, seconds, n_runs):
    """Return ``docnames`` reordered so that equal-length runs have similar total time.

    Parameters
    ----------
    docnames : list of str
    seconds : dict of str to float
        Expected time of each page. A page not listed counts as 0.
    n_runs : int
        Number of processes. Sphinx cuts runs of ``len(docnames) // n_runs``
        pages (at least 1), and a remainder becomes one more run.

    Returns
    -------
    list of str
        The same names, the runs one after another.
    """
    size = max(1, len(docnames) // n_runs)
    n_full = len(docnames) // size
    runs = [[] for _ in range(n_full + (1 if len(docnames) % size else 0))]
    capacity = [size] * n_full + [len(docnames) % size] * (len(runs) - n_full)
    heap = [(0.0, index) for index in range(len(runs))]
    heapq.heapify(heap)
    # Slowest first. Ties keep the given order, so the result does not depend on dict order.
    by_time = sorted(docnames, key=lambda name: -seconds.get(name, 0.0))
    for name in by_time:
        total, index = heapq.heappop(heap)
        runs[index].append(name)
        if len(runs[index]) < capacity[index]:
            heapq.heappush(heap, (total + seconds.get(name, 0.0), index))
    return [name for run in runs for name in run]


def thread_environment(n_processes, n_cpus):
    """Return the environment variables that share ``n_cpus`` threads among ``n_processes`` pages.

    Parameters
    ----------
    n_processes : int
        Pages executed at once.
    n_cpus : int or None
        CPU count, None when unknown (then one thread each).

    Returns
    -------
    dict of str to str
    """
    threads = max(1, (n_cpus or 1) // max(1, n_processes))
    return {**{name: str(threads) for name in THREAD_VARIABLES}, PROCESSES_VARIABLE: str(n_processes)}


def _before_read(app, env, docnames):
    if app.parallel <= 1 or not docnames:
        return
    # The kernels start in the reading processes, which inherit this environment.
    for name, value in thread_environment(app.parallel, os.cpu_count()).items():
        os.environ.setdefault(name, value)
    if app.config.nb_execution_mode == "cache" and app.config.nb_execution_cache_path:
        from jupyter_cache import get_cache

        # Opening the database creates its tables when they are missing.
        get_cache(app.config.nb_execution_cache_path).db
    docnames[:] = balanced_order(list(docnames), app.config.kmdl_page_seconds, app.parallel)


def setup(app):
    app.add_config_value("kmdl_page_seconds", {}, "env", types=[dict])
    app.connect("env-before-read-docs", _before_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

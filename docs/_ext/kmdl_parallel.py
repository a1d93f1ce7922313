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

Each page's kernel also gets an equal share of the CPU threads: when N pages
can execute at once on C cores, OpenMP, BLAS, Numba and TensorFlow use C // N
threads (at least one). Without the limit, every page starts one thread per
core, and the threads of two pages wait for each other: in a two-process
build on two cores, t-SNE on the results page took 24 s instead of 3 s. When
the user has set one of the variables, its value is used for all of them. The
variables are removed again when the build ends.
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


def thread_environment(n_processes, n_cpus, environ):
    """Return the variables to add to ``environ`` so that ``n_processes`` pages share ``n_cpus`` threads.

    Parameters
    ----------
    n_processes : int
        Pages that can execute at once.
    n_cpus : int or None
        CPU count, None when unknown (then one thread each).
    environ : mapping
        The current environment. Variables it sets are not returned, and
        the first of :data:`THREAD_VARIABLES` that it sets gives the
        thread count of the others.

    Returns
    -------
    dict of str to str
    """
    preset = [environ[name] for name in THREAD_VARIABLES if environ.get(name)]
    threads = preset[0] if preset else str(max(1, (n_cpus or 1) // max(1, n_processes)))
    variables = {**{name: threads for name in THREAD_VARIABLES}, PROCESSES_VARIABLE: str(n_processes)}
    return {name: value for name, value in variables.items() if not environ.get(name)}


def _before_read(app, env, docnames):
    # Sphinx reads in parallel in chunks of pages, one chunk per process, and
    # there are never more chunks than pages.
    n_processes = min(app.parallel, len(docnames))
    if n_processes <= 1:
        return
    if app.config.nb_execution_mode == "cache" and app.config.nb_execution_cache_path:
        from jupyter_cache import get_cache

        # Opening the database creates its tables when they are missing.
        get_cache(app.config.nb_execution_cache_path).db
    docnames[:] = balanced_order(list(docnames), app.config.kmdl_page_seconds, app.parallel)

    # The kernels start in the reading processes, which inherit this environment.
    added = thread_environment(n_processes, os.cpu_count(), os.environ)
    os.environ.update(added)
    app.kmdl_thread_variables = list(added)


def _remove_thread_variables(app, exception):
    # A later build in the same process, such as a live preview's, starts clean.
    for name in getattr(app, "kmdl_thread_variables", []):
        os.environ.pop(name, None)


def setup(app):
    app.add_config_value("kmdl_page_seconds", {}, "env", types=[dict])
    app.connect("env-before-read-docs", _before_read)
    app.connect("build-finished", _remove_thread_variables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

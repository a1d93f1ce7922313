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
"""

import heapq


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


def _before_read(app, env, docnames):
    if app.parallel <= 1 or not docnames:
        return
    if app.config.nb_execution_mode == "cache" and app.config.nb_execution_cache_path:
        from jupyter_cache import get_cache

        # Opening the database creates its tables when they are missing.
        get_cache(app.config.nb_execution_cache_path).db
    docnames[:] = balanced_order(list(docnames), app.config.kmdl_page_seconds, app.parallel)


def setup(app):
    app.add_config_value("kmdl_page_seconds", {}, "env", types=[dict])
    app.connect("env-before-read-docs", _before_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Make a parallel build (``sphinx-build -j N``) safe and evenly shared.

Sphinx reads pages in parallel by cutting the sorted list of pages into
chunks of about equal length (one per process for a site of this size), and
forks a process per chunk. MyST-NB executes a
page while it is read, and the pages take very different times: the results
page alone runs the whole benchmark. With chunks of equal length, the chunk
that contains the results page also contains several other pages, and it finishes
long after the others.

This extension gives Sphinx one chunk per page instead, ordered so that the
pages start slowest first by their expected execution time,
``kmdl_page_seconds`` in conf.py. A process that finishes a page takes the
slowest page still waiting, so while one process runs the results page, the
others work through the rest of the site. The chunking applies to reading
only; writing keeps Sphinx's own. A serial build (no ``-j``) keeps Sphinx's
order.

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


def slowest_first(docnames, seconds):
    """Return ``docnames`` sorted by expected time, slowest first.

    Parameters
    ----------
    docnames : list of str
    seconds : dict of str to float
        Expected time of each page. A page not listed counts as 0.

    Returns
    -------
    list of str
        Pages with equal times keep their order in ``docnames``.
    """
    return sorted(docnames, key=lambda name: -seconds.get(name, 0.0))


def start_in_order(order, n_processes):
    """Return one-page chunks that Sphinx's ``ParallelTasks`` starts in ``order``.

    ``ParallelTasks`` (sphinx/util/parallel.py, Sphinx 9) starts the first
    ``n_processes`` tasks as they are added. The others wait, and each time a
    process ends, the task added last among them starts. The waiting pages
    are therefore added in reverse. tests/test_parallel_build.py checks this
    against the installed Sphinx.

    Parameters
    ----------
    order : list of str
        Pages in the order they should start.
    n_processes : int

    Returns
    -------
    list of list of str
    """
    first, waiting = order[:n_processes], order[n_processes:]
    return [[name] for name in first + waiting[::-1]]


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


def reads_in_parallel(app):
    """Return whether Sphinx will read this build's pages in parallel.

    Sphinx reads serially, even with ``-j N``, when it cannot fork or when an
    extension is not marked safe for parallel reading (unmarked counts as not
    safe).
    """
    from sphinx.util.parallel import parallel_available

    extensions_safe = all(extension.parallel_read_safe for extension in app.extensions.values())
    return parallel_available and app.parallel > 1 and extensions_safe


def _before_read(app, env, docnames):
    _read_plan.update(docnames=None, seconds=None)
    # No more pages execute at once than there are processes or pages.
    n_processes = min(app.parallel, len(docnames))
    if n_processes <= 1 or not reads_in_parallel(app):
        return
    if app.config.nb_execution_mode == "cache" and app.config.nb_execution_cache_path:
        from jupyter_cache import get_cache

        # Opening the database creates its tables when they are missing.
        get_cache(app.config.nb_execution_cache_path).db
    docnames[:] = slowest_first(list(docnames), app.config.kmdl_page_seconds)
    # Sphinx passes this same list to make_chunks when it reads in parallel.
    # The chunks are cut there, after every handler of this event has run.
    _read_plan.update(docnames=docnames, seconds=app.config.kmdl_page_seconds)

    # The kernels start in the reading processes, which inherit this environment.
    added = thread_environment(n_processes, os.cpu_count(), os.environ)
    os.environ.update(added)
    app.kmdl_thread_variables = list(added)


def _remove_thread_variables(app, exception):
    # A later build in the same process, such as a live preview's, starts clean.
    for name in getattr(app, "kmdl_thread_variables", []):
        os.environ.pop(name, None)
    _read_plan.update(docnames=None, seconds=None)


#: The list of pages this build is about to read, and their expected times.
_read_plan = {"docnames": None, "seconds": None}

#: Sphinx's make_chunks, which the extension calls for every other list.
_sphinx_make_chunks = None


def _make_chunks(arguments, nproc, *args, **kwargs):
    """Return one-page chunks, slowest first, for the pages being read, else Sphinx's own chunks."""
    if arguments is _read_plan["docnames"]:
        order = slowest_first(list(arguments), _read_plan["seconds"])
        _read_plan.update(docnames=None, seconds=None)
        return start_in_order(order, nproc)
    return _sphinx_make_chunks(arguments, nproc, *args, **kwargs)


def setup(app):
    global _sphinx_make_chunks
    import sphinx.builders

    # Sphinx's builders call make_chunks through their module's namespace.
    if sphinx.builders.make_chunks is not _make_chunks:
        _sphinx_make_chunks = sphinx.builders.make_chunks
        sphinx.builders.make_chunks = _make_chunks
    app.add_config_value("kmdl_page_seconds", {}, "env", types=[dict])
    app.connect("env-before-read-docs", _before_read)
    app.connect("build-finished", _remove_thread_variables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

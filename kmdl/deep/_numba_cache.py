"""Keep the machine code that Numba compiles for UMAP on disk.

UMAP's functions are compiled by Numba on first use, and most of them are
declared without Numba's disk cache, so every new Python process compiles
them again. On the 1,797 digits with one CPU thread, that compilation took
about 10 s of a 17 s ``fit`` and about 4 s of the first ``transform``. The
site builds each page, and the benchmark each method, in a process of its
own, so the cost came back every time.

Numba can store the compiled code on disk the way Python stores bytecode:
under ``NUMBA_CACHE_DIR`` when that variable names a usable folder, else in
the module's ``__pycache__`` folder, else, when that is read-only, in the
user's cache folder. The cache is keyed on the source file and the CPU, so a
changed UMAP or another machine compiles afresh. Turning it on changes no
result: the embedding is the same.
"""

import functools
import sys


@functools.cache
def cache_umap_compilation():
    """Turn on Numba's disk cache for every Numba function of the loaded UMAP modules.

    Runs once per process; later calls return the first result. A function
    that UMAP already caches keeps its cache.

    Returns
    -------
    int
        How many of UMAP's Numba functions now use the disk cache.
    """
    import umap  # noqa: F401  (loads umap.umap_, umap.layouts, umap.utils and the others)
    from numba.core.dispatcher import Dispatcher

    dispatchers = {}
    # Iterate over a copy, because another thread may import a module meanwhile.
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "umap" or name.startswith("umap.")):
            continue
        for value in list(vars(module).values()):
            # A function imported into several modules is counted once.
            if isinstance(value, Dispatcher):
                dispatchers[id(value)] = value
    for dispatcher in dispatchers.values():
        dispatcher.enable_caching()
    return len(dispatchers)

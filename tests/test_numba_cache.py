"""The disk cache of UMAP's compiled functions."""

import os
import subprocess
import sys

import numpy as np
import umap.umap_
from numba.core.caching import FunctionCache

from kmdl.deep._numba_cache import cache_umap_compilation

FIT_SMALL_UMAP = """
import numpy as np, umap
from kmdl.deep._numba_cache import cache_umap_compilation
assert cache_umap_compilation() > 0
data = np.random.default_rng(0).normal(size=(40, 5))
model = umap.UMAP(n_neighbors=5, n_components=2, init="random", random_state=0).fit(data)
np.save({out!r}, np.vstack([model.embedding_, model.transform(data[:5])]))
"""


def run_small_umap(out, cache_dir):
    # NUMBA_CACHE_DIR sends the cache to cache_dir instead of UMAP's own folder.
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    code = FIT_SMALL_UMAP.format(out=str(out))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr[-2000:]
    return np.load(out)


def test_second_process_loads_compiled_umap(tmp_path):
    cache_dir = tmp_path / "numba"
    first = run_small_umap(tmp_path / "first.npy", cache_dir)
    stored = {path: path.stat().st_mtime_ns for path in cache_dir.rglob("*") if path.is_file()}
    second = run_small_umap(tmp_path / "second.npy", cache_dir)

    names = {path.name for path in stored}
    # The first process stored the functions of fit and transform.
    assert any(name.startswith("layouts.") and name.endswith(".nbi") for name in names)
    assert any(name.startswith("umap_.") and name.endswith(".nbi") for name in names)
    # The second loaded them: it compiled nothing, so it wrote no file.
    assert {path: path.stat().st_mtime_ns for path in cache_dir.rglob("*") if path.is_file()} == stored
    # And the cached code gives the same numbers.
    np.testing.assert_array_equal(first, second)


def test_cache_turned_on_once():
    count = cache_umap_compilation()

    assert count > 10
    assert isinstance(umap.umap_.smooth_knn_dist._cache, FunctionCache)
    assert cache_umap_compilation() == count

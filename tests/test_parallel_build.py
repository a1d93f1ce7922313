"""docs/_ext/kmdl_parallel.py: the page order that balances a parallel build."""

import importlib.util
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"
spec = importlib.util.spec_from_file_location("kmdl_parallel", EXT_DIR / "kmdl_parallel.py")
parallel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parallel)

# The execution times of a clean build of the site, in seconds.
SECONDS = {
    "results": 225, "relationships/pseudo-labels": 95, "relationships/initialisation": 62,
    "cnn": 35, "relationships/evaluation": 25, "rnn": 22, "own-images": 21, "background": 21,
    "differences": 20, "code-example": 14, "terminology": 10, "index": 9, "kmeans": 8,
    "build-times": 1,
}
PAGES = sorted([*SECONDS, "api", "relationships/index"])


def sphinx_runs(docnames, n_runs):
    """Cut the list the way Sphinx's make_chunks does for -j n_runs."""
    size = max(1, len(docnames) // n_runs)
    return [docnames[start:start + size] for start in range(0, len(docnames), size)]


def run_seconds(docnames, n_runs):
    return [sum(SECONDS.get(name, 0) for name in run) for run in sphinx_runs(docnames, n_runs)]


def test_same_pages_once_each():
    order = parallel.balanced_order(PAGES, SECONDS, 2)
    assert sorted(order) == PAGES


@pytest.mark.parametrize("n_runs", [2, 3, 4])
def test_beats_alphabetical_order(n_runs):
    balanced = max(run_seconds(parallel.balanced_order(PAGES, SECONDS, n_runs), n_runs))
    alphabetical = max(run_seconds(PAGES, n_runs))
    assert balanced < alphabetical


def test_two_runs_are_nearly_even():
    first, second = run_seconds(parallel.balanced_order(PAGES, SECONDS, 2), 2)
    # The results page takes 225 s of 568 s, and the other pages can be split evenly around it.
    assert abs(first - second) <= 10


def test_remainder_run_and_unknown_pages():
    pages = [f"page{index}" for index in range(7)]
    order = parallel.balanced_order(pages, {"page6": 50.0}, 3)
    assert sorted(order) == pages
    assert [len(run) for run in sphinx_runs(order, 3)] == [2, 2, 2, 1]


@pytest.mark.parametrize(("n_processes", "n_cpus", "threads"), [(2, 2, "1"), (2, 8, "4"), (3, 8, "2"), (4, 2, "1"), (2, None, "1")])
def test_thread_share(n_processes, n_cpus, threads):
    environment = parallel.thread_environment(n_processes, n_cpus, {})
    assert {environment[name] for name in parallel.THREAD_VARIABLES} == {threads}
    assert environment[parallel.PROCESSES_VARIABLE] == str(n_processes)


def test_preset_thread_count_used_for_all():
    environment = parallel.thread_environment(2, 2, {"OMP_NUM_THREADS": "3", "PATH": "/bin"})
    assert "OMP_NUM_THREADS" not in environment
    assert environment["OPENBLAS_NUM_THREADS"] == "3"
    assert environment["TF_NUM_INTRAOP_THREADS"] == "3"


def test_preset_variables_not_overwritten():
    preset = {name: "2" for name in parallel.THREAD_VARIABLES}
    preset[parallel.PROCESSES_VARIABLE] = "5"
    assert parallel.thread_environment(2, 2, preset) == {}


def test_small_case_split_is_optimal():
    seconds = {"a": 9, "b": 7, "c": 5, "d": 3, "e": 2, "f": 1}
    order = parallel.balanced_order(sorted(seconds), seconds, 2)
    best = min(
        max(sum(seconds[name] for name in half), sum(seconds.values()) - sum(seconds[name] for name in half))
        for half in itertools.combinations(seconds, 3)
    )
    first, second = (sum(seconds[name] for name in run) for run in sphinx_runs(order, 2))
    assert max(first, second) == best


PAGE = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Page {index}

```{{code-cell}} ipython3
import os

print("page {index} ran with", os.environ.get("OMP_NUM_THREADS"), "OpenMP threads")
```
"""


def test_clean_parallel_build(tmp_path):
    """Two processes read and execute the pages from an empty cache, and a rebuild reuses it."""
    pytest.importorskip("myst_nb", reason="the docs extras (myst-nb) are not installed")
    src, cache = tmp_path / "src", tmp_path / "cache"
    src.mkdir()
    names = [f"page{index}" for index in range(6)]
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT_DIR)!r})\n"
        'extensions = ["myst_nb", "kmdl_parallel"]\nexclude_patterns = ["_build"]\n'
        f'nb_execution_mode = "cache"\nnb_execution_cache_path = {str(cache)!r}\n'
        "nb_execution_raise_on_error = True\n"
        'kmdl_page_seconds = {"page5": 10, "page4": 5}\n'
    )
    (src / "index.md").write_text("# Index\n\n```{toctree}\n" + "\n".join(names) + "\n```\n")
    for index, name in enumerate(names):
        (src / f"{name}.md").write_text(PAGE.format(index=index))

    def build(outdir):
        command = [sys.executable, "-m", "sphinx", "-W", "-j", "2", "-b", "html", str(src), str(outdir)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    log = build(tmp_path / "html")
    assert len(re.findall(r"Executed notebook", log)) == len(names)
    threads = os.environ.get("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // 2)))
    for index, name in enumerate(names):
        assert f"page {index} ran with {threads} OpenMP threads" in (tmp_path / "html" / f"{name}.html").read_text()

    # One changed page executes alone, so it keeps every thread.
    (src / "page0.md").write_text(PAGE.format(index=0).replace("ran with", "ran again with"))
    log = build(tmp_path / "html")
    assert len(re.findall(r"Executed notebook", log)) == 1
    threads = os.environ.get("OMP_NUM_THREADS", "None")
    assert f"page 0 ran again with {threads} OpenMP threads" in (tmp_path / "html" / "page0.html").read_text()
    # A fresh output folder with the same cache executes nothing.
    assert "Executed notebook" not in build(tmp_path / "html-again")

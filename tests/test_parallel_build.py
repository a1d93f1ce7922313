"""docs/_ext/kmdl_parallel.py: the page order that balances a parallel build."""

import importlib.util
import os
import re
import subprocess
import sys
import time
from types import SimpleNamespace
from pathlib import Path

import pytest

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"
spec = importlib.util.spec_from_file_location("kmdl_parallel", EXT_DIR / "kmdl_parallel.py")
parallel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parallel)

# Execution times of the pages in a clean build of the site, in seconds.
SECONDS = {
    "results": 225, "relationships/pseudo-labels": 95, "relationships/initialisation": 62,
    "cnn": 35, "relationships/evaluation": 25, "rnn": 22, "own-images": 21, "background": 21,
    "differences": 20, "code-example": 14, "terminology": 10, "index": 9, "kmeans": 8,
    "build-times": 1,
}
PAGES = sorted([*SECONDS, "api", "relationships/index"])

# Some tests compare with Sphinx's own code, which only the docs extras install.
needs_sphinx = pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None, reason="Sphinx is not installed (pip install -e '.[docs]')"
)


def finish_time(order, n_processes):
    """Return when the last page ends if each page starts, in ``order``, on the first free process."""
    free_at = [0.0] * n_processes
    for name in order:
        soonest = free_at.index(min(free_at))
        free_at[soonest] += SECONDS.get(name, 0)
    return max(free_at)


def equal_chunks_finish_time(docnames, n_processes):
    """Return when the last page ends with Sphinx's own chunks of equal length."""
    from sphinx.util.parallel import make_chunks

    chunk_seconds = [sum(SECONDS.get(name, 0) for name in chunk) for chunk in make_chunks(docnames, n_processes)]
    free_at = [0.0] * n_processes
    for seconds in chunk_seconds:
        free_at[free_at.index(min(free_at))] += seconds
    return max(free_at)


def test_one_page_per_chunk_each_once():
    chunks = parallel.start_in_order(parallel.slowest_first(PAGES, SECONDS), 2)
    assert all(len(chunk) == 1 for chunk in chunks)
    assert sorted(name for chunk in chunks for name in chunk) == PAGES


def test_slowest_first_keeps_order_of_ties():
    assert parallel.slowest_first(["b", "a", "c"], {"c": 2.0}) == ["c", "b", "a"]


@needs_sphinx
@pytest.mark.parametrize("n_processes", [2, 3, 4])
def test_finishes_sooner_than_equal_chunks(n_processes):
    order = parallel.slowest_first(PAGES, SECONDS)
    total = sum(SECONDS.values())
    ours = finish_time(order, n_processes)

    assert ours < equal_chunks_finish_time(PAGES, n_processes)
    # On these times, slowest first ends at most one other page after the ideal.
    assert ours <= max(SECONDS["results"], total / n_processes) + max(
        seconds for name, seconds in SECONDS.items() if name != "results"
    )


def read_slowly(chunk):
    """Stand in for reading a page. A real page takes seconds, so none ends while Sphinx adds the others."""
    time.sleep(0.5)


@needs_sphinx
@pytest.mark.skipif(not hasattr(os, "fork"), reason="Sphinx reads in parallel only where it can fork")
def test_sphinx_starts_pages_in_planned_order(monkeypatch):
    """Sphinx's own ParallelTasks starts the chunks in the order the extension planned."""
    import multiprocessing.context

    from sphinx.util.parallel import ParallelTasks

    started = []
    start = multiprocessing.context.ForkProcess.start

    def record_start(process):
        # ParallelTasks runs each task as Process(target, args=(pipe, function, chunk)).
        started.append(process._args[2][0])
        start(process)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", record_start)
    seconds = {"a": 6, "b": 5, "c": 4, "d": 3, "e": 2, "f": 1}
    order = parallel.slowest_first(sorted(seconds), seconds)
    tasks = ParallelTasks(2)
    for chunk in parallel.start_in_order(order, 2):
        tasks.add_task(read_slowly, chunk)
    tasks.join()

    assert started == order


def fake_app(parallel_jobs, safe_flags):
    extensions = {f"ext{index}": SimpleNamespace(parallel_read_safe=flag) for index, flag in enumerate(safe_flags)}
    return SimpleNamespace(parallel=parallel_jobs, extensions=extensions)


@needs_sphinx
@pytest.mark.skipif(not hasattr(os, "fork"), reason="Sphinx reads in parallel only where it can fork")
def test_parallel_read_needs_safe_extensions():
    assert parallel.reads_in_parallel(fake_app(2, [True, True]))
    # Sphinx reads serially when an extension does not declare itself safe.
    assert not parallel.reads_in_parallel(fake_app(2, [True, None]))
    assert not parallel.reads_in_parallel(fake_app(2, [False]))
    assert not parallel.reads_in_parallel(fake_app(1, [True]))


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
        'kmdl_page_seconds = {"page5": 10, "page4": 5, "page3": 2}\n'
        # Log every chunk that Sphinx hands to its processes, reading and writing.
        "import sphinx.util.parallel as _parallel\n"
        "_add_task = _parallel.ParallelTasks.add_task\n"
        "def _logged_add_task(self, function, chunk=None, result=None):\n"
        "    phase = 'read' if isinstance(chunk[0], str) else 'write'\n"
        "    names = [item if phase == 'read' else item[0] for item in chunk]\n"
        f"    with open({str(tmp_path / 'chunks.txt')!r}, 'a') as log:\n"
        "        log.write(phase + ' ' + ' '.join(names) + '\\n')\n"
        "    return _add_task(self, function, chunk, result)\n"
        "_parallel.ParallelTasks.add_task = _logged_add_task\n"
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
    chunks = [line.split() for line in (tmp_path / "chunks.txt").read_text().splitlines()]
    reading = [chunk[1:] for chunk in chunks if chunk[0] == "read"]
    # One page per chunk: the two slowest first, then the rest for ParallelTasks to start slowest first.
    assert reading == [["page5"], ["page4"], ["page2"], ["page1"], ["page0"], ["index"], ["page3"]]
    # Writing keeps Sphinx's own chunks of several pages.
    assert any(len(chunk) > 2 for chunk in chunks if chunk[0] == "write")
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

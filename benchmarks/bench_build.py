"""Measure how long the kmdl site takes to build, and write the figures as JSON.

Three builds of every language (English first, then each catalog under
docs/locale), each into a temporary folder with its own jupyter-cache:

1. clean: empty cache, output and doctrees, so English executes every page;
2. no change: the same command again, with nothing changed;
3. fresh output, warm cache: new output and doctrees, the cache from step 1,
   which is what a CI run with a restored cache does.

The builds use a copy of the last commit (``git archive HEAD``), with that
copy first on PYTHONPATH so the pages' kernels import its kmdl: edits made to
the working tree while the benchmark runs change nothing. For each build it
records the wall time and how many notebooks MyST-NB executed, read from
Sphinx's log. The second language must execute nothing.
The figures go to docs/_data/build-times.json, which docs/build-times.md shows.
The measured times depend on the machine, which the JSON records too.

Run with ``nox -s bench_build`` or ``python benchmarks/bench_build.py``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The same number of processes as ``nox -s docs``.
SPHINX_JOBS = os.environ.get("KMDL_SPHINX_JOBS", "auto")
DEFAULT_OUTPUT = ROOT / "docs" / "_data" / "build-times.json"

# Targets for a 2-core machine, shown next to the figures.
TARGETS = {"clean_seconds": 300, "no_change_seconds": 30, "second_language_executed": 0}

EXECUTED = re.compile(r"Executed notebook in ")
FROM_CACHE = re.compile(r"Using cached notebook: ")


def site_languages(docs):
    """Return English followed by every language that has a catalog in docs/locale."""
    locale = docs / "locale"
    translated = sorted(
        child.name
        for child in locale.iterdir()
        if (child / "LC_MESSAGES").is_dir()
    ) if locale.is_dir() else []
    return ["en"] + [language for language in translated if language != "en"]


def export_commit(target):
    """Write the files of the last commit to ``target``; return the short commit id."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return git_commit()


def build(language, workdir, cache, first_language):
    """Run sphinx-build for one language; return wall seconds and notebook counts."""
    options = ["-D", f"language={language}"]
    if language != first_language:
        options += ["-D", "kmdl_i18n_cached_only=1"]
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-j",
        SPHINX_JOBS,
        "-b",
        "html",
        *options,
        "-d",
        str(workdir / "doctrees" / language),
        str(workdir / "source" / "docs"),
        str(workdir / "html" / language),
    ]
    source = workdir / "source"
    python_path = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, KMDL_NB_CACHE=str(cache), PYTHONPATH=python_path)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=source)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stderr.write(log[-5000:])
        raise SystemExit(f"sphinx-build for {language} failed with exit code {result.returncode}")
    return {
        "seconds": round(seconds, 1),
        "executed": len(EXECUTED.findall(log)),
        "from_cache": len(FROM_CACHE.findall(log)),
    }


def build_all(languages, workdir, cache):
    """Build every language in order; return per-language figures and the total."""
    figures = {language: build(language, workdir, cache, languages[0]) for language in languages}
    total = round(sum(entry["seconds"] for entry in figures.values()), 1)
    return {"total_seconds": total, "languages": figures}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions(names):
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit():
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or None


def page_seconds(cache, docs):
    """Return the execution time of each page in the jupyter-cache, in seconds, by page name.

    The names are paths below ``docs`` without the suffix, as Sphinx names
    pages and as ``kmdl_page_seconds`` in docs/conf.py lists them.
    """
    from jupyter_cache import get_cache

    seconds = {}
    for record in get_cache(str(cache)).list_cache_records():
        path = Path(record.uri)
        if docs in path.parents:
            name = path.relative_to(docs).with_suffix("").as_posix()
            seconds[name] = round(record.data.get("execution_seconds", 0.0), 1)
    return dict(sorted(seconds.items(), key=lambda item: -item[1]))


def measure(workdir, languages):
    """Run the clean, no-change and warm-cache builds in ``workdir``; return their figures."""
    cache = workdir / "jupyter_cache"
    print(f"clean build of {', '.join(languages)} ...", flush=True)
    clean = build_all(languages, workdir, cache)
    clean["page_seconds"] = page_seconds(cache, workdir / "source" / "docs")
    print(f"  {clean['total_seconds']} s", flush=True)

    print("rebuild with nothing changed ...", flush=True)
    no_change = build_all(languages, workdir, cache)
    print(f"  {no_change['total_seconds']} s", flush=True)

    print("fresh output with the warm cache ...", flush=True)
    shutil.rmtree(workdir / "html")
    shutil.rmtree(workdir / "doctrees")
    warm = build_all(languages, workdir, cache)
    print(f"  {warm['total_seconds']} s", flush=True)
    return {"clean": clean, "no_change": no_change, "warm_cache": warm}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"JSON file to write (default: {DEFAULT_OUTPUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)

    load_average = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="kmdl-bench-build-") as tmp:
        workdir = Path(tmp)
        commit = export_commit(workdir / "source")
        languages = site_languages(workdir / "source" / "docs")
        builds = measure(workdir, languages)
    record = {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {
            "cpu_count": os.cpu_count(),
            # Sphinx turns "auto" into the CPU count.
            "sphinx_jobs": os.cpu_count() if SPHINX_JOBS == "auto" else int(SPHINX_JOBS),
            "cpu_model": cpu_model(),
            "load_average_at_start": load_average,
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
        },
        "versions": versions(["sphinx", "myst-nb", "sphinx-book-theme", "tensorflow"]),
        "languages": languages,
        "targets": TARGETS,
        "builds": builds,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")

    executed_later = sum(
        builds["clean"]["languages"][language]["executed"] for language in languages[1:]
    )
    failures = []
    if builds["clean"]["total_seconds"] > TARGETS["clean_seconds"]:
        failures.append(f"clean build took {builds['clean']['total_seconds']} s")
    if builds["no_change"]["total_seconds"] > TARGETS["no_change_seconds"]:
        failures.append(f"rebuild with nothing changed took {builds['no_change']['total_seconds']} s")
    if executed_later > TARGETS["second_language_executed"]:
        failures.append(f"languages after English executed {executed_later} notebooks")
    for failure in failures:
        print(f"over target: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Developer tasks. Run ``python3 -m pip install nox`` once, then ``nox -s NAME``.

Sessions:
    tests  the test suite (pytest)
    docs   the site in English and Chinese, every page executed once, into
           docs/_build/html/{en,zh_CN}, then the tests on the built HTML
    i18n   check the Chinese catalogs against the English pages;
           ``nox -s i18n -- --update`` first brings new messages into them
"""

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
DOCS_BUILD = DOCS / "_build"
SITE = DOCS_BUILD / "html"
# English first: it executes the pages, and the later builds reuse its outputs.
SITE_LANGUAGES = ["en", "zh_CN"]
TRANSLATIONS = ["zh_CN"]
nox.options.sessions = ["tests", "docs"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session):
    """Run the test suite; extra arguments go to pytest."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def docs(session):
    """Build the site in every language, then run the tests on the built HTML.

    The English build executes the pages into the jupyter-cache (KMDL_NB_CACHE,
    by default docs/_build/.jupyter_cache). The Chinese build reads the same
    cache and fails if it has to execute a page. Extra arguments go to every
    sphinx-build run.
    """
    session.install("-e", ".[docs,test]")
    cache = os.environ.get("KMDL_NB_CACHE", str(DOCS_BUILD / ".jupyter_cache"))
    for language in SITE_LANGUAGES:
        options = ["-D", f"language={language}"]
        if language != SITE_LANGUAGES[0]:
            options += ["-D", "kmdl_i18n_cached_only=1"]
        session.run(
            "sphinx-build",
            "-W",
            "--keep-going",
            "-b",
            "html",
            *options,
            "-d",
            str(DOCS_BUILD / "doctrees" / language),
            "docs",
            str(SITE / language),
            *session.posargs,
            env={"KMDL_NB_CACHE": cache},
        )
    # The root page sends a reader to the language their browser prefers.
    shutil.copyfile(DOCS / "root" / "index.html", SITE / "index.html")
    session.run("pytest", "tests/site", env={"KMDL_SITE": str(SITE)})


@nox.session
def i18n(session):
    """Check that the Chinese catalogs are complete for the English pages.

    Writes the message templates (.pot) of the English pages, then fails when a
    catalog in docs/locale misses a message, keeps one the pages dropped, or has
    an empty or fuzzy translation. ``nox -s i18n -- --update`` first runs
    sphinx-intl update, which adds the new messages (empty, or fuzzy with a
    guess) for a translator to fill in. Pages are not executed again when the
    jupyter-cache of an earlier docs build is there.
    """
    session.install("-e", ".[docs]")
    update = "--update" in session.posargs
    templates = DOCS_BUILD / "gettext"
    # Templates of removed pages must not linger from an earlier run.
    shutil.rmtree(templates, ignore_errors=True)
    cache = os.environ.get("KMDL_NB_CACHE", str(DOCS_BUILD / ".jupyter_cache"))
    session.run(
        "sphinx-build",
        "-q",
        "-b",
        "gettext",
        "docs",
        str(templates),
        env={"KMDL_NB_CACHE": cache},
    )
    for language in TRANSLATIONS:
        if update:
            session.run(
                "sphinx-intl", "update", "-p", str(templates), "-l", language, "-d", "docs/locale"
            )
        session.run(
            "python", "docs/_ext/kmdl_i18n/catalogs.py", str(templates), "docs/locale", language
        )

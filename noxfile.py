"""Developer tasks. Run ``python3 -m pip install nox`` once, then ``nox -s NAME``.

Sessions:
    tests  the test suite (pytest)
    docs   the site in English and Chinese, every page executed once, into
           docs/_build/html/{en,zh_CN}, then the tests on the built HTML
    i18n   check the Chinese catalogs against the English pages;
           ``nox -s i18n -- --update`` first brings new messages into them
    browser  the built site in Chromium (run docs first)
    serve  a live preview of the site on http://127.0.0.1:8000
    linkcheck  links to other hosts (needs the network)
    bench_build  measure build times into docs/_data/build-times.json
    bench  the clustering benchmark into benchmarks/results/
           (``nox -s bench -- --seeds 5 --dataset digits``)
"""

import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
DOCS_BUILD = DOCS / "_build"
SITE = DOCS_BUILD / "html"
# English first: it executes the pages, and the later builds reuse its outputs.
SITE_LANGUAGES = ["en", "zh_CN"]
TRANSLATIONS = ["zh_CN"]
# Processes per sphinx-build, one per CPU by default. MyST-NB executes a page
# while Sphinx reads it, so several pages execute at once.
# docs/_ext/kmdl_parallel.py shares the slow pages out evenly and limits each
# page to its share of the CPU threads. KMDL_SPHINX_JOBS=1 builds in one
# process, with every core for each page.
SPHINX_JOBS = os.environ.get("KMDL_SPHINX_JOBS", "auto")
nox.options.sessions = ["tests", "docs"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session):
    """Run the test suite; extra arguments go to pytest.

    The docs extra is installed too, so the tests of the Sphinx extensions
    (execution cache key, glue in translated text) run here instead of
    skipping. The browser tests need a built site and Chromium, so they run
    in the browser session.
    """
    session.install("-e", ".[test,docs]")
    session.run("pytest", "--ignore=tests/browser", *session.posargs)


@nox.session
def docs(session):
    """Build the site in every language, then run the tests on the built HTML.

    The English build executes the pages into the jupyter-cache (KMDL_NB_CACHE,
    by default docs/_build/.jupyter_cache). The Chinese build reads the same
    cache and fails if it has to execute a page. Extra arguments go to every
    sphinx-build run. Installs Debian's fonts-noto-cjk when kmdl finds no font
    with Chinese glyphs, because the English build draws the Chinese figures too.
    """
    session.install("-e", ".[docs,test]")
    # The output may hold matplotlib's notes too, so the result line has a prefix.
    output = session.run(
        "python", "-c",
        "from kmdl.figures.languages import cjk_font_family; print('cjk font:', cjk_font_family() or '')",
        silent=True,
    )
    # With --install-only nox runs nothing and returns None: install the font then.
    lines = output.splitlines() if output else []
    fonts = [line.removeprefix("cjk font:").strip() for line in lines if line.startswith("cjk font:")]
    if not any(fonts):
        install_debian_packages(session, DOCS_DEBIAN_PACKAGES, npm=False)
    cache = os.environ.get("KMDL_NB_CACHE", str(DOCS_BUILD / ".jupyter_cache"))
    for language in SITE_LANGUAGES:
        options = ["-D", f"language={language}"]
        if language != SITE_LANGUAGES[0]:
            options += ["-D", "kmdl_i18n_cached_only=1"]
        session.run(
            "sphinx-build",
            "-W",
            "--keep-going",
            "-j",
            SPHINX_JOBS,
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
    # sphinx.po also contains theme strings that no template of ours produces,
    # and sphinx-intl update would mark them obsolete, so it is kept by hand.
    page_templates = DOCS_BUILD / "gettext-pages"
    if update:
        shutil.rmtree(page_templates, ignore_errors=True)
        shutil.copytree(templates, page_templates, ignore=shutil.ignore_patterns("sphinx.pot"))
    for language in TRANSLATIONS:
        if update:
            session.run(
                "sphinx-intl", "update", "-p", str(page_templates), "-l", language, "-d", "docs/locale"
            )
        session.run(
            "python", "docs/_ext/kmdl_i18n/catalogs.py", str(templates), "docs/locale", language
        )


# Debian packages for the browser tests. Playwright drives Debian's Chromium
# because no browser can be downloaded at install time, and the CJK font renders
# the Chinese pages. The emoji font draws the status marks in the execution
# table of the build-times page. npm, which installs axe-core, is only installed
# from Debian when no npm is on PATH, because a Node.js from elsewhere brings
# its own.
BROWSER_DEBIAN_PACKAGES = ["chromium", "fonts-noto-cjk", "fonts-noto-color-emoji"]
# The font that kmdl.figures draws the Chinese figures with, in the docs session.
# Read the Docs installs it from build.apt_packages in .readthedocs.yaml,
# because its builds have no root for apt-get.
DOCS_DEBIAN_PACKAGES = ["fonts-noto-cjk"]


def install_debian_packages(session, packages, npm=True):
    """Install the missing packages (and npm when asked and none is on PATH) with apt-get.

    Off Debian and Ubuntu (no dpkg-query) nothing is installed: the figures
    then use any CJK font they find, and the browser session reports what is missing.
    """
    if shutil.which("dpkg-query") is None:
        if npm and shutil.which("npm") is None:
            session.error("npm is not on PATH: install Node.js with npm, then run this session again.")
        session.warn(f"Not a Debian system: make sure {', '.join(packages)} or equivalents are installed.")
        return
    missing = []
    for package in packages:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if status.stdout != "install ok installed":
            missing.append(package)
    if npm and shutil.which("npm") is None:
        missing.append("npm")
    if not missing:
        return
    if shutil.which("apt-get") is None:
        session.error(f"Install {' '.join(missing)} with your system's package manager.")
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        names = " ".join(missing)
        session.error(
            f"Missing Debian packages: {names}. There is no sudo here, so run "
            f"`apt-get install {names}` as root, then run this session again."
        )
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run(*sudo, "apt-get", "update", "-q", external=True, env=env)
    session.run(*sudo, "apt-get", "install", "-y", "-q", *missing, external=True, env=env)


@nox.session
def browser(session):
    """Test the built site (nox -s docs first) in Chromium and on its HTML files.

    Installs Debian's chromium and fonts-noto-cjk when missing, and axe-core
    from npm into tests/browser/node_modules. Every page of every language is
    loaded in light and dark mode; screenshots go to docs/_build/screenshots.
    KMDL_SITE selects another built site. Extra arguments go to pytest.
    """
    install_debian_packages(session, BROWSER_DEBIAN_PACKAGES)
    # The tests read built files and drive Chromium. They import neither kmdl
    # nor Sphinx, so the venv skips TensorFlow and its 3 GB.
    extras = nox.project.load_toml(ROOT / "pyproject.toml")["project"]["optional-dependencies"]
    session.install(*extras["browser"])
    session.run(
        "npm", "ci", "--no-audit", "--no-fund", "--prefix", "tests/browser", external=True
    )
    env = {
        "KMDL_BROWSER_REQUIRED": "1",
        "KMDL_SITE": os.environ.get("KMDL_SITE", str(SITE)),
    }
    # tests/conftest.py imports kmdl, which this venv does not have.
    session.run(
        "pytest", "--confcutdir=tests/browser", "tests/browser", *session.posargs, env=env
    )


@nox.session
def serve(session):
    """Preview the site while writing: rebuild on each change, serve on 127.0.0.1:8000.

    Builds English only (``nox -s serve -- -D language=zh_CN`` for Chinese)
    into docs/_build/serve, and rebuilds when docs/ or kmdl/ change. Pages run
    again only when their code or the kmdl sources change.
    """
    session.install("-e", ".[docs,serve]")
    cache = os.environ.get("KMDL_NB_CACHE", str(DOCS_BUILD / ".jupyter_cache"))
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--watch",
        "kmdl",
        # MyST-NB writes executed notebooks and images under docs/_build.
        "--ignore",
        str(DOCS_BUILD / "*"),
        "-d",
        str(DOCS_BUILD / "doctrees" / "serve"),
        *session.posargs,
        "docs",
        str(DOCS_BUILD / "serve"),
        env={"KMDL_NB_CACHE": cache},
    )


@nox.session
def linkcheck(session):
    """Check the links to other hosts with Sphinx's linkcheck builder (needs the network).

    Links inside the site are checked offline by tests/browser/test_built_html.py
    (nox -s browser). The pages' outputs come from the jupyter-cache of the
    last docs build when it is there.
    """
    session.install("-e", ".[docs]")
    cache = os.environ.get("KMDL_NB_CACHE", str(DOCS_BUILD / ".jupyter_cache"))
    session.run(
        "sphinx-build",
        "-b",
        "linkcheck",
        "-d",
        str(DOCS_BUILD / "doctrees" / "linkcheck"),
        "docs",
        str(DOCS_BUILD / "linkcheck"),
        *session.posargs,
        env={"KMDL_NB_CACHE": cache},
    )


@nox.session
def bench_build(session):
    """Time a clean build, a no-change rebuild and a warm-cache build of every language.

    Writes docs/_data/build-times.json, which docs/build-times.md shows. Takes
    several minutes; it builds in a temporary folder and leaves docs/_build alone.
    """
    session.install("-e", ".[docs]")
    session.run("python", "benchmarks/bench_build.py", *session.posargs)


@nox.session
def bench(session):
    """Run the clustering benchmark; extra arguments go to benchmarks/bench_clustering.py.

    Prints the table of ACC, NMI and ARI over seeds, time and peak memory, and
    writes JSON and CSV to benchmarks/results/. For example
    ``nox -s bench -- --seeds 5`` or ``nox -s bench -- --dataset mnist``.
    """
    session.install("-e", ".")
    session.run("python", "benchmarks/bench_clustering.py", *session.posargs)

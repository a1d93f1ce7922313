"""Fixtures for the browser tests: the built site, a loopback server and Chromium.

The tests read the site from KMDL_SITE (default docs/_build/html), serve it with
Python's http.server on 127.0.0.1 and drive Debian's Chromium through
Playwright. ``nox -s browser`` sets KMDL_BROWSER_REQUIRED=1, which turns a
missing site, browser or axe-core into a failure; elsewhere they skip the test.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import threading
from pathlib import Path

import pytest

import sitemap

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("KMDL_CHROMIUM", "/usr/bin/chromium")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get("KMDL_SCREENSHOTS", sitemap.ROOT / "docs" / "_build" / "screenshots")
)
REQUIRED = os.environ.get("KMDL_BROWSER_REQUIRED") == "1"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Without Playwright (as in ``nox -s tests``) only the checks on the HTML files run.
if importlib.util.find_spec("playwright") is None:
    collect_ignore = ["test_pages.py", "test_site.py"]


def unavailable(reason):
    """Fail under ``nox -s browser`` and skip elsewhere."""
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


LANGUAGES = sitemap.find_languages(sitemap.site_root())
PAGES = [page for language in LANGUAGES for page in sitemap.find_pages(language)]


def pytest_generate_tests(metafunc):
    """Parametrize ``page``, ``content_page`` and ``language`` over the built site."""
    for name, pages in (
        ("page", PAGES),
        ("content_page", [page for page in PAGES if page.is_content]),
    ):
        if name in metafunc.fixturenames:
            ids = [page.id for page in pages]
            metafunc.parametrize(name, pages or [None], ids=ids or ["no-site"])
    if "language" in metafunc.fixturenames:
        metafunc.parametrize(
            "language",
            LANGUAGES or [None],
            ids=[language.label for language in LANGUAGES] or ["no-site"],
        )


@pytest.fixture(autouse=True)
def require_site(request):
    for name in ("page", "content_page", "language"):
        if name in request.fixturenames and request.getfixturevalue(name) is None:
            unavailable(
                f"no built site under {sitemap.site_root()}: run `nox -s docs` first, "
                "or set KMDL_SITE to the folder of a Sphinx HTML build"
            )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server():
    """Serve the site root on a free port of 127.0.0.1; yield its base URL."""
    root = sitemap.site_root()
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """Start Chromium with a fresh profile; yield its Playwright browser context."""
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM}: install Debian's chromium (nox -s browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
        )
        context.set_default_timeout(30_000)
        yield context
        context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        unavailable(f"axe-core not found at {AXE_JS}: run `npm ci` in tests/browser (nox -s browser)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def visits(server, browser_context, axe_source):
    """Return a function that loads a page once per colour scheme and caches what it saw."""
    from pagevisit import visit_page

    cache = {}

    def get(page, scheme):
        key = (page.id, scheme)
        if key not in cache:
            cache[key] = visit_page(
                browser_context, server, page, scheme, axe_source, SCREENSHOTS
            )
        return cache[key]

    return get


@pytest.fixture
def browser_page(browser_context, server):
    """A new tab that records requests leaving the loopback server; closed after the test."""
    from pagevisit import guard_network

    tab = browser_context.new_page()
    remote = guard_network(tab, server)
    tab.remote_requests = remote
    yield tab
    tab.close()

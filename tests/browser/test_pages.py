"""Every page of every language, loaded in Chromium in light and in dark mode."""

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

import sitemap

SCHEMES = ["light", "dark"]

# WCAG 2.x level AA minimum contrast for normal text.
MIN_CONTRAST = 4.5


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_loads_without_errors(page, scheme, visits):
    visit = visits(page, scheme)
    errors = visit.console_errors
    assert not errors, f"console errors on {visit.url}:\n{sitemap.describe(errors)}"
    failed = visit.failed_requests
    assert not failed, f"failed requests on {visit.url}:\n{sitemap.describe(failed)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_requests_stay_on_site(page, scheme, visits):
    visit = visits(page, scheme)
    remote = visit.remote_requests
    assert not remote, f"{visit.url} requested other hosts (blocked):\n{sitemap.describe(remote)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_theme_follows_colour_scheme(page, scheme, visits):
    assert visits(page, scheme).data_theme == scheme


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_images_loaded(page, scheme, visits):
    visit = visits(page, scheme)
    broken = [image["src"] for image in visit.images if image["natural_width"] == 0]
    assert not broken, f"images that did not load on {visit.url}:\n{sitemap.describe(broken)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_cell_outputs_readable(page, scheme, visits):
    visit = visits(page, scheme)
    problems = visit.output_contrast["problems"]
    assert not problems, (
        f"cell output text below {MIN_CONTRAST}:1 contrast on {visit.url} ({scheme}):\n"
        + sitemap.describe(problems)
    )


def test_transparent_figures_readable_in_dark_mode(page, visits):
    visit = visits(page, "dark")
    unreadable = [
        image
        for image in visit.image_backgrounds
        if image["transparent_fraction"] > 0.01 and image["background_luminance"] < 0.4
    ]
    assert not unreadable, (
        f"figures with transparent pixels over a dark background on {visit.url}:\n"
        + sitemap.describe(unreadable)
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_accessibility_violations(page, scheme, visits):
    visit = visits(page, scheme)
    serious = [v for v in visit.axe_violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core violations on {visit.url} ({scheme}):\n{sitemap.describe(serious)}"


def test_page_toc_links_reach_headings(page, visits):
    visit = visits(page, "light")
    missing = [link for link in visit.toc_links if not link["found"]]
    assert not missing, (
        f"table-of-contents links without a target on {visit.url}:\n{sitemap.describe(missing)}"
    )
    mismatched = [link for link in visit.toc_links if link["text"] != link["target_text"]]
    assert not mismatched, (
        f"table-of-contents links whose heading differs on {visit.url}:\n"
        + sitemap.describe(mismatched)
    )


def test_page_language_links_open_same_page(page, visits, server):
    visit = visits(page, "light")
    root = sitemap.site_root()
    for link in visit.language_links:
        assert link["href"].startswith(server), f"language link leaves the site: {link}"
        target = PurePosixPath(unquote(urlsplit(link["href"]).path).lstrip("/"))
        assert target.parts[0] != page.language.name, f"language link to own language: {link}"
        assert target.parts[1:] == PurePosixPath(page.url_path).parts[1:], (
            f"language link on {visit.url} opens another page: {link}"
        )
        assert (root / target).is_file(), f"language link target missing: {link}"
        assert sitemap.html_language(root / target).replace("-", "_") == link["hreflang"].replace(
            "-", "_"
        ), f"target page's lang differs from hreflang: {link}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_screenshot_written(page, scheme, visits):
    visit = visits(page, scheme)
    assert visit.screenshot is not None
    for path in visit.screenshots:
        assert path.stat().st_size > 0, f"empty screenshot {path}"

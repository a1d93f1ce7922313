"""Checks on the built HTML files that need no browser.

Cell outputs must show no traceback or error, every glue reference must be
resolved, every figure needs alt text, and every link, image, script and style
sheet inside the site must point at a file that exists, with its ``#anchor``.
Links to other hosts are left to ``nox -s linkcheck``.
"""

import functools
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

import sitemap

IMAGE_SUFFIX = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


@functools.lru_cache(maxsize=None)
def parse(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=None)
def anchors(path):
    soup = parse(path)
    ids = {element["id"] for element in soup.find_all(id=True)}
    names = {element["name"] for element in soup.find_all("a", attrs={"name": True})}
    return ids | names


def article(soup):
    return soup.select_one("article.bd-article") or soup.select_one("main") or soup


def test_cell_outputs_show_no_error(content_page):
    soup = parse(content_page.path)
    outputs = soup.select(".cell_output")
    error_blocks = [
        output for output in outputs if output.select(".traceback, .output.error, .output.stderr")
    ]
    assert not error_blocks, (
        f"error or stderr output on {content_page.id}:\n"
        + sitemap.describe([block.get_text()[:300] for block in error_blocks])
    )
    tracebacks = [
        output.get_text()[:200]
        for output in outputs
        if "Traceback (most recent call last)" in output.get_text()
    ]
    assert not tracebacks, (
        f"traceback in a cell output on {content_page.id}:\n{sitemap.describe(tracebacks)}"
    )


def test_glue_references_resolved(content_page):
    text = article(parse(content_page.path)).get_text()
    leftovers = re.findall(r"\{glue(?::\w+)?\}`[^`]*`|\bglue:(?:text|figure|any|math)\b", text)
    assert not leftovers, f"unresolved glue on {content_page.id}:\n{sitemap.describe(leftovers)}"


def test_figures_have_alt_text(content_page):
    images = article(parse(content_page.path)).find_all("img")
    missing = []
    for image in images:
        alt = (image.get("alt") or "").strip()
        source_name = Path(urlsplit(image.get("src", "")).path).name
        if not alt or IMAGE_SUFFIX.search(alt) or alt == source_name:
            missing.append(f"{image.get('src')} (alt={image.get('alt')!r})")
    assert not missing, (
        f"figures without descriptive alt text on {content_page.id}:\n{sitemap.describe(missing)}"
    )


def is_notebook_page(page):
    source = page.language.path / "_sources" / f"{page.name}.md"
    if not source.is_file():
        return False
    head = source.read_text(encoding="utf-8")[:500]
    return head.startswith("---") and "file_format: mystnb" in head


def test_notebook_pages_offer_downloads_and_launch(content_page):
    if not is_notebook_page(content_page):
        pytest.skip(f"{content_page.id} is not a notebook page")
    soup = parse(content_page.path)
    hrefs = [link["href"] for link in soup.find_all("a", href=True)]
    name = Path(content_page.name).name

    assert any(href.endswith(f"_sources/{content_page.name}.ipynb") for href in hrefs)
    assert any(href.endswith(f"_sources/{content_page.name}.md") for href in hrefs)
    notebook_path = content_page.language.path / "_sources" / f"{content_page.name}.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert "kmdl" in sources[0], "the first cell should install kmdl where it is missing"
    assert not any(source.startswith("# Cache key added") for source in sources)
    assert any(cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")

    language = content_page.language.name or "en"
    launch = [href for href in hrefs if "colab" in href or "binder" in href]
    assert len(launch) == 2, f"expected a Colab and a Binder link, found {launch}"
    for href in launch:
        assert f"{language}/{content_page.name}.ipynb" in href, href
        assert name in href


def internal_targets(path):
    """Yield (tag, url) for every link-like attribute of a page that stays on the site."""
    soup = parse(path)
    for tag, attribute in LINK_ATTRIBUTES.items():
        for element in soup.find_all(tag, attrs={attribute: True}):
            url = element[attribute].strip()
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
                continue
            yield tag, url


def broken_links(path, root):
    """Return the internal links of the page at ``path`` whose file or anchor is missing."""
    broken = []
    for tag, url in internal_targets(path):
        parts = urlsplit(url)
        target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents and target != root:
            broken.append(f"<{tag}> {url}: outside the site")
        elif not target.is_file():
            broken.append(f"<{tag}> {url}: no file {target.relative_to(root)}")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in anchors(target):
                broken.append(f"<{tag}> {url}: no #{parts.fragment} in {target.name}")
    return broken


def test_internal_links_resolve(page):
    root = sitemap.site_root()
    broken = broken_links(page.path, root)
    assert not broken, f"broken internal links on {page.id}:\n{sitemap.describe(broken)}"


def test_root_index_links_resolve():
    root = sitemap.site_root()
    languages = sitemap.find_languages(root)
    if not languages or not languages[0].name:
        pytest.skip("the site is a single build; its index is tested with the other pages")
    assert (root / "index.html").is_file(), "the two-language site has no root index.html"
    broken = broken_links(root / "index.html", root)
    assert not broken, f"broken links on the root index.html:\n{sitemap.describe(broken)}"


def test_type_words_not_linked(language):
    """The words of a docstring's type ("ndarray of shape (n, d)") link to no attribute of another class."""
    api = language.path / "api.html"
    if not api.is_file():
        pytest.skip(f"no API page in {language.label}")
    words = {"shape", "of", "ndarray", "int", "float", "str", "bool"}
    linked = [
        f"{link.get_text()} -> {link.get('href')}"
        for field_list in parse(api).select("dl.field-list")
        for link in field_list.select("a.reference")
        if link.get_text().strip() in words
    ]
    assert not linked, f"type words linked on {language.label}/api.html:\n{sitemap.describe(linked)}"

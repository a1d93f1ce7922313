"""Tests on the built two-language site (``nox -s docs`` builds it, then runs these).

The site is read from ``KMDL_SITE`` (default ``docs/_build/html``), which
contains ``en/``, ``zh_CN/`` and the root ``index.html``. Every test skips when
that build is absent, so ``nox -s tests`` passes on a fresh clone.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

bs4 = pytest.importorskip("bs4", reason="the site tests parse HTML with beautifulsoup4")

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("KMDL_SITE", ROOT / "docs" / "_build" / "html"))
LANGUAGE_TAGS = {"en": "en", "zh_CN": "zh-CN"}
SOURCE_LANGUAGE = "en"
TRANSLATIONS = ["zh_CN"]

pytestmark = pytest.mark.skipif(
    not all((SITE / code / "index.html").exists() for code in LANGUAGE_TAGS),
    reason=f"no two-language build in {SITE}: run `nox -s docs`, which builds it and runs these tests",
)

# Text blocks of the article body that a reader reads as prose.
PROSE_SELECTOR = (
    "p, li, dt, dd, th, td, figcaption, caption, .admonition-title, "
    "h1, h2, h3, h4, h5, h6"
)
# Blocks inside these hold code, code output or math, which stay as they are.
SKIP_SELECTOR = "div.cell, div.highlight, pre, .sig, div.math, nav, .kmdl-language-switcher"
# Inline elements whose text stays as it is inside a translated sentence. In the
# API's field lists, <strong> is a parameter name and <em> a part of its type.
VERBATIM_SELECTOR = (
    "code, kbd, span.math, span.pasted-text, span.text_plain, .sig, a.headerlink, "
    "dl.field-list strong, dl.field-list em"
)
# Interface strings of the themes that must not show in English on a Chinese page.
THEME_STRINGS_EN = [
    "Search...",
    "Print to PDF",
    "Download this page",
    "System Settings",
    "Color mode",
    "Skip to main content",
    "previous page",
    "next page",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Launch on Colab",
    "Launch on Binder",
    "Colab logo",
    "Binder logo",
]
# Three or more English words in a row mark a sentence that was not translated.
ENGLISH_RUN = re.compile(r"[A-Za-z][a-z]+(?:[\s,;:'-]+[A-Za-z][a-z]+){2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def page_names(language: str) -> list[str]:
    """Return every HTML page of one language, as paths relative to its folder."""
    folder = SITE / language
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.html")
        if not path.relative_to(folder).parts[0].startswith("_")
    )


def content_pages(language: str) -> list[str]:
    """Return the pages written as sources (with a copy under ``_sources``)."""
    sources = SITE / language / "_sources"
    pages = []
    for name in page_names(language):
        source = sources / name[: -len(".html")]
        if any(source.parent.glob(source.name + ".*")):
            pages.append(name)
    return pages


_SOUPS: dict[Path, bs4.BeautifulSoup] = {}


def soup(path: Path) -> bs4.BeautifulSoup:
    if path not in _SOUPS:
        _SOUPS[path] = bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return _SOUPS[path]


def normalise(text: str) -> str:
    return " ".join(text.split())


def article(page: bs4.BeautifulSoup) -> bs4.Tag:
    body = page.select_one("article.bd-article")
    assert body is not None, "page has no article body (article.bd-article)"
    return body


def matches_up_to(element: bs4.Tag, selector: str, top: bs4.Tag) -> bool:
    """Tell whether ``element`` or one of its ancestors below ``top`` matches ``selector``."""
    node = element
    while isinstance(node, bs4.Tag) and node is not top:
        if node.css.match(selector):
            return True
        node = node.parent
    return False


def prose_text(element: bs4.Tag) -> str:
    """Return the block's text without code, math and pasted values."""
    parts = []
    for string in element.find_all(string=True):
        if not matches_up_to(string.parent, VERBATIM_SELECTOR, element):
            parts.append(str(string))
    return normalise(" ".join(parts))


def is_type_annotation(element: bs4.Tag) -> bool:
    """Tell whether ``element`` is the value of an API entry's "Type" field.

    Sphinx turns every word of a ``:type:`` value into a cross-reference, so a
    translation of it would lose them; the catalogs keep these values as they are.
    """
    field = element if element.name == "dd" else element.find_parent("dd")
    if field is None:
        return False
    label = field.find_previous_sibling("dt")
    return label is not None and label.get_text(strip=True).startswith("Type")


def prose_blocks(page: bs4.BeautifulSoup) -> list[str]:
    """Return the prose of the article's innermost text blocks, one string per block."""
    body = article(page)
    blocks = []
    for element in body.select(PROSE_SELECTOR):
        if element.select_one(PROSE_SELECTOR) is not None:
            continue  # only the innermost block, so each sentence is judged once
        if matches_up_to(element, SKIP_SELECTOR, body) or is_type_annotation(element):
            continue
        text = prose_text(element)
        if text:
            blocks.append(text)
    return blocks


def glued_values(page: bs4.BeautifulSoup) -> Counter:
    """Count the values that glue roles pasted into the article's text."""
    values = Counter()
    for element in article(page).select("span.pasted-text, span.text_plain"):
        if element.find_parent("div", class_="cell_output") is None:
            values[normalise(element.get_text())] += 1
    return values


def twin(language: str, name: str) -> Path:
    return SITE / language / name


@pytest.mark.parametrize("language", LANGUAGE_TAGS)
def test_html_lang_matches_language(language):
    wrong = []
    for name in page_names(language):
        tag = soup(SITE / language / name).html.get("lang")
        if tag != LANGUAGE_TAGS[language]:
            wrong.append(f"{name}: lang={tag!r}")
    assert not wrong, f"pages whose <html lang> is not {LANGUAGE_TAGS[language]!r}: {wrong}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_page_has_translated_twin(language):
    missing = set(page_names(SOURCE_LANGUAGE)) - set(page_names(language))
    assert not missing, f"English pages without a {language} twin: {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGE_TAGS)
def test_language_switcher_links_to_twins(language):
    problems = []
    for name in page_names(language):
        path = SITE / language / name
        switcher = soup(path).select_one(".kmdl-language-switcher")
        if switcher is None:
            problems.append(f"{name}: no language switcher")
            continue
        links = {link["hreflang"]: link["href"] for link in switcher.select("a[hreflang]")}
        for other, tag in LANGUAGE_TAGS.items():
            if other == language:
                continue
            href = links.get(tag)
            if href is None:
                problems.append(f"{name}: no link to {tag}")
            elif href.startswith(("/", "http:", "https:")):
                problems.append(f"{name}: link to {tag} is not relative: {href}")
            elif (path.parent / href).resolve() != twin(other, name).resolve():
                problems.append(f"{name}: link to {tag} is {href}, not the same page")
            elif not twin(other, name).exists():
                problems.append(f"{name}: {href} does not exist")
    assert not problems, "\n".join(problems)


def test_root_page_links_to_every_language():
    root = SITE / "index.html"
    assert root.exists(), "no root index.html: the docs session copies docs/root/index.html"
    page = soup(root)
    hrefs = {link["href"] for link in page.select("a[href]")}
    for language in LANGUAGE_TAGS:
        assert f"{language}/index.html" in hrefs, f"root page has no link to {language}/index.html"
        assert (SITE / language / "index.html").exists()
    script = " ".join(tag.get_text() for tag in page.select("script"))
    assert "navigator.languages" in script, "root page does not read the browser's languages"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_no_english_prose_left_untranslated(language):
    untranslated = []
    for name in content_pages(SOURCE_LANGUAGE):
        translated = set(prose_blocks(soup(twin(language, name))))
        for block in prose_blocks(soup(SITE / SOURCE_LANGUAGE / name)):
            if ENGLISH_RUN.search(block) and block in translated:
                untranslated.append(f"{name}: {block[:120]}")
    assert not untranslated, (
        f"{len(untranslated)} English text blocks appear unchanged on the {language} pages "
        "(run `nox -s i18n -- --update` and translate the new messages):\n"
        + "\n".join(untranslated)
    )


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_glued_values_appear_in_translation(language):
    problems = []
    pages_with_glue = 0
    for name in content_pages(SOURCE_LANGUAGE):
        english = glued_values(soup(SITE / SOURCE_LANGUAGE / name))
        if english:
            pages_with_glue += 1
        translated = glued_values(soup(twin(language, name)))
        missing = english - translated
        if missing:
            problems.append(f"{name}: missing {dict(missing)}")
    assert pages_with_glue, "no glued value on any English page: has the glue markup changed?"
    assert not problems, (
        f"glued values of the English pages missing from their {language} twins:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_theme_strings_translated(language):
    problems = []
    for name in page_names(language):
        page = soup(SITE / language / name)
        texts = {normalise(text) for text in page.stripped_strings}
        for element in page.find_all(attrs={"title": True}):
            texts.add(element["title"])
        for attribute in ("placeholder", "alt"):
            for element in page.find_all(attrs={attribute: True}):
                texts.add(element[attribute])
        for english in THEME_STRINGS_EN:
            if english in texts:
                problems.append(f"{name}: {english!r}")
    assert not problems, f"theme strings left in English on {language} pages: {problems[:20]}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_landmark_labels_translated(language):
    # Screen readers announce each landmark by its aria-label.
    problems = set()
    for name in page_names(language):
        for element in soup(SITE / language / name).find_all(attrs={"aria-label": True}):
            label = element["aria-label"]
            if re.search(r"[A-Za-z]{3}", label) and not CJK.search(label):
                problems.add(f"<{element.name} aria-label={label!r}>")
    assert not problems, f"English aria-labels on {language} pages: {sorted(problems)}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_table_headers_translated(language):
    # Output tables and MyST-NB's execution table are built by code, not read
    # from the page, so check their headers too. Abbreviations such as ACC stay.
    problems = set()
    for name in content_pages(language):
        for cell in article(soup(SITE / language / name)).select("th"):
            text = normalise(cell.get_text(" "))
            if re.search(r"[a-z]{3}", text) and not CJK.search(text):
                problems.add(f"{name}: {text!r}")
    assert not problems, f"English table headers on {language} pages: {sorted(problems)}"


def search_terms(language: str) -> dict:
    text = (SITE / language / "searchindex.js").read_text(encoding="utf-8")
    match = re.match(r"Search\.setIndex\((.*)\)\s*;?\s*$", text, re.DOTALL)
    assert match, "searchindex.js does not hold a Search.setIndex(...) call"
    return json.loads(match.group(1))["terms"]


def test_chinese_search_finds_chinese_words():
    terms = search_terms("zh_CN")
    chinese = [term for term in terms if CJK.search(term)]
    assert chinese, "the zh_CN search index has no Chinese terms"
    # jieba splits sentences into words: most terms are short words, not whole phrases.
    assert sum(len(term) <= 4 for term in chinese) > len(chinese) / 2
    for word in ["参考", "聚类"]:
        assert word in terms, f"the zh_CN search index has no entry for {word!r}"


def test_chinese_search_has_field_terms():
    # Terms that jieba would split or that Sphinx would drop as one character.
    terms = search_terms("zh_CN")
    for word in ["伪标签", "遗忘门", "卷积核", "簇", "池化层", "谱聚类"]:
        assert word in terms, f"the zh_CN search index has no entry for {word!r}"


@pytest.mark.parametrize("language", LANGUAGE_TAGS)
def test_method_names_kept_on_one_line(language):
    # docs/_ext/kmdl_nowrap.py wraps K-means in prose so that it does not break at its hyphen.
    body = article(soup(twin(language, "kmeans.html")))
    wrapped = body.select("span.kmdl-nowrap")
    assert any(span.get_text() == "K-means" for span in wrapped), f"{language}/kmeans.html wraps no K-means"
    in_code = [span for span in wrapped if matches_up_to(span, "pre, code", body)]
    assert not in_code, f"{language}/kmeans.html wraps names inside code: {in_code[:3]}"

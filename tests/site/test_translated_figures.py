"""Figures and hidden-cell toggles of the built site in the page's language.

Figures with words are drawn by ``kmdl.figures.languages.show``, and the site's
MyST-NB plugin gives their images the classes ``kmdl-figure`` and
``kmdl-figure-<language>``. These tests read the site from ``KMDL_SITE`` like
test_translated_site.py and skip without a two-language build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

bs4 = pytest.importorskip("bs4", reason="the site tests parse HTML with beautifulsoup4")

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("KMDL_SITE", ROOT / "docs" / "_build" / "html"))
SOURCE_LANGUAGE = "en"
TRANSLATIONS = ["zh_CN"]
# Pages whose figures have words; each must show them in the page's language.
PAGES_WITH_WORDS_IN_FIGURES = [
    "background.html",
    "kmeans.html",
    "cnn.html",
    "rnn.html",
    "differences.html",
    "code-example.html",
    "own-images.html",
    "results.html",
]
# MyST-NB's default prompts and the screen-reader label of the toggle.
ENGLISH_TOGGLE_TEXT = ["Show code cell", "Hide code cell"]
ENGLISH_TOGGLE_LABEL = "Toggle hidden content"

pytestmark = pytest.mark.skipif(
    not all((SITE / language / "index.html").exists() for language in [SOURCE_LANGUAGE, *TRANSLATIONS]),
    reason=f"no two-language build in {SITE}: run `nox -s docs`, which builds it and runs these tests",
)


def page(language: str, name: str) -> bs4.BeautifulSoup:
    return bs4.BeautifulSoup((SITE / language / name).read_text(encoding="utf-8"), "html.parser")


def figure_images(language: str, name: str) -> list[bs4.Tag]:
    body = page(language, name).select_one("article.bd-article")
    assert body is not None, f"{language}/{name} has no article body"
    return body.select("img.kmdl-figure")


def image_bytes(language: str, name: str, image: bs4.Tag) -> bytes:
    return (SITE / language / Path(name).parent / image["src"]).read_bytes()


def content_pages(language: str) -> list[str]:
    folder = SITE / language
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.html")
        if not path.relative_to(folder).parts[0].startswith("_")
    )


@pytest.mark.parametrize("name", PAGES_WITH_WORDS_IN_FIGURES)
def test_english_pages_show_english_figures(name):
    images = figure_images(SOURCE_LANGUAGE, name)
    assert images, f"{name}: no figure drawn by kmdl.figures.languages.show"
    wrong = [image["src"] for image in images if "kmdl-figure-en" not in image["class"]]
    assert not wrong, f"{name}: English page shows figures of another language: {wrong}"


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("name", PAGES_WITH_WORDS_IN_FIGURES)
def test_translated_pages_translated_figures(language, name):
    english = figure_images(SOURCE_LANGUAGE, name)
    translated = figure_images(language, name)
    assert len(translated) == len(english), (
        f"{language}/{name} has {len(translated)} language figures, the English page {len(english)}"
    )
    wrong = [image["src"] for image in translated if f"kmdl-figure-{language}" not in image["class"]]
    assert not wrong, (
        f"{language}/{name} shows figures that are not in {language}: {wrong}. Was the English "
        "build that executed the pages run without a CJK font?"
    )
    for source, target in zip(english, translated):
        assert image_bytes(language, name, target) != image_bytes(SOURCE_LANGUAGE, name, source), (
            f"{language}/{name}: {target['src']} is the English image"
        )
        assert target.get("alt"), f"{language}/{name}: {target['src']} lost its alt text"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_hidden_cell_toggles_translated(language):
    problems = []
    toggles = 0
    for name in content_pages(language):
        html = page(language, name)
        for summary in html.select("details.hide summary"):
            toggles += 1
            text = " ".join(summary.stripped_strings)
            if any(english in text for english in ENGLISH_TOGGLE_TEXT):
                problems.append(f"{name}: {text!r}")
            if summary.get("aria-label") == ENGLISH_TOGGLE_LABEL:
                problems.append(f"{name}: aria-label {ENGLISH_TOGGLE_LABEL!r}")
    assert toggles, f"no hidden code cell on any {language} page; the test would check nothing"
    assert not problems, f"hidden-cell toggles in English on {language} pages: {problems[:10]}"

"""Discover the languages and pages of a built kmdl site from its files.

A site is either one Sphinx HTML build (``index.html`` and ``searchindex.js``
at its root) or several, one per language folder (``en/``, ``zh_CN/``) under a
root that holds a redirecting ``index.html``. Nothing here starts a browser.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SITE = ROOT / "docs" / "_build" / "html"

# Folders of a Sphinx build that contain assets and copies, not pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", ".doctrees", "jupyter_execute"}

# Pages whose content comes from Sphinx itself rather than from docs/.
GENERATED_PAGES = {"genindex", "search", "py-modindex"}


@dataclass(frozen=True)
class Language:
    """One language build: its folder name ('' for a single build at the root) and path."""

    name: str
    path: Path

    @property
    def label(self):
        return self.name or "site"


@dataclass(frozen=True)
class Page:
    """One HTML page of a language build, named by its path without ``.html``."""

    language: Language
    name: str

    @property
    def path(self):
        return self.language.path / f"{self.name}.html"

    @property
    def url_path(self):
        prefix = f"{self.language.name}/" if self.language.name else ""
        return f"{prefix}{self.name}.html"

    @property
    def id(self):
        return f"{self.language.label}/{self.name}"

    @property
    def is_content(self):
        """True for pages written in docs/, False for indexes and viewcode pages."""
        return self.name not in GENERATED_PAGES and not self.name.startswith("_modules/")


def site_root():
    """Return the site folder from KMDL_SITE, or docs/_build/html."""
    return Path(os.environ.get("KMDL_SITE", DEFAULT_SITE)).resolve()


def is_build(folder):
    return (folder / "index.html").is_file() and (folder / "searchindex.js").is_file()


def find_languages(root):
    """Return the language builds under ``root``, or the root itself for a single build."""
    if not root.is_dir():
        return []
    languages = [
        Language(child.name, child)
        for child in sorted(root.iterdir())
        if child.is_dir() and child.name not in ASSET_DIRS and is_build(child)
    ]
    if languages:
        return languages
    if is_build(root):
        return [Language("", root)]
    return []


def find_pages(language):
    """Return every HTML page of a language build, in a stable order."""
    pages = []
    for path in sorted(language.path.rglob("*.html")):
        relative = path.relative_to(language.path)
        if ASSET_DIRS.intersection(relative.parts[:-1]):
            continue
        pages.append(Page(language, relative.with_suffix("").as_posix()))
    return pages


def load_search_index(language):
    """Return the parsed ``searchindex.js`` of a language build."""
    text = (language.path / "searchindex.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, flags=re.DOTALL)
    if match is None:
        raise ValueError(f"{language.path / 'searchindex.js'} is not a Search.setIndex(...) call")
    return json.loads(match.group(1))


def describe(items):
    """Format a list of findings one per line, for assertion messages."""
    return "\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in items)


def html_language(path):
    """Return the ``lang`` attribute of a page's ``<html>`` element, or ''."""
    head = path.read_text(encoding="utf-8")[:2000]
    match = re.search(r"<html[^>]*\blang=\"([^\"]*)\"", head)
    return match.group(1) if match else ""

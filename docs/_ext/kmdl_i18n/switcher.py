"""The language switcher: a link from each page to its twin in the other language.

The site is laid out as ``<root>/en/<page>.html`` and ``<root>/zh_CN/<page>.html``,
one Sphinx build per language. Every page exists in both builds, so the twin
of a page is found by climbing out of this language's folder and descending
into the other one. The links are relative, so the site works from any host
and path, and from files opened straight from disk.

The template ``kmdl-language-switcher.html`` (in ``docs/_templates``) renders
the links that :func:`add_language_links` puts in the page context.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# Folder name (the Sphinx language code) -> the language's name in itself.
DEFAULT_LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def language_tag(code: str) -> str:
    """Return the BCP 47 tag for a Sphinx language code (``zh_CN`` -> ``zh-CN``)."""
    return code.replace("_", "-")


def add_language_links(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """Put ``kmdl_language_links`` in the context of every HTML page.

    Each entry has the language ``code``, its ``tag`` for ``lang`` and
    ``hreflang``, its ``label``, the relative ``href`` of this page in that
    language, and ``current`` for the language of this build.
    """
    languages: dict[str, str] = app.config.kmdl_i18n_languages
    current = app.config.language or "en"
    outdir = Path(app.builder.outdir)
    outfile = Path(app.builder.get_outfilename(pagename))
    page_path = outfile.relative_to(outdir).as_posix()
    # Climb out of the page's folders and out of this language's folder.
    up = "../" * (page_path.count("/") + 1)

    links = []
    for code, label in languages.items():
        links.append(
            {
                "code": code,
                "tag": language_tag(code),
                "label": label,
                "href": posixpath.join(up + code, page_path),
                "current": code == current,
            }
        )
    context["kmdl_language_links"] = links


def setup(app: Sphinx) -> None:
    app.add_config_value("kmdl_i18n_languages", DEFAULT_LANGUAGES, "html", dict)
    app.connect("html-page-context", add_language_links)

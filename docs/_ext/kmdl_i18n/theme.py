"""Translations of the theme's interface strings that the themes lack.

sphinx-book-theme 1.4 and pydata-sphinx-theme 0.20 ship Chinese catalogs,
and Sphinx loads them for ``language = "zh_CN"``. A few strings are missing
or read oddly there, and the project fills them in:

* ``docs/locale/<lang>/LC_MESSAGES/sphinx.po`` for strings that templates
  translate with ``_()``. Sphinx compiles this catalog itself and looks in it
  before its own and pydata-sphinx-theme's catalogs.
* ``docs/locale/<lang>/LC_MESSAGES/booktheme.po`` for strings of
  sphinx-book-theme's own ``booktheme`` catalog. Sphinx neither compiles nor
  loads that catalog from the project, so :func:`add_booktheme_catalog` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.i18n import CatalogInfo

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# The message catalog name that sphinx-book-theme 1.4 registers.
BOOKTHEME_CATALOG = "booktheme"


def add_booktheme_catalog(app: Sphinx) -> None:
    """Compile the project's ``booktheme.po`` and load it before the theme's own.

    The theme registers its catalog when Sphinx loads the theme, after every
    extension in ``extensions``. Sphinx then keeps the catalog registered
    first and uses later ones only for messages it lacks, so the project's
    translations take precedence.
    """
    language = app.config.language
    if not language or language == "en":
        return
    for locale_dir in app.config.locale_dirs:
        base = Path(app.srcdir, locale_dir)
        messages = base / language / "LC_MESSAGES"
        if not (messages / f"{BOOKTHEME_CATALOG}.po").exists():
            continue
        catalog = CatalogInfo(str(messages), BOOKTHEME_CATALOG, app.config.source_encoding)
        if catalog.is_outdated():
            catalog.write_mo(language, app.config.gettext_allow_fuzzy_translations)
        app.add_message_catalog(BOOKTHEME_CATALOG, str(base))


def setup(app: Sphinx) -> None:
    add_booktheme_catalog(app)

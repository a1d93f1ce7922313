"""Sphinx extension that builds the kmdl site in English and Simplified Chinese.

The English pages are the sources. The Chinese site is the same pages built
with ``-D language=zh_CN`` against the gettext catalogs in ``docs/locale``.
This extension adds what such a two-language build needs on top of Sphinx and
MyST-NB:

* glue roles that still find the page's glued values inside a translated
  paragraph (see :mod:`kmdl_i18n.glue`);
* notebook output text that contains measured numbers kept out of the
  catalogs (see :mod:`kmdl_i18n.outputs`);
* a check that a build re-uses the executed notebooks of an earlier build
  instead of running them again (see :mod:`kmdl_i18n.execution`);
* a language switcher in the article header that links to the same page in
  the other language (see :mod:`kmdl_i18n.switcher`);
* Chinese for the few interface strings the themes leave in English (see
  :mod:`kmdl_i18n.theme`);
* figures drawn in the build's language, and MyST-NB's prompts of hidden
  code cells translated (see :mod:`kmdl_i18n.figures`);
* a translated site title, and MyST-NB's ``jupyter_execute`` folder kept out
  of the published site (see :mod:`kmdl_i18n.layout`);
* MyST-NB's table of execution times with translated headers and page
  titles (see :mod:`kmdl_i18n.exec_table`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import exec_table, execution, figures, glue, layout, outputs, switcher, theme

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    # The glue roles replace MyST-NB's, so MyST-NB must be set up first.
    app.setup_extension("myst_nb")
    glue.setup(app)
    execution.setup(app)
    outputs.setup(app)
    switcher.setup(app)
    layout.setup(app)
    theme.setup(app)
    figures.setup(app)
    exec_table.setup(app)
    app.add_css_file("kmdl-i18n.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

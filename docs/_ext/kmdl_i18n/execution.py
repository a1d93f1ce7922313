"""A check that a build takes every executed notebook from the jupyter-cache.

The Chinese site shows the outputs of the English build: both builds use
``nb_execution_mode = "cache"`` with the same cache folder, and the code cells
are the same in both languages, so every notebook of the second build is a
cache hit. With ``-D kmdl_i18n_cached_only=1`` this extension warns (an error
under ``-W``) for each page that was executed anyway, which happens when the
English build did not run first, used another cache, or a page changed in
between.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def record_build_start(app: Sphinx) -> None:
    app.kmdl_i18n_build_start = time.time()


def check_notebook_from_cache(app: Sphinx, doctree: nodes.document) -> None:
    """Warn when the page just read was executed instead of read from the cache.

    MyST-NB 1.4 stores ``mtime`` as the cache record's creation time on a cache
    hit and as the current time after an execution, so a page executed during
    this build has an ``mtime`` later than the build's start.
    """
    if not app.config.kmdl_i18n_cached_only:
        return
    exec_data = NbMetadataCollector.get_exec_data(app.env, app.env.docname)
    if not exec_data:
        return
    if exec_data["mtime"] >= app.kmdl_i18n_build_start:
        logger.warning(
            "notebook %r was executed, but kmdl_i18n_cached_only is set: build "
            "the English site first with the same KMDL_NB_CACHE, so this build "
            "takes its outputs from the cache",
            app.env.docname,
            location=app.env.docname,
            type="kmdl_i18n",
            subtype="executed",
        )


def setup(app: Sphinx) -> None:
    app.add_config_value("kmdl_i18n_cached_only", False, "", bool)
    app.connect("builder-inited", record_build_start)
    app.connect("doctree-read", check_notebook_from_cache)

"""Sphinx configuration for the kmdl site.

Pages are MyST Markdown notebooks that MyST-NB executes at build time. The
build fails on any cell error, on a cell that runs past the timeout, and (with
``-W``) on any Sphinx warning.
"""

import hashlib
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

from kmdl_launch import repository_web_url  # noqa: E402

project = "kmdl"
author = "kmdl developers"
copyright = "2026, kmdl developers"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    # Lets viewcode read the kmdl sources without importing TensorFlow.
    "kmdl_viewcode",
    "kmdl_i18n",
    "kmdl_cache_key",
    "kmdl_launch",
    "kmdl_zh_search",
    # Keeps names such as K-means from breaking at their hyphen.
    "kmdl_nowrap",
    # Stops "shape" in "ndarray of shape (n, d)" from linking to an unrelated attribute.
    "kmdl_type_links",
    # Shares the pages out evenly between the processes of a parallel build (-j).
    "kmdl_parallel",
    # MathJax served from the site itself: no page loads anything from another host.
    "sphinx-mathjax-offline",
]

exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "locale", "README.md"]
templates_path = ["_templates"]
html_static_path = ["_static"]

# --- MyST and MyST-NB -------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist", "attrs_inline"]
myst_heading_anchors = 3

# "cache" stores executed notebooks in jupyter-cache, keyed on the code cells,
# so an unchanged page is not executed again. KMDL_NB_CACHE moves the cache,
# which lets several builds run side by side.
nb_execution_mode = os.environ.get("KMDL_NB_EXECUTION_MODE", "cache")
nb_execution_cache_path = os.environ.get("KMDL_NB_CACHE", str(DOCS / "_build" / ".jupyter_cache"))
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# TensorFlow writes C++ log lines to stderr that no setting silences fully;
# they are not part of what the pages teach.
nb_output_stderr = "remove"
nb_merge_streams = True
# For the gettext builder MyST-NB renders only text outputs, so the alt text of
# a figure drawn by a cell (``mystnb: image: alt:``) would never reach the
# catalogs. Rendering PNG outputs there too makes each alt text a message, and
# the Chinese build then gives the image its translation.
nb_mime_priority_overrides = [("gettext", "image/png", 5)]
# docs/_ext/kmdl_cache_key.py adds the kmdl sources and the installed versions
# of these packages to each page's cache key, so a change to kmdl runs the pages
# that import it again. Data files that pages read go in kmdl_cache_key_files.
kmdl_cache_key_packages = ["kmdl"]
# Rough execution time of each page in seconds, from "page_seconds" of a clean
# parallel build on two cores, one thread per page, in
# docs/_data/build-times.json. docs/_ext/kmdl_parallel.py
# uses it to start the pages of a parallel build slowest first. A page not
# listed counts as instant. Only the build time depends on these numbers.
kmdl_page_seconds = {
    "results": 225,
    "relationships/pseudo-labels": 62,
    "relationships/initialisation": 53,
    "cnn": 30,
    "rnn": 23,
    "differences": 21,
    "own-images": 20,
    "relationships/evaluation": 19,
    "background": 18,
    "code-example": 14,
    "index": 12,
    "kmeans": 10,
    "terminology": 8,
}

# --- Python API -------------------------------------------------------------
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# --- HTML -------------------------------------------------------------------
# The repository behind the repository button and the Colab and Binder links
# (docs/_ext/kmdl_launch.py). CI sets KMDL_REPOSITORY_URL; on Read the Docs the
# clone URL is used.
# NOTE: the fallback URL is a guess at where the repository will be published.
kmdl_repository_url = repository_web_url(
    os.environ.get(
        "KMDL_REPOSITORY_URL",
        os.environ.get("READTHEDOCS_GIT_CLONE_URL", "https://github.com/kmdl-developers/kmdl"),
    )
)
kmdl_repository_branch = os.environ.get("KMDL_REPOSITORY_BRANCH", "main")
html_theme = "sphinx_book_theme"
html_title = "kmdl: K-means and deep learning, measured"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    # The language switcher (docs/_templates) sits before the theme's buttons.
    "article_header_end": ["kmdl-language-switcher.html", "article-header-buttons.html"],
    "repository_url": kmdl_repository_url,
    "repository_branch": kmdl_repository_branch,
    "path_to_docs": "docs",
    "use_repository_button": True,
    # pydata-sphinx-theme 0.20 fills the top navbar with a second search button
    # and a second sidebar toggle, which the theme's script binds in place of
    # the visible one, so its button did nothing. An empty navbar is not drawn.
    "navbar_start": [],
    "navbar_center": [],
    "navbar_end": [],
    "navbar_persistent": [],
}
# The theme's mode script logs an error on a first visit unless a mode is set.
html_context = {"default_mode": "auto"}
html_css_files = ["kmdl-a11y.css", "kmdl-outputs.css"]
# The Chinese search reads the field's terms as a jieba user dictionary
# (docs/_ext/kmdl_zh_search.py). Without a "dict", Sphinx 9 would load jieba's
# own dictionary again, which takes several seconds on every build.
# The digest makes an edit of the dictionary a change of configuration, so an
# incremental build indexes every page again.
_SEARCH_TERMS = DOCS / "_data" / "zh-search-terms.txt"
html_search_options = {
    "dict": str(_SEARCH_TERMS),
    "dict_sha256": hashlib.sha256(_SEARCH_TERMS.read_bytes()).hexdigest(),
}
html_js_files = ["kmdl-a11y.js"]

# --- Translation ------------------------------------------------------------
language = "en"
locale_dirs = ["locale/"]
gettext_compact = False
gettext_uuid = False
# Line numbers would change the catalogs whenever a page above a message changes.
gettext_location = False
# English is the source language. The Chinese site is built with
# -D language=zh_CN from the catalogs in docs/locale (nox -s docs, nox -s i18n).
kmdl_i18n_html_titles = {"zh_CN": "kmdl：K-means 与深度学习实测"}


def setup(app):
    """Mark sphinx-mathjax-offline as safe for parallel builds (``-j``).

    Its release 0.0.2 declares nothing, so Sphinx would read the pages one at a
    time and warn. All it does is set ``mathjax_path`` and copy MathJax into the
    output when the build has finished, which keeps no state per page.
    """
    extension = app.extensions["sphinx-mathjax-offline"]
    extension.parallel_read_safe = True
    extension.parallel_write_safe = True

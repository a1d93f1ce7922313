"""Download and launch buttons for the notebook pages of the kmdl site.

sphinx-book-theme 1.4 builds its ``.ipynb`` download and its Colab and Binder
links from two assumptions that do not hold here. It expects MyST-NB's executed
notebooks in ``<outdir>/../jupyter_execute``, where the two-language build does
not put them. It also expects an ``.ipynb`` beside each page in the repository,
which contains MyST Markdown that Colab cannot open. This extension instead

* writes each page's notebook to ``_sources/<page>.ipynb``, with the outputs
  from the jupyter-cache, without the cache-key cell of ``kmdl_cache_key`` and
  with a first cell that installs kmdl where it is missing, and lets the
  theme's download button offer it next to the ``.md`` source. (MyST-NB 1.4
  writes the notebook without outputs to its output folder when the page came
  from the cache, so that copy alone is not enough);
* adds a launch menu whose Colab and Binder links open that notebook from the
  ``kmdl_notebooks_branch`` branch of the repository, where the deploy
  workflow (.github/workflows/site.yml) publishes the built notebooks as
  ``<language>/<page>.ipynb`` with a ``requirements.txt`` for Binder.

The repository URL comes from ``kmdl_repository_url`` in conf.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from jupyter_cache import get_cache
from sphinx.locale import get_translation
from sphinx.util import logging

logger = logging.getLogger(__name__)

# The theme's own message catalog, which has Chinese for these button texts.
translation = get_translation("booktheme")

CACHE_KEY_MARKER = "# Cache key added by docs/_ext/kmdl_cache_key.py"

INSTALL_CELL = """\
# Install kmdl when this notebook runs where it is missing, for example on Colab.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("kmdl") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "kmdl @ git+{repository}@{branch}"],
        check=True,
    )"""


def github_parts(url):
    """Return (owner, repository) of a GitHub URL, or None for other hosts."""
    parts = urlsplit(url)
    path = parts.path.strip("/").removesuffix(".git").split("/")
    if (parts.hostname or "") not in GITHUB_HOSTS or len(path) < 2 or not all(path[:2]):
        return None
    return path[0], path[1]


#: Host names that serve GitHub repositories (host names are case-insensitive).
GITHUB_HOSTS = ("github.com", "www.github.com")


def repository_web_url(url):
    """Return a clone URL as a web URL: https://github.com/OWNER/REPO for GitHub.

    Read the Docs may give an SSH clone URL (git@github.com:OWNER/REPO.git),
    which neither the repository button nor pip can use. User names and
    tokens are dropped, so that no credential reaches a page. A URL of another
    host keeps its host and path, without ``.git``, and the port of an http or
    https URL. It becomes an https URL unless it was http.
    """
    url = url.strip()
    scp_like = re.fullmatch(r"([^@/:]+)@([^/:]+):/?(.*)", url)
    if scp_like:
        url = f"ssh://{scp_like.group(1)}@{scp_like.group(2)}/{scp_like.group(3)}"
    parts = github_parts(url)
    if parts is not None:
        return "https://github.com/{}/{}".format(*parts)
    split = urlsplit(url)
    if not split.hostname:
        return url.removesuffix(".git")
    port = f":{split.port}" if split.port and split.scheme in ("http", "https") else ""
    scheme = split.scheme if split.scheme in ("http", "https") else "https"
    return f"{scheme}://{split.hostname}{port}{split.path.rstrip('/').removesuffix('.git')}"


def executed_notebook_path(app, pagename):
    folder = getattr(getattr(app.env, "mystnb_config", None), "output_folder", None)
    if folder is None:
        return None
    path = Path(folder) / f"{pagename}.ipynb"
    return path if path.is_file() else None


def with_cached_outputs(text, cache_path):
    """Return the notebook ``text`` with the outputs that the jupyter-cache stores for it."""
    notebook = nbformat.reads(text, as_version=4)
    if cache_path and Path(cache_path).is_dir():
        try:
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
        except KeyError:
            pass  # Not in the cache: the notebook keeps the outputs it has.
    return nbformat.writes(notebook)


def publishable_notebook(text, config):
    """Return the notebook JSON for readers: no cache-key cell, an install cell first."""
    notebook = json.loads(text)
    notebook["cells"] = [
        cell
        for cell in notebook["cells"]
        if not "".join(cell.get("source", "")).startswith(CACHE_KEY_MARKER)
    ]
    install = INSTALL_CELL.format(
        repository=config.kmdl_repository_url.removesuffix("/"),
        branch=config.kmdl_repository_branch,
    )
    notebook["cells"].insert(
        0,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "kmdl-install",
            "metadata": {},
            "outputs": [],
            "source": install.splitlines(keepends=True),
        },
    )
    if notebook.get("nbformat_minor", 0) < 5:
        for cell in notebook["cells"]:
            cell.pop("id", None)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def add_notebook_download(app, pagename, templatename, context, doctree):
    """Publish the page's executed notebook; the theme's download button links to it."""
    source = executed_notebook_path(app, pagename)
    if source is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    cache_path = app.env.mystnb_config.execution_cache_path
    text = with_cached_outputs(source.read_text(encoding="utf-8"), cache_path)
    target.write_text(publishable_notebook(text, app.config), encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"


def launch_urls(config, language, pagename):
    """Return {"Colab": url, "Binder": url} for a page, or {} when the host is not GitHub."""
    parts = github_parts(config.kmdl_repository_url)
    if parts is None:
        return {}
    owner, repository = parts
    branch = config.kmdl_notebooks_branch
    path = f"{language}/{pagename}.ipynb"
    return {
        "Colab": f"{config.kmdl_colab_url}/github/{owner}/{repository}/blob/{branch}/{path}",
        "Binder": (
            f"{config.kmdl_binderhub_url}/v2/gh/{owner}/{repository}/{branch}"
            f"?urlpath=lab/tree/{path}"
        ),
    }


def add_launch_buttons(app, pagename, templatename, context, doctree):
    """Add a launch menu with Colab and Binder links to the page's header buttons."""
    if not context.get("ipynb_source") or "header_buttons" not in context:
        return
    icons = {"Colab": "_static/images/logo_colab.png", "Binder": "_static/images/logo_binder.svg"}
    urls = launch_urls(app.config, app.config.language or "en", pagename)
    if not urls:
        return
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": translation("Launch interactive content"),
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [
                {
                    "type": "link",
                    "text": name,
                    "tooltip": translation("Launch on") + " " + name,
                    "icon": icons[name],
                    "url": url,
                }
                for name, url in urls.items()
            ],
        }
    )


def check_repository_url(app, config):
    if github_parts(config.kmdl_repository_url) is not None:
        return
    # A URL set on purpose that cannot give links is probably a mistake, so it
    # warns (and fails a -W build). A repository hosted elsewhere, as Read the
    # Docs reports it, only loses the buttons.
    report = logger.warning if os.environ.get("KMDL_REPOSITORY_URL") else logger.info
    report(
        "kmdl_repository_url %r is not a https://github.com/OWNER/REPO URL; "
        "pages get no Colab or Binder links. Set KMDL_REPOSITORY_URL to a GitHub URL to add them.",
        config.kmdl_repository_url,
        type="kmdl_launch",
    )


def setup(app):
    app.add_config_value("kmdl_repository_url", "", "html", str)
    app.add_config_value("kmdl_repository_branch", "main", "html", str)
    app.add_config_value("kmdl_notebooks_branch", "notebooks", "html", str)
    app.add_config_value("kmdl_colab_url", "https://colab.research.google.com", "html", str)
    app.add_config_value("kmdl_binderhub_url", "https://mybinder.org", "html", str)
    app.connect("config-inited", check_repository_url)
    # The theme resets its header buttons at priority 500 and fills them at 501:
    # the notebook must be in place before (500), the launch menu after (502).
    app.connect("html-page-context", add_notebook_download, priority=499)
    app.connect("html-page-context", add_launch_buttons, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Freshness of executed pages: docs/_ext/kmdl_cache_key.py against MyST-NB's cache.

Each test builds a tiny Sphinx project in a temporary folder with two notebook
pages. One page imports a small package, ``tinypkg``, and prints its value; the
other imports nothing. Each code cell also prints a random token drawn when the
cell runs, so the built HTML shows whether a page ran again or came from the cache.
"""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the docs extras (myst-nb) are not installed")

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"

CONF = """
import sys
sys.path.insert(0, {ext_dir!r})
sys.path.insert(0, {src_dir!r})
project = "cache-key-test"
extensions = {extensions!r}
exclude_patterns = ["_build"]
nb_execution_mode = "cache"
nb_execution_cache_path = {cache_dir!r}
nb_execution_raise_on_error = True
kmdl_cache_key_packages = ["tinypkg"]
kmdl_cache_key_files = ["data/*.csv"]
kmdl_cache_key_distributions = []
"""

INDEX = """
# Cache key test

```{toctree}
uses_pkg
no_pkg
```
"""

NOTEBOOK = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
{front_matter}---

# {title}

{prose}

```{{code-cell}} ipython3
import uuid
{code}
```
"""

USES_PKG_CODE = 'import tinypkg\nprint(f"value={tinypkg.VALUE} token={uuid.uuid4().hex}")'
NO_PKG_CODE = 'print(f"value=none token={uuid.uuid4().hex}")'
OUTPUT = re.compile(r"value=(\w+) token=([0-9a-f]{32})")


class TinyProject:
    """A two-page MyST-NB project whose package, data and prose can be edited."""

    def __init__(self, root, extensions):
        self.root = root
        self.src = root / "src"
        self.cache = root / "cache"
        (self.src / "tinypkg").mkdir(parents=True)
        (self.src / "data").mkdir()
        conf = CONF.format(
            ext_dir=str(EXT_DIR),
            src_dir=str(self.src),
            cache_dir=str(self.cache),
            extensions=extensions,
        )
        (self.src / "conf.py").write_text(conf)
        (self.src / "index.md").write_text(INDEX)
        self.set_package_value(1)
        self.set_unimported_module("NAME = 'first'\n")
        self.set_data("x\n1\n")
        self.set_page_file("first")
        self.set_prose("uses_pkg", "Prose, first version.")
        self.set_prose("no_pkg", "Prose, first version.")

    def set_package_value(self, value):
        (self.src / "tinypkg" / "__init__.py").write_text(f"VALUE = {value}\n")

    def set_unimported_module(self, text):
        (self.src / "tinypkg" / "unused.py").write_text(text)

    def set_data(self, text):
        (self.src / "data" / "table.csv").write_text(text)

    def set_page_file(self, text):
        (self.src / "notes.txt").write_text(text)

    def set_prose(self, page, prose):
        if page == "uses_pkg":
            code, front_matter = USES_PKG_CODE, ""
        else:
            code, front_matter = NO_PKG_CODE, "kmdl_cache_depends: [notes.txt]\n"
        text = NOTEBOOK.format(title=page, prose=prose, code=code, front_matter=front_matter)
        (self.src / f"{page}.md").write_text(text)

    def build(self, outdir="html"):
        """Build the HTML and return {page: (value, token, html)}."""
        out = self.root / outdir
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "-b", "html", str(self.src), str(out)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        pages = {}
        for page in ("uses_pkg", "no_pkg"):
            html = (out / f"{page}.html").read_text()
            match = OUTPUT.search(html)
            assert match, f"no cell output on {page}.html"
            pages[page] = (match.group(1), match.group(2), html)
        return pages


@pytest.fixture
def project(tmp_path):
    return TinyProject(tmp_path, ["myst_nb", "kmdl_cache_key"])


def test_prose_change_reuses_cached_outputs(project):
    before = project.build()
    project.set_prose("uses_pkg", "Prose, second version.")
    after = project.build()

    assert "Prose, second version." in after["uses_pkg"][2]
    assert after["uses_pkg"][1] == before["uses_pkg"][1]
    assert after["no_pkg"][1] == before["no_pkg"][1]


@pytest.mark.parametrize("outdir", ["html", "html-fresh"], ids=["incremental", "fresh-outdir"])
def test_package_change_reruns_importing_page(project, outdir):
    before = project.build()
    project.set_package_value(2)
    after = project.build(outdir)

    assert before["uses_pkg"][0] == "1"
    assert after["uses_pkg"][0] == "2"
    assert after["uses_pkg"][1] != before["uses_pkg"][1]
    assert after["no_pkg"][1] == before["no_pkg"][1]


def test_unimported_module_change_reuses_outputs(project):
    before = project.build()
    project.set_unimported_module("NAME = 'second'\n")
    after = project.build()

    assert after["uses_pkg"][1] == before["uses_pkg"][1]
    assert after["no_pkg"][1] == before["no_pkg"][1]


def test_data_change_reruns_every_page(project):
    before = project.build()
    project.set_data("x\n2\n")
    after = project.build()

    assert after["uses_pkg"][1] != before["uses_pkg"][1]
    assert after["no_pkg"][1] != before["no_pkg"][1]


def test_page_file_change_reruns_only_that_page(project):
    before = project.build()
    project.set_page_file("second")
    after = project.build()

    assert after["no_pkg"][1] != before["no_pkg"][1]
    assert after["uses_pkg"][1] == before["uses_pkg"][1]


def test_new_page_updates_other_pages_navigation(project):
    project.build()
    (project.src / "extra.md").write_text("# Extra page\n\nProse.\n")
    index = (project.src / "index.md").read_text().replace("no_pkg\n", "no_pkg\nextra\n")
    (project.src / "index.md").write_text(index)
    after = project.build()

    assert "Extra page" in after["uses_pkg"][2]
    assert "Extra page" in after["no_pkg"][2]


def test_key_cell_hidden_from_page(project):
    pages = project.build()

    for _value, _token, html in pages.values():
        assert "Cache key added" not in html
        assert "sources sha256" not in html


def test_without_extension_outputs_go_stale(tmp_path):
    # The reason for the extension: MyST-NB's cache alone keys on code cells only.
    project = TinyProject(tmp_path, ["myst_nb"])
    before = project.build()
    project.set_package_value(2)
    after = project.build("html-fresh")

    assert after["uses_pkg"][0] == "1"
    assert after["uses_pkg"][1] == before["uses_pkg"][1]


def load_extension():
    sys.path.insert(0, str(EXT_DIR))
    try:
        import kmdl_cache_key
    finally:
        sys.path.remove(str(EXT_DIR))
    return kmdl_cache_key


def test_imported_modules_reads_import_lines():
    extension = load_extension()
    text = textwrap.dedent(
        """
        import numpy as np, kmdl.data
        from kmdl.metrics import (clustering_scores,
                                  match_clusters)
        kmdl_like = 1
        # import kmdlx
        """
    )

    found = extension.imported_modules(text, ["kmdl", "kmdlx", "scipy"])

    assert list(found) == ["kmdl"]
    assert "kmdl.data" in found["kmdl"]
    assert "kmdl.metrics" in found["kmdl"]
    assert "kmdl.metrics.match_clusters" in found["kmdl"]


def test_package_modules_follow_imports(tmp_path):
    extension = load_extension()
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .base import VALUE\n")
    (package / "base.py").write_text("VALUE = 1\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "lazy.py").write_text(
        "def load():\n    from ..extra import NAME\n    return NAME\n"
    )
    (package / "extra.py").write_text("NAME = 'x'\n")
    (package / "registry.py").write_text("MODULES = ['pkg.extra']\n")
    (package / "alone.py").write_text("")

    modules = extension.PackageModules("pkg", package)

    assert modules.closure(["pkg.base"]) == ["pkg", "pkg.base"]
    assert modules.closure(["pkg.sub.lazy"]) == [
        "pkg", "pkg.base", "pkg.extra", "pkg.sub", "pkg.sub.lazy",
    ]
    assert "pkg.extra" in modules.closure(["pkg.registry"])
    assert "pkg.alone" not in modules.closure(["pkg", "pkg.sub.lazy", "pkg.registry"])

"""A translated paragraph shows the same glued value as the English one.

MyST-NB 1.4 parses a translated paragraph with plain myst-parser, in a
document of its own, where its glue roles find no glue data: the Chinese page
then shows no number, only the warning "No key '...' found in glue data for
this document". The kmdl_i18n extension fixes that. This test builds a
one-page project in English and in zh_CN (one small notebook execution) and
checks the number on both pages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the glue test builds a page with MyST-NB (docs extra)")
bs4 = pytest.importorskip("bs4", reason="the site tests parse HTML with beautifulsoup4")

EXTENSIONS = Path(__file__).resolve().parents[2] / "docs" / "_ext"

PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
# Glue

```{code-cell} ipython3
from myst_nb import glue
glue("ratio", 2 / 3, display=False)
glue("count", 1797, display=False)
```

The ratio is {glue:text}`ratio:.3f` over {glue:text}`count` images.

The count alone is {glue}`count`.
"""

CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Glue"
msgstr "粘合"

msgid "The ratio is {glue:text}`ratio:.3f` over {glue:text}`count` images."
msgstr "在 {glue:text}`count` 张图像上，比例为 {glue:text}`ratio:.3f`。"

msgid "The count alone is {glue}`count`."
msgstr "单独的计数是 {glue}`count`。"
"""


@pytest.fixture(scope="module")
def glue_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("glue-i18n")
    source = root / "source"
    messages = source / "locale" / "zh_CN" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (source / "index.md").write_text(PAGE, encoding="utf-8")
    (messages / "index.po").write_text(CATALOG, encoding="utf-8")
    (source / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(EXTENSIONS)!r})\n"
        "extensions = ['myst_nb', 'kmdl_i18n']\n"
        "exclude_patterns = ['_build', 'locale']\n"
        "locale_dirs = ['locale/']\n"
        "nb_execution_mode = 'cache'\n"
        f"nb_execution_cache_path = {str(root / 'cache')!r}\n",
        encoding="utf-8",
    )
    return root


def build(root: Path, language: str, *options: str) -> tuple[Path, str]:
    """Run sphinx-build for ``language`` and return the page and the warnings it wrote."""
    outdir = root / "html" / language
    warnings = root / f"warnings-{language}.txt"
    command = [
        sys.executable, "-m", "sphinx", "-E", "-q", "-b", "html",
        "-D", f"language={language}", *options,
        "-w", str(warnings),
        str(root / "source"), str(outdir),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return outdir / "index.html", warnings.read_text(encoding="utf-8")


def pasted(page: Path) -> list[str]:
    html = bs4.BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    body = html.select_one("article") or html
    return [
        element.get_text()
        for element in body.select("span.pasted-text, span.text_plain")
        if element.find_parent("div", class_="cell_output") is None
    ]


def test_translated_paragraph_keeps_glued_values(glue_project):
    english, english_warnings = build(glue_project, "en")
    chinese, chinese_warnings = build(glue_project, "zh_CN", "-D", "kmdl_i18n_cached_only=1")

    assert english_warnings == ""
    assert sorted(pasted(english)) == ["0.667", "1797", "1797"]
    assert "比例为" in chinese.read_text(encoding="utf-8"), "the zh_CN catalog was not applied"
    assert sorted(pasted(chinese)) == sorted(pasted(english))
    assert chinese_warnings == ""


def test_second_language_reuses_cached_notebook(glue_project):
    # A fresh cache forces an execution, which the cached-only check reports.
    _, warnings = build(
        glue_project,
        "zh_CN",
        "-D",
        "kmdl_i18n_cached_only=1",
        "-D",
        f"nb_execution_cache_path={glue_project / 'other-cache'}",
    )
    assert "was executed, but kmdl_i18n_cached_only is set" in warnings

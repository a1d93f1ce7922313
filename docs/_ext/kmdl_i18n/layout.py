"""Settings for the two-language layout ``<root>/en/`` and ``<root>/zh_CN/``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def set_translated_title(app: Sphinx, config: Config) -> None:
    """Use the title that ``kmdl_i18n_html_titles`` gives for this build's language."""
    title = config.kmdl_i18n_html_titles.get(config.language)
    if title:
        config.html_title = title


def move_notebook_output_folder(app: Sphinx) -> None:
    """Keep MyST-NB's ``jupyter_execute`` folder out of the published site.

    MyST-NB 1.4 writes executed notebooks, glue data and images to
    ``<outdir>/../jupyter_execute``. For a build into ``<root>/en`` that is
    ``<root>/jupyter_execute``, inside the site next to the language folders.
    When the output folder is named after the build's language, this moves it
    to ``<root>/../jupyter_execute/<language>`` instead, one folder per
    language so the two builds never share it.
    """
    outdir = Path(app.outdir)
    language = app.config.language
    if outdir.name != language or not hasattr(app.env, "mystnb_config"):
        return
    folder = outdir.parent.parent / "jupyter_execute" / language
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def setup(app: Sphinx) -> None:
    app.add_config_value("kmdl_i18n_html_titles", {}, "html", dict)
    app.connect("config-inited", set_translated_title)
    # MyST-NB sets its output folder in a builder-inited handler of priority 500.
    app.connect("builder-inited", move_notebook_output_folder, priority=600)

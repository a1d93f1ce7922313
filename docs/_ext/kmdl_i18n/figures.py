"""Figures and code-cell prompts in the language of the build.

Figures. A page draws a figure with words on it through
:func:`kmdl.figures.languages.show`, whose one output holds a PNG per
language: ``image/png`` for English and a MIME type of its own for Chinese
(:data:`kmdl.figures.languages.MIME_TYPES`). The English build executes the
page, and the Chinese build reads the same output from the jupyter-cache.
MyST-NB keeps every MIME type of an output until it writes a page, then picks
one by ``nb_mime_priority_overrides``; :func:`prefer_language_images` ranks the
build language's image just above ``image/png`` there. The other builds never
rank it, so they show the English PNG as before. :class:`CheckLanguageImages`
warns in a translated build when a figure drawn by ``show`` lacks the
language's image, which happens when the executing build found no font for it.

Prompts. MyST-NB labels a hidden cell "Show code cell source" and so on, from
``nb_code_prompt_show`` and ``nb_code_prompt_hide`` with ``{type}`` replaced
by an English word. :func:`translate_code_prompts` sets the Chinese prompts,
and :class:`TranslateCodePromptTypes` replaces that English word. The label
that MyST-NB writes for screen readers on the same toggle has no setting, so
:func:`translate_toggle_label` replaces it in the page's HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from myst_nb.core.render import base_render_priority
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from kmdl.figures.languages import MIME_TYPES, TEXT_MARKER

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

# MyST-NB's prompts (checked with MyST-NB 1.4), and the Chinese ones.
DEFAULT_PROMPTS = {"show": "Show code cell {type}", "hide": "Hide code cell {type}"}
PROMPTS = {"zh_CN": {"show": "显示{type}", "hide": "隐藏{type}"}}
# The aria-label of the toggle, written by MyST-NB 1.4's visit_HideCellInput, and its translations.
TOGGLE_LABEL = 'aria-label="Toggle hidden content"'
TOGGLE_LABELS = {"zh_CN": 'aria-label="显示或隐藏内容"'}
# The words MyST-NB puts for {type}: the whole cell, its code, or its output(s).
PROMPT_TYPES = {
    "zh_CN": {"content": "代码单元", "source": "代码", "output": "输出", "outputs": "输出"}
}


def image_priorities(overrides: list) -> dict[str, int]:
    """Return the priority of ``image/png`` for each builder that shows it."""
    priorities = {
        builder: ranks["image/png"]
        for builder, ranks in base_render_priority().items()
        if "image/png" in ranks
    }
    for builder, mime_type, rank in overrides:
        if mime_type != "image/png" or builder == "*":
            continue
        if rank is None:
            priorities.pop(builder, None)
        else:
            priorities[builder] = rank
    return priorities


def prefer_language_images(app: Sphinx, config: Config) -> None:
    """Rank the build language's figure image just above ``image/png``."""
    mime_type = MIME_TYPES.get(config.language)
    if mime_type is None or mime_type == "image/png":
        return
    overrides = list(config.nb_mime_priority_overrides)
    for builder, rank in image_priorities(overrides).items():
        overrides.append((builder, mime_type, rank - 1))
    config.nb_mime_priority_overrides = overrides


def translate_code_prompts(app: Sphinx, config: Config) -> None:
    """Set the prompts of hidden cells in the build language, unless conf.py chose its own."""
    prompts = PROMPTS.get(config.language)
    if prompts is None:
        return
    if config.nb_code_prompt_show == DEFAULT_PROMPTS["show"]:
        config.nb_code_prompt_show = prompts["show"]
    if config.nb_code_prompt_hide == DEFAULT_PROMPTS["hide"]:
        config.nb_code_prompt_hide = prompts["hide"]


class TranslateCodePromptTypes(SphinxPostTransform):
    """Replace the English word that MyST-NB put for ``{type}`` in a prompt."""

    # MyST-NB's HideInputCells, which makes the prompts, runs at 199.
    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        language = self.config.language
        prompts, words = PROMPTS.get(language), PROMPT_TYPES.get(language)
        if prompts is None:
            return
        for node in self.document.findall(HideCodeCellNode):
            for key in ("show", "hide"):
                template = self.config[f"nb_code_prompt_{key}"]
                for english, translated in words.items():
                    if node[f"prompt_{key}"] == template.replace("{type}", english):
                        node[f"prompt_{key}"] = template.replace("{type}", translated)
                        break


def translate_toggle_label(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Replace the English label of hidden-cell toggles in the page body."""
    label = TOGGLE_LABELS.get(app.config.language)
    if label and "body" in context:
        context["body"] = context["body"].replace(TOGGLE_LABEL, label)


class CheckLanguageImages(SphinxPostTransform):
    """Warn when a figure drawn by ``show`` has no image in the build language."""

    # MyST-NB's SelectMimeType, which drops the other images, runs at 4.
    default_priority = 3

    def run(self, **kwargs: Any) -> None:
        mime_type = MIME_TYPES.get(self.config.language)
        if mime_type is None or mime_type == "image/png":
            return
        for bundle in self.document.findall(nodes.container):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            types = {child.get("mime_type"): child for child in bundle.children}
            plain = types.get("text/plain")
            if plain is None or not plain.astext().strip().startswith(TEXT_MARKER):
                continue
            if mime_type not in types:
                logger.warning(
                    "a figure drawn by kmdl.figures.languages.show has no %s image, so the "
                    "page shows the English one: the build that executed the page found no "
                    "font for %s (install fonts-noto-cjk), or the cached outputs are older "
                    "than the figure",
                    self.config.language,
                    self.config.language,
                    location=bundle,
                    type="kmdl_i18n",
                    subtype="figure_language",
                )


def setup(app: Sphinx) -> None:
    # Priority 900: after conf.py and -D options, and after other extensions' handlers.
    app.connect("config-inited", prefer_language_images, priority=900)
    app.connect("config-inited", translate_code_prompts, priority=900)
    app.add_post_transform(CheckLanguageImages)
    app.add_post_transform(TranslateCodePromptTypes)
    app.connect("html-page-context", translate_toggle_label)

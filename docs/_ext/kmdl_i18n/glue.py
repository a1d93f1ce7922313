"""Glue roles that work inside translated paragraphs.

MyST-NB resolves ``{glue:text}`key``` and the other glue roles through the
notebook renderer that its parser keeps on the document while it parses a
page. Sphinx translates a paragraph after that parse: it parses the
translated text into a new, separate document with plain MyST (MyST-NB 1.4
routes sources whose name ends in ``<translated>`` to myst-parser), where no
notebook renderer is present. MyST-NB's roles then warn "No key '...' found in
glue data for this document" and the translated page shows no value.

The roles here behave like MyST-NB's. While the page itself is parsed they
also remember the page's notebook renderer in ``env.temp_data``, which Sphinx
clears before it reads the next page. In a translated paragraph of the same
page they lend that renderer to the small translated document, so the value
is pasted exactly as in the English paragraph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
from myst_nb.ext.glue.utils import glue_warning

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

RENDERER_KEY = "kmdl_i18n_nb_renderer"
TRANSLATED_SUFFIX = "<translated>"


def is_translated_document(document: nodes.document) -> bool:
    """Tell whether ``document`` contains one translated message.

    Sphinx's ``Locale`` transform names these documents
    ``'{source}:{line}:<translated>'`` (checked with Sphinx 9.0).
    """
    return str(document.get("source", "")).endswith(TRANSLATED_SUFFIX)


class TranslatedGlueMixin:
    """Lend the page's notebook renderer to glue roles in translated text."""

    def run(self):
        document = self.document
        env = getattr(document.settings, "env", None)
        if env is None:
            return super().run()
        if "nb_renderer" in document:
            env.temp_data[RENDERER_KEY] = (env.docname, document["nb_renderer"])
            return super().run()
        if not is_translated_document(document):
            return super().run()

        docname, renderer = env.temp_data.get(RENDERER_KEY, (None, None))
        if docname != env.docname:
            message = (
                f"Glue role {self.rawtext!r} in a translated message, but the "
                "English text of this page has no glue role: glue the value in "
                "the English paragraph too, so both languages paste it."
            )
            return [], [glue_warning(message, document, self.line)]

        document["nb_renderer"] = renderer
        try:
            return super().run()
        finally:
            del document["nb_renderer"]


class TranslatedPasteRoleAny(TranslatedGlueMixin, PasteRoleAny):
    """``{glue}`` and ``{glue:any}`` that also work in translated text."""


class TranslatedPasteTextRole(TranslatedGlueMixin, PasteTextRole):
    """``{glue:text}`` that also works in translated text."""


class TranslatedPasteMarkdownRole(TranslatedGlueMixin, PasteMarkdownRole):
    """``{glue:md}`` that also works in translated text."""


def setup(app: Sphinx) -> None:
    app.add_role("glue", TranslatedPasteRoleAny(), override=True)
    app.add_role_to_domain("glue", "", TranslatedPasteRoleAny(), override=True)
    app.add_role_to_domain("glue", "any", TranslatedPasteRoleAny(), override=True)
    app.add_role_to_domain("glue", "text", TranslatedPasteTextRole(), override=True)
    app.add_role_to_domain("glue", "md", TranslatedPasteMarkdownRole(), override=True)

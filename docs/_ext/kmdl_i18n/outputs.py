"""Keep measured numbers in notebook outputs out of the translation catalogs.

MyST-NB parses a ``text/markdown`` cell output, such as a results table built
with ``IPython.display.Markdown``, into ordinary paragraphs and tables, and
Sphinx's gettext builder then makes each of them a message. When that text
contains numbers measured during the build (scores, seconds, memory), its
message changes with every build, so the catalogs are never up to date, and a
translation would show the numbers of the build it was written for.

:func:`mark_measured_outputs` marks every text element inside a cell output
whose message contains a digit as not translatable. Sphinx then neither
extracts it nor replaces it, and the Chinese page shows the output of its own
build. Output text without digits, such as a fixed notice, stays translatable,
and so does a figure caption that a cell's ``mystnb: figure:`` metadata gives.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DIGIT = re.compile(r"\d")


def in_cell_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


class MarkMeasuredOutputs(SphinxTransform):
    """Mark output text with digits as not translatable, before Sphinx reads messages."""

    # Sphinx's Locale transform runs at priority 20.
    default_priority = 5

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.TextElement):
            # A figure caption comes from the cell's metadata, not from running it.
            if isinstance(node, nodes.caption):
                continue
            message = node.rawsource or node.astext()
            if DIGIT.search(message) and in_cell_output(node):
                node["translatable"] = False


def setup(app: Sphinx) -> None:
    app.add_transform(MarkMeasuredOutputs)

"""Keep hyphenated method names such as K-means on one line.

Browsers may break a line after any hyphen, so "K-means" could end one line
with "K-" and start the next with "means". On the Chinese pages, where lines
break between any two characters, this happened often. A post-transform wraps
each listed name in ``<span class="kmdl-nowrap">``, and the site's CSS gives
that class ``white-space: nowrap``. Code, literals and raw HTML are left as
they are. The text itself does not change, so the search index still contains
the names.
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: Names that must not break at their hyphen, longest first so "K-means++" wins over "K-means".
NAMES = ("K-means++", "k-means++", "K-means", "k-means", "t-SNE", "Fashion-MNIST", "NT-Xent")

NAME_PATTERN = re.compile("|".join(re.escape(name) for name in NAMES))

#: Nodes whose text is shown as written, so a span inside them would be wrong or lost.
SKIPPED_PARENTS = (nodes.literal, nodes.literal_block, nodes.raw, nodes.FixedTextElement, nodes.math)


def split_names(text):
    """Split ``text`` into (kind, piece) pairs, kind being "name" for a listed name and "text" otherwise.

    >>> split_names("K-means and t-SNE")
    [('name', 'K-means'), ('text', ' and '), ('name', 't-SNE')]
    """
    pieces = []
    position = 0
    for match in NAME_PATTERN.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position : match.start()]))
        pieces.append(("name", match.group()))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


class KeepNamesTogether(SphinxPostTransform):
    """Wrap each listed name in an inline node with the class ``kmdl-nowrap``."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs):
        for text_node in list(self.document.findall(nodes.Text)):
            parent = text_node.parent
            if parent is None or any(isinstance(node, SKIPPED_PARENTS) for node in _ancestors(parent)):
                continue
            if not NAME_PATTERN.search(text_node):
                continue
            replacement = [
                nodes.inline(piece, piece, classes=["kmdl-nowrap"]) if kind == "name" else nodes.Text(piece)
                for kind, piece in split_names(str(text_node))
            ]
            parent.replace(text_node, replacement)


def _ancestors(node):
    """Yield ``node``, then its parent, and so on up to the document."""
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    app.add_post_transform(KeepNamesTogether)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

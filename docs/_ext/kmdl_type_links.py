"""Keep words of a docstring's type description from linking to unrelated attributes.

Napoleon turns a numpydoc type such as ``ndarray of shape (n, d)`` into a
Sphinx type field, and the Python domain makes every word of it a cross
reference. For a bare name it tries the exact name, then the name in the
current module and class, and then any documented object whose full name ends
in ``.name``. That last, fuzzy step links "shape" in every "ndarray of shape"
to ``LayerBox.shape``, an unrelated attribute.

This extension drops the fuzzy step for lowercase bare names, the words and
built-in types of a type description. Such a name stays a link when it names
a documented object exactly or in the current module or class. Capitalised
names, such as ``Autoencoder``, keep the fuzzy step, because they are the
package's classes.

NOTE: only objects of this site count as exact. If intersphinx is added, a
lowercase name such as ``int`` would lose its link to another project's docs.
"""

from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform


def exact_candidates(target, module, class_name):
    """Return the full names that the Python domain tries before its fuzzy search, in its order."""
    candidates = [target]
    if module and class_name:
        candidates.append(f"{module}.{class_name}.{target}")
    if module:
        candidates.append(f"{module}.{target}")
    return candidates


def is_fuzzy_only(node, objects):
    """Return True when ``node`` is a lowercase bare name that only the fuzzy search would resolve."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not node.get("refspecific"):
        return False
    if not target or "." in target or not target[0].islower():
        return False
    candidates = exact_candidates(target, node.get("py:module"), node.get("py:class"))
    return not any(name in objects for name in candidates)


class UnlinkFuzzyTypeWords(SphinxPostTransform):
    """Replace fuzzy-only references of lowercase names with their unlinked contents."""

    # Before Sphinx's ReferencesResolver (priority 10) resolves them.
    default_priority = 5

    def run(self, **kwargs):
        objects = self.env.domains["py"].objects
        for node in list(self.document.findall(addnodes.pending_xref)):
            if is_fuzzy_only(node, objects):
                # The children keep the field's formatting (emphasis) without the link.
                node.replace_self(node.children)


def setup(app):
    app.add_post_transform(UnlinkFuzzyTypeWords)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

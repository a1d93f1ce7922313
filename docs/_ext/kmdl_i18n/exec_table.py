"""MyST-NB's table of execution times in the language of the build.

MyST-NB's ``nb-exec-table`` directive leaves a placeholder that a
post-transform replaces with the table, after Sphinx has translated the page,
so the headers are always English, each row names its page by docname, and
the rows follow the docnames' alphabetical order. :class:`ExecutionTable`
runs just before MyST-NB's post-transform and replaces the placeholder
itself with MyST-NB's own table, adjusted in four ways. The headers and
execution modes are in the build's language. Each page is named by its
title, which a translated build translates. The rows follow the site's
navigation, and the run times are right-aligned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from myst_nb.ext.execution_tables import ExecutionStatsNode, make_stat_table
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# MyST-NB 1.4's headers, in the order of its columns.
ENGLISH_HEADERS = ["Document", "Modified", "Method", "Run Time (s)", "Status"]
HEADERS = {"zh_CN": ["页面", "生成时间", "执行模式", "运行时间（秒）", "状态"]}
# Values of the "Method" column: MyST-NB's execution mode (nb_execution_mode).
MODES = {"zh_CN": {"cache": "缓存模式", "auto": "自动模式", "force": "强制模式", "inline": "内联模式"}}
MODE_COLUMN = ENGLISH_HEADERS.index("Method")
RUN_TIME_COLUMN = ENGLISH_HEADERS.index("Run Time (s)")
# The title Sphinx records for a page that has no heading.
NO_TITLE = "<no title>"


def replace_text(entry: nodes.entry, text: str) -> None:
    """Replace the text of a table cell that contains one paragraph of plain text."""
    paragraph = entry.next_node(nodes.paragraph)
    paragraph.children = []
    paragraph += nodes.Text(text)


def navigation_order(env: BuildEnvironment, root: str) -> list[str]:
    """Return the docnames in the order a reader meets them in the site's navigation."""
    order: list[str] = []
    pending = [root]
    while pending:
        docname = pending.pop()
        if docname in order:
            continue
        order.append(docname)
        pending.extend(reversed(env.toctree_includes.get(docname, [])))
    return order


class ExecutionTable(SphinxPostTransform):
    """Replace MyST-NB's execution-table placeholder with a translated, ordered table."""

    # Just before MyST-NB's ExecutionStatsPostTransform (8), which then finds no placeholder.
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        for placeholder in list(self.document.findall(ExecutionStatsNode)):
            table = make_stat_table(self.env.docname, NbMetadataCollector.get_doc_data(self.env))
            self.adjust(table)
            placeholder.replace_self(table)

    def adjust(self, table: nodes.table) -> None:
        language = self.config.language
        head = table.next_node(nodes.thead)
        for cell, text in zip(head.findall(nodes.entry), HEADERS.get(language, ENGLISH_HEADERS)):
            replace_text(cell, text)
        list(head.findall(nodes.entry))[RUN_TIME_COLUMN]["classes"].append("text-right")

        body = table.next_node(nodes.tbody)
        rank = {docname: index for index, docname in enumerate(navigation_order(self.env, self.config.root_doc))}
        rows = []
        for row in body.children:
            cells = row.children
            link = cells[0].next_node(pending_xref)
            # MyST-NB writes the docname as the link's text.
            docname = link.astext()
            title = self.env.titles.get(docname)
            if title is not None and title.astext() != NO_TITLE:
                link.children = [nodes.inline(text=title.astext())]
            mode = cells[MODE_COLUMN].astext()
            replace_text(cells[MODE_COLUMN], MODES.get(language, {}).get(mode, mode))
            cells[RUN_TIME_COLUMN]["classes"].append("text-right")
            rows.append((rank.get(docname, len(rank)), docname, row))
        body.children = []
        for _, _, row in sorted(rows, key=lambda item: item[:2]):
            body += row


def setup(app: Sphinx) -> None:
    app.add_post_transform(ExecutionTable)

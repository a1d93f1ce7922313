"""MyST-NB's table of execution times in the language of the build.

MyST-NB's ``nb-exec-table`` directive builds its table in a post-transform,
after Sphinx has translated the page, so its headers are always English and
each row names its page by docname. :class:`TranslateExecutionTable` runs
right after it: it translates the headers and the execution method, and names
each page by its title, which in a translated build is the translated title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# The header row of MyST-NB 1.4's make_stat_table, which identifies the table.
ENGLISH_HEADERS = ["Document", "Modified", "Method", "Run Time (s)", "Status"]
HEADERS = {"zh_CN": ["页面", "生成时间", "执行方式", "运行时间（秒）", "状态"]}
# Values of the "Method" column: MyST-NB's execution mode (nb_execution_mode).
METHODS = {"zh_CN": {"cache": "缓存", "auto": "自动", "force": "强制", "inline": "内联"}}
METHOD_COLUMN = ENGLISH_HEADERS.index("Method")


def replace_text(entry: nodes.entry, text: str) -> None:
    """Replace the text of a table cell that contains one paragraph of plain text."""
    paragraph = entry.next_node(nodes.paragraph)
    paragraph.children = []
    paragraph += nodes.Text(text)


class TranslateExecutionTable(SphinxPostTransform):
    """Translate MyST-NB's execution table and name each page by its title."""

    # After MyST-NB's ExecutionStatsPostTransform (8), before the references are resolved (10).
    default_priority = 9

    def run(self, **kwargs: Any) -> None:
        language = self.config.language
        for table in self.document.findall(nodes.table):
            head = table.next_node(nodes.thead)
            if head is None:
                continue
            header_cells = list(head.findall(nodes.entry))
            if [cell.astext() for cell in header_cells] != ENGLISH_HEADERS:
                continue
            for cell, text in zip(header_cells, HEADERS.get(language, ENGLISH_HEADERS)):
                replace_text(cell, text)
            for row in table.next_node(nodes.tbody).children:
                self.translate_row(row, METHODS.get(language, {}))

    def translate_row(self, row: nodes.row, methods: dict[str, str]) -> None:
        cells = row.children
        link = cells[0].next_node(pending_xref)
        if link is not None:
            title = self.env.titles.get(link.astext())
            if title is not None:
                link.children = [nodes.inline(text=title.astext())]
        method = cells[METHOD_COLUMN].astext()
        if method in methods:
            replace_text(cells[METHOD_COLUMN], methods[method])


def setup(app: Sphinx) -> None:
    app.add_post_transform(TranslateExecutionTable)

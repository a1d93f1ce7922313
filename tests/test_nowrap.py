"""docs/_ext/kmdl_nowrap.py: which names are kept on one line, and where."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extras (Sphinx) are not installed")

from docutils import nodes  # noqa: E402
from docutils.frontend import get_default_settings  # noqa: E402
from docutils.parsers.rst import Parser  # noqa: E402
from docutils.utils import new_document  # noqa: E402

EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "kmdl_nowrap.py"
spec = importlib.util.spec_from_file_location("kmdl_nowrap", EXT)
nowrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nowrap)


def wrapped(document):
    return [node.astext() for node in document.findall(nodes.inline) if "kmdl-nowrap" in node["classes"]]


def transformed(*children):
    document = new_document("test", get_default_settings(Parser))
    document += children
    transform = nowrap.KeepNamesTogether(document)
    transform.run()
    return document


def test_split_keeps_plus_plus():
    assert nowrap.split_names("k-means++ init") == [("name", "k-means++"), ("text", " init")]


def test_split_plain_text_unchanged():
    assert nowrap.split_names("no names here") == [("text", "no names here")]


def test_names_in_paragraph_wrapped():
    document = transformed(nodes.paragraph("", "Run K-means, then t-SNE."))
    assert wrapped(document) == ["K-means", "t-SNE"]
    assert document.astext() == "Run K-means, then t-SNE."


def test_code_left_alone():
    document = transformed(
        nodes.paragraph("", "", nodes.literal("", "init='k-means++'")),
        nodes.literal_block("", "KMeans(init='k-means++')"),
    )
    assert wrapped(document) == []
    assert len(list(document.findall(nodes.inline))) == 0


def test_names_in_emphasis_wrapped():
    document = transformed(nodes.paragraph("", "", nodes.emphasis("", "Fashion-MNIST images")))
    assert wrapped(document) == ["Fashion-MNIST"]
    assert document.astext() == "Fashion-MNIST images"

"""docs/_ext/kmdl_type_links.py: which type words stay cross references."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extras (Sphinx) are not installed")

from sphinx import addnodes  # noqa: E402

EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "kmdl_type_links.py"
spec = importlib.util.spec_from_file_location("kmdl_type_links", EXT)
type_links = importlib.util.module_from_spec(spec)
spec.loader.exec_module(type_links)

OBJECTS = {
    "kmdl.figures.network_diagrams.LayerBox.shape": None,
    "kmdl.deep.dec.DEC.labels_": None,
    "kmdl.data.load_digits": None,
    "kmdl.deep.autoencoder.Autoencoder": None,
}


def xref(target, module="kmdl.deep.dec", class_name="DEC", specific=True, domain="py"):
    return addnodes.pending_xref(
        "", refdomain=domain, reftarget=target, refspecific=specific, **{"py:module": module, "py:class": class_name}
    )


def test_word_found_only_by_suffix_unlinked():
    assert type_links.is_fuzzy_only(xref("shape"), OBJECTS)


def test_undocumented_type_name_unlinked():
    assert type_links.is_fuzzy_only(xref("ndarray"), OBJECTS)


def test_name_in_current_class_kept():
    assert not type_links.is_fuzzy_only(xref("labels_"), OBJECTS)


def test_name_in_current_module_kept():
    assert not type_links.is_fuzzy_only(xref("load_digits", module="kmdl.data", class_name=None), OBJECTS)


def test_full_name_kept():
    assert not type_links.is_fuzzy_only(xref("kmdl.data.load_digits"), OBJECTS)


def test_class_name_keeps_fuzzy_search():
    assert not type_links.is_fuzzy_only(xref("Autoencoder"), OBJECTS)


def test_explicit_roles_untouched():
    # A :class:`shape` role is not refspecific, and other domains are not ours.
    assert not type_links.is_fuzzy_only(xref("shape", specific=False), OBJECTS)
    assert not type_links.is_fuzzy_only(xref("shape", domain="std"), OBJECTS)

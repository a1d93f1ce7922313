"""The MIME priorities that kmdl_i18n.figures sets for the build language."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("myst_nb", reason="kmdl_i18n extends MyST-NB (docs extra)")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

from myst_nb.core.render import get_mime_priority  # noqa: E402

from kmdl.figures.languages import MIME_TYPES  # noqa: E402
from kmdl_i18n import figures  # noqa: E402


def configure(language, overrides=()):
    config = SimpleNamespace(language=language, nb_mime_priority_overrides=list(overrides))
    figures.prefer_language_images(None, config)
    return config.nb_mime_priority_overrides


def test_chinese_build_prefers_chinese_image():
    overrides = configure("zh_CN", [("gettext", "image/png", 5)])
    html = get_mime_priority("html", overrides)
    assert html.index(MIME_TYPES["zh_CN"]) == html.index("image/png") - 1
    gettext = get_mime_priority("gettext", overrides)
    assert gettext.index(MIME_TYPES["zh_CN"]) < gettext.index("text/plain")


def test_english_build_never_shows_chinese_image():
    overrides = configure("en", [("gettext", "image/png", 5)])
    assert overrides == [("gettext", "image/png", 5)]
    assert MIME_TYPES["zh_CN"] not in get_mime_priority("html", overrides)

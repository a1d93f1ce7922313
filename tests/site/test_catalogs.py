"""The catalog check behind ``nox -s i18n`` (docs/_ext/kmdl_i18n/catalogs.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("babel", reason="the catalog check reads .po files with Babel (docs extra)")

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "_ext" / "kmdl_i18n" / "catalogs.py"
spec = importlib.util.spec_from_file_location("kmdl_i18n_catalogs", SCRIPT)
catalogs = importlib.util.module_from_spec(spec)
# dataclasses look their module up in sys.modules while the module runs.
sys.modules[spec.name] = catalogs
spec.loader.exec_module(catalogs)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def write_catalog(path: Path, entries: list[tuple[str, str]], fuzzy: tuple[str, ...] = ()):
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = []
    for message_id, translation in entries:
        flag = "#, fuzzy\n" if message_id in fuzzy else ""
        blocks.append(f'{flag}msgid "{message_id}"\nmsgstr "{translation}"\n')
    path.write_text(HEADER + "\n".join(blocks), encoding="utf-8")


@pytest.fixture
def folders(tmp_path):
    templates = tmp_path / "gettext"
    locale = tmp_path / "locale"
    write_catalog(templates / "page.pot", [("Title", ""), ("A sentence.", "")])
    return templates, locale, locale / "zh_CN" / "LC_MESSAGES"


def test_complete_catalog_passes(folders, capsys):
    templates, locale, messages = folders
    write_catalog(messages / "page.po", [("Title", "标题"), ("A sentence.", "一句话。")])

    assert catalogs.main([str(templates), str(locale), "zh_CN"]) == 0
    assert "0 out of date or incomplete" in capsys.readouterr().out


def test_missing_catalog_fails(folders, capsys):
    templates, locale, _ = folders

    assert catalogs.main([str(templates), str(locale), "zh_CN"]) == 1
    assert "page: no zh_CN catalog" in capsys.readouterr().out


def test_new_and_stale_messages_fail(folders):
    templates, locale, messages = folders
    write_catalog(messages / "page.po", [("Title", "标题"), ("An old sentence.", "旧句子。")])

    [report] = catalogs.check_all(templates, locale, "zh_CN")
    assert report.new == ["A sentence."]
    assert report.stale == ["An old sentence."]
    assert not report.ok


def test_empty_and_fuzzy_translations_fail(folders):
    templates, locale, messages = folders
    write_catalog(
        messages / "page.po", [("Title", ""), ("A sentence.", "一句话。")], fuzzy=("A sentence.",)
    )

    [report] = catalogs.check_all(templates, locale, "zh_CN")
    assert report.empty == ["Title"]
    assert report.fuzzy == ["A sentence."]
    assert not report.ok


def test_catalog_of_removed_page_fails(folders):
    templates, locale, messages = folders
    write_catalog(messages / "page.po", [("Title", "标题"), ("A sentence.", "一句话。")])
    write_catalog(messages / "removed.po", [("Gone", "没了")])

    reports = {report.domain: report for report in catalogs.check_all(templates, locale, "zh_CN")}
    assert reports["page"].ok
    assert reports["removed"].stale == ["Gone"]


def test_theme_catalog_checked_without_template(folders):
    templates, locale, messages = folders
    write_catalog(messages / "page.po", [("Title", "标题"), ("A sentence.", "一句话。")])
    write_catalog(messages / "sphinx.po", [("Color mode", "配色模式"), ("System Settings", "")])

    reports = {report.domain: report for report in catalogs.check_all(templates, locale, "zh_CN")}
    assert reports["sphinx"].stale == []
    assert reports["sphinx"].empty == ["System Settings"]

"""Check that the translation catalogs match the English pages.

Run after ``sphinx-build -b gettext docs POT_DIR``::

    python docs/_ext/kmdl_i18n/catalogs.py POT_DIR docs/locale zh_CN

A catalog is up to date when its ``.po`` file has exactly the messages of the
matching ``.pot`` template, and every message has a translation that is
neither empty nor marked fuzzy. The script lists each problem and exits with
status 1 when there is one. It only reads files: ``sphinx-intl update``
(``nox -s i18n -- --update``) is what brings new messages into the catalogs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

# Catalogs of the themes' interface strings (see kmdl_i18n.theme). Most of
# their messages come from the themes' own templates, which the gettext
# builder does not read, so an entry missing from the .pot is not stale.
INTERFACE_DOMAINS = {"sphinx", "booktheme"}


@dataclass
class CatalogReport:
    """Problems found in one catalog, each a list of message ids."""

    domain: str
    missing_file: bool = False
    new: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_file or self.new or self.stale or self.empty or self.fuzzy)


def read_catalog(path: Path):
    with path.open("rb") as stream:
        return read_po(stream)


def message_ids(catalog) -> set:
    # Babel lists the header as a message with the empty id.
    return {message.id for message in catalog if message.id}


def check_catalog(pot_path: Path, po_path: Path, domain: str) -> CatalogReport:
    """Compare one ``.po`` file with its ``.pot`` template."""
    report = CatalogReport(domain)
    if not po_path.exists():
        report.missing_file = True
        return report

    template = read_catalog(pot_path)
    catalog = read_catalog(po_path)
    expected = message_ids(template)
    present = message_ids(catalog)
    report.new = sorted(map(str, expected - present))
    report.stale = sorted(map(str, present - expected))
    for message in catalog:
        if not message.id or message.id not in expected:
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(text.strip() for text in translations):
            report.empty.append(str(message.id))
        elif message.fuzzy:
            report.fuzzy.append(str(message.id))
    return report


def check_all(pot_dir: Path, locale_dir: Path, language: str) -> list[CatalogReport]:
    """Check the catalog of every template in ``pot_dir`` for ``language``."""
    po_dir = locale_dir / language / "LC_MESSAGES"
    reports = []
    for pot_path in sorted(pot_dir.rglob("*.pot")):
        domain = pot_path.relative_to(pot_dir).with_suffix("").as_posix()
        report = check_catalog(pot_path, po_dir / f"{domain}.po", domain)
        if domain in INTERFACE_DOMAINS:
            # The .pot holds only the strings of docs/_templates.
            report.stale = []
        reports.append(report)

    # A catalog whose page was removed or renamed is out of date too.
    templates = {report.domain for report in reports}
    for po_path in sorted(po_dir.rglob("*.po")):
        domain = po_path.relative_to(po_dir).with_suffix("").as_posix()
        if domain in templates:
            continue
        if domain in INTERFACE_DOMAINS:
            reports.append(check_catalog(po_path, po_path, domain))
        else:
            orphan = CatalogReport(domain)
            orphan.stale = sorted(map(str, message_ids(read_catalog(po_path))))
            reports.append(orphan)
    return reports


def shorten(message_id: str, width: int = 100) -> str:
    text = " ".join(message_id.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def format_report(report: CatalogReport, language: str) -> str:
    lines = []
    if report.missing_file:
        lines.append(f"{report.domain}: no {language} catalog (run: nox -s i18n -- --update)")
    for label, ids in [
        ("new message, not in the catalog yet", report.new),
        ("message no longer in the English page", report.stale),
        ("empty translation", report.empty),
        ("fuzzy translation, check and remove the fuzzy flag", report.fuzzy),
    ]:
        lines.extend(f"{report.domain}: {label}: {shorten(message_id)}" for message_id in ids)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pot_dir", type=Path, help="folder written by sphinx-build -b gettext")
    parser.add_argument("locale_dir", type=Path, help="folder of the catalogs (docs/locale)")
    parser.add_argument("language", help="language code of the catalogs, such as zh_CN")
    args = parser.parse_args(argv)

    if not any(args.pot_dir.rglob("*.pot")):
        print(f"error: no .pot files in {args.pot_dir}; run sphinx-build -b gettext first")
        return 2

    reports = check_all(args.pot_dir, args.locale_dir, args.language)
    failed = [report for report in reports if not report.ok]
    for report in failed:
        print(format_report(report, args.language))
    counts = {
        "new": sum(len(report.new) for report in reports),
        "stale": sum(len(report.stale) for report in reports),
        "empty": sum(len(report.empty) for report in reports),
        "fuzzy": sum(len(report.fuzzy) for report in reports),
    }
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    print(
        f"{args.language}: {len(reports)} catalogs, {len(failed)} out of date or "
        f"incomplete ({summary})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Every user-facing string has a Chinese translation, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from dev import EXTRACT_ARGS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_every_extracted_string_is_translated_into_chinese(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            *EXTRACT_ARGS,
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "eventsys/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in wanted if i not in translated)
    assert missing == [], f"{len(missing)} strings lack a Chinese translation: {missing[:20]}"
    for msgid, msgstr in translated.items():
        # A plural entry's id and string are tuples: compare the set of names used.
        assert set(PLACEHOLDER.findall(str(msgid))) == set(PLACEHOLDER.findall(str(msgstr))), msgid


def test_the_chinese_catalog_compiles_without_errors() -> None:
    with (ROOT / "eventsys/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []

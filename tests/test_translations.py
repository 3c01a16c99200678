"""Every user-visible string ships with its French translation.

Strings are extracted exactly as ``make translations-extract`` does, then compared with the
French catalogue: a new feature cannot land half-translated.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "matchmaker" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    template = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "ngettext:1,2",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def french():
    with FRENCH.open("rb") as handle:
        return read_po(handle, locale="fr")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings) and not message.fuzzy


def test_every_extracted_string_has_a_french_translation(extracted, french):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translation = french.get(message.id)
        if translation is None or not _translated(translation):
            where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
            missing.append(f"{message.id!r} ({where})")
    assert not missing, (
        "Missing French translations (run `make translations-update`):\n" + "\n".join(missing)
    )


def test_french_translations_keep_their_placeholders(french):
    problems = [
        f"{message.id!r}: {error}" for message, errors in french.check() for error in errors
    ]
    assert not problems, "\n".join(problems)

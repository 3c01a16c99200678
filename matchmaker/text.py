"""Folding text for comparison: one spelling for "Thérapie  cellulaire" and "therapie cellulaire".

Searching and tag matching happen on folded text stored beside the original, so the same
comparison works on SQLite (whose ``LIKE`` folds ASCII only) and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Letters NFKD does not decompose, and typographic variants people paste from word processors.
_SPECIAL_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
    }
)
_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"[-_‐‑‒–—]+")
_NOT_WORD = re.compile(r"[^\w]+")


_SPECIAL_PATTERN = re.compile("[" + "".join(chr(code) for code in _SPECIAL_LETTERS) + "]")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _combining_marks() -> re.Pattern:
    """The combining characters of the Basic Multilingual Plane (the accents NFKD splits off).

    One regular expression scans long texts (imported descriptions) in C; a set of characters
    beyond the BMP would make it slow, and such characters go through the per-character check.
    """
    marks = (chr(code) for code in range(0x10000) if unicodedata.combining(chr(code)))
    return re.compile("[" + "".join(re.escape(mark) for mark in marks) + "]")


def _strip_combining(text: str) -> str:
    text = _combining_marks().sub("", text)
    if _ASTRAL.search(text):
        text = "".join(char for char in text if not unicodedata.combining(char))
    return text


def fold(text: str | None) -> str:
    """Lower case, without accents, with runs of spaces (and hyphens) made one space."""
    if not text:
        return ""
    if text.isascii():
        # Nothing to decompose: the common case, and long imported descriptions, go fast.
        text = text.lower()
    else:
        text = _SPECIAL_PATTERN.sub(lambda match: match[0].translate(_SPECIAL_LETTERS), text)
        text = _strip_combining(unicodedata.normalize("NFKD", text)).casefold()
    text = _HYPHENS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def search_words(text: str | None) -> list[str]:
    """The folded words of a text, punctuation dropped: what a search query is made of."""
    return [word for word in _NOT_WORD.sub(" ", fold(text)).split() if word]


def search_document(*parts: str | None) -> str:
    """A folded, punctuation-free text to search with ``LIKE '%word%'``.

    Surrounded by spaces so that a caller may also match whole words (``'% word %'``).
    """
    words = search_words(" ".join(part for part in parts if part))
    return f" {' '.join(words)} " if words else ""


def tidy_spaces(text: str | None) -> str:
    """The text as typed, with runs of white space made one space and the ends trimmed."""
    return _SPACES.sub(" ", text or "").strip()

"""Folding text for comparison: one spelling for "Thérapie  cellulaire" and "therapie cellulaire".

Searching and tag matching happen on folded text stored beside the original, so the same
comparison works on SQLite (whose ``LIKE`` folds ASCII only) and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

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


def fold(text: str | None) -> str:
    """Lower case, without accents, with runs of spaces (and hyphens) made one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
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

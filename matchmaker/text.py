"""Comparing names the way people read them: case, accents, punctuation and spacing ignored."""

from __future__ import annotations

import re
import unicodedata

_NOT_A_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """``"  L'Institut  Pasteur "`` and ``"l institut pasteur"`` fold to the same key."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_A_WORD.sub(" ", bare.casefold()).strip()

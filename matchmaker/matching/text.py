"""Text normalisation shared by French and English profiles.

Everything here is deterministic and cheap: the same word always gives the same stem, so a
profile vectorised at fit time and the same profile vectorised later for a single query land on
identical features.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters and digits; apostrophes and hyphens split words ("l'anticorps", "fill-finish").
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Accent-free French stop words (the text is folded before lookup).
FRENCH_STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais
    aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels
    avaient avais avait avant avec avez aviez avions avoir avons ayant ayez ayons bien c ca
    car ce ceci cela celle celles celui cependant certain certaine certaines certains ces cet
    cette ceux chacun chacune chaque chez ci comme comment d dans de des desquelles desquels
    dessous dessus deux differents doit donc dont du duquel durant e elle elles en encore
    entre es est et etaient etais etait etant ete etes etiez etions etre eu eue eues eumes
    eurent eus eusse eussent eusses eussiez eussions eut eutes eux fait faire fois font furent
    fus fusse fussent fusses fussiez fussions fut futes grace hors ici il ils j je jusqu
    jusque l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma
    mais me meme memes mes moi moins mon n ne ni non nos notre nous nouveau nouveaux nouvelle
    nouvelles on ont ou par parce parmi pas peu peut peuvent plus plusieurs pour pourquoi
    pouvons qu quand que quel quelle quelles quels qui quoi s sa sans se selon sera serai
    seraient serais serait seras serez seriez serions serons seront ses si sien sienne soi
    soient sois soit sommes son sont sous soyez soyons suis sur t ta tandis te tel telle
    telles tels tes toi ton tous tout toute toutes tres tu un une unes uns v vers via vos
    votre vous y
    afin ainsi apres contre depuis malgre pendant puis puisque
    """.split()  # noqa: SIM905
)



def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list, read from its small module without importing
    the whole of scikit-learn (seconds) just for a list of words."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    path = None
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction"
        path = path / "_stop_words.py"
    if path is not None and path.is_file():
        namespace: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        words = namespace.get("ENGLISH_STOP_WORDS")
        if words:
            return frozenset(words)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


class _StopWords:
    """English (scikit-learn's list) and French stop words, loaded on first use so that
    importing the engine stays light."""

    _words: frozenset[str] | None = None

    def _load(self) -> frozenset[str]:
        if self._words is None:
            type(self)._words = frozenset(_english_stop_words()) | FRENCH_STOP_WORDS
        return self._words  # type: ignore[return-value]

    def __contains__(self, word: object) -> bool:
        return word in self._load()

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


STOP_WORDS = _StopWords()

# Small words skipped inside multi-word concept matching only, so that "fill and finish",
# "fill-finish" and "remplissage et conditionnement" style variants need one listing each.
# Deliberately narrower than STOP_WORDS: "car" (French "because") must stay visible so that
# "CAR-T" does not collapse to "t".
GLUE_WORDS = frozenset(
    """
    a an and at by d de del des du en et for from in l la le les of on or ou par pour the to
    """.split()  # noqa: SIM905
)


def fold(word: str) -> str:
    """Lower-case and strip accents: "Thérapie" -> "therapie", "œdème" -> "oedeme"."""
    word = word.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Endings tried longest first. The stemmer is deliberately light: it only has to make the
# usual French/English variants of a word meet (plural, adjective, -ique/-ic, -ie/-y, -tion),
# and the concept vocabulary carries the real cross-language equivalences.
_SUFFIXES = (
    "issements",
    "issement",
    "ications",
    "ication",
    "isations",
    "isation",
    "izations",
    "ization",
    "ements",
    "ement",
    "ations",
    "ation",
    "ically",
    "iques",
    "ique",
    "icals",
    "ical",
    "ments",
    "ment",
    "ities",
    "ites",
    "itee",
    "ite",
    "ity",
    "aires",
    "aire",
    "ives",
    "ive",
    "ifs",
    "if",
    "ings",
    "ing",
    "ions",
    "ion",
    "euses",
    "euse",
    "eurs",
    "eur",
    "elles",
    "elle",
    "ness",
    "ic",
    "ie",
    "ed",
    "al",
    "ar",
    "el",
    "er",
    "y",
    "e",
)
_MIN_STEM = 4


def _strip_plural(word: str) -> str:
    if len(word) >= 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= 6 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Light bilingual stem of a folded word; words with digits are kept as they are."""
    if not word.isalpha():
        return word
    word = _strip_plural(word)
    # Two passes let "medicale" and "medical" meet ("medicale" -> "medical" -> "medic").
    once = _strip_suffix(word)
    return _strip_suffix(once) if once != word else once


@lru_cache(maxsize=200_000)
def _normalise_word(raw: str) -> tuple[str, str]:
    folded = fold(raw)
    return folded, stem(folded)


def words(text: str) -> list[tuple[str, str, str]]:
    """Split text into (raw, folded, stem) triples; raw keeps the case as written."""
    out = []
    for match in WORD_RE.finditer(text):
        raw = match.group()
        folded, stemmed = _normalise_word(raw)
        out.append((raw, folded, stemmed))
    return out

"""Plain data exchanged with the caller: profiles in, suggestions and reasons out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

SECTORS = ("private", "public")

# Channel names, in the order used for scores and reasons. Text channels' reasons are terms or
# concepts; ``peer_partners`` and ``network`` reasons are organisation keys.
TEXT_CHANNELS = ("expertise", "offer_to_need", "need_to_offer", "similar_partners")
# History channels whose features (and so reasons) are organisations of the query's sector.
HISTORY_PEER_CHANNELS = ("network", "peer_partners")
CHANNELS = (*TEXT_CHANNELS, "peer_partners", "network", "track_record")


@dataclass(frozen=True)
class Profile:
    """One person or organisation, as the caller hands it over.

    ``group`` is the organisation a profile belongs to (its own key for an organisation):
    two profiles of the same group are never suggested to each other. ``parent`` is the key of
    the organisation a person inherits part of their profile from (it must be in the same
    fit, or already in the index). ``kind`` defaults to "person" when ``parent`` is set and
    "organisation" otherwise; suggestions pair profiles of the same kind.
    """

    key: str
    sector: str
    group: str | None = None
    expertise: str = ""
    tags: Sequence[str] = ()
    focus_areas: Sequence[str] = ()
    offer: str = ""
    looking_for: str = ""
    parent: str | None = None
    language: str | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.sector not in SECTORS:
            raise ValueError(f"profile {self.key!r}: sector must be one of {SECTORS}")

    @property
    def effective_kind(self) -> str:
        if self.kind:
            return self.kind
        return "person" if self.parent else "organisation"


@dataclass(frozen=True)
class Weights:
    """Channel weights of the final score, and how documents are put together.

    Final score = expertise * cos(expertise, expertise)
                + offer_to_need * cos(my looking-for, their offer)
                + need_to_offer * cos(my offer, their looking-for)
                + similar_partners * cos(profile of my past partners, their expertise)
                + peer_partners * share of my look-alikes' similarity that went to
                                  organisations which worked with them
                + network * share of a three-step walk my partners -> their partners ->
                            their partners reaching them (resource allocation)
                + track_record * log(1 + their past partners) / log(1 + max(most partners, 20))

    "Look-alikes" are the 100 organisations of my sector whose expertise is closest to mine
    (cosine); they exist even when I have no history of my own. The history terms are zero
    when no collaboration history is given, and small when it is thin (a share of look-alikes
    with partners, a track record measured against at least 20 partners), so that text and
    complementarity dominate in a young cluster.

    Defaults: text weights as designed (expertise and both complementarity directions equal,
    which also lets one product serve both directions); history weights from the grid of
    ``benchmarks/matching_tuning.py --grid`` on ctg-dev, taking among the best settings by
    mean R@10 ratio to the best baseline one that keeps expertise at 1 (the grid showed that
    this costs little: R@10 0.187/0.376 instead of 0.192/0.383). ``similar_partners`` was
    weak in every setting and is off by default.
    """

    expertise: float = 1.0
    offer_to_need: float = 1.0
    need_to_offer: float = 1.0
    similar_partners: float = 0.0
    peer_partners: float = 4.0
    network: float = 0.5
    track_record: float = 0.3
    # Document building: weight of tags and focus areas relative to free text, share of the
    # organisation's vectors a person inherits, and weight of a concept's broader concepts.
    tags: float = 2.0
    focus_areas: float = 1.0
    inherit: float = 0.3
    broader: float = 0.5

    def channel(self, name: str) -> float:
        return float(getattr(self, name))


@dataclass(frozen=True)
class Reason:
    """Why a candidate was suggested: a shared concept or term in one channel.

    ``concept`` is a vocabulary key when the reason is a concept (render it with
    ``Vocabulary.label(concept, lang)`` or :meth:`text`); ``term`` is a readable surface form
    ("monoclonal antibodies", "fill finish"). History channels carry an empty term when they
    have no single term to show.
    """

    channel: str
    concept: str | None
    term: str
    weight: float

    def text(self, vocabulary, lang: str = "en") -> str:
        if self.concept is not None and self.concept in vocabulary:
            return vocabulary.label(self.concept, lang)
        return self.term


@dataclass(frozen=True)
class Suggestion:
    candidate: str
    score: float
    channels: dict[str, float] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)

    def reasons_for(self, channel: str) -> list[Reason]:
        return [r for r in self.reasons if r.channel == channel]

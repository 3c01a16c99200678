"""The engine's weights as organisers set them: stored in the database, defaults from the library.

Only the values organisers changed are stored; any weight the library adds later starts at its
own default. A change takes effect at the next rebuild, which saving one requests.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.extensions import db
from matchmaker.matching import CHANNELS, Weights
from matchmaker.models import MatchingSetting, User, utcnow
from matchmaker.services.matching_changes import request_rebuild

WEIGHTS_KEY = "weights"
# Document-building weights: a share for "inherit", multipliers for the others.
SHARES = frozenset({"inherit"})
MAXIMUM = 10.0

# What a channel means to a member reading their own suggestions ("you" = the reader): the
# reasons say it, and the settings page names the channel's weight with it.
CHANNEL_PHRASES = {
    "expertise": _l("Shared expertise"),
    "offer_to_need": _l("Their offer matches what you look for"),
    "need_to_offer": _l("They look for what you offer"),
    "similar_partners": _l("Close to the partners you worked with"),
    "peer_partners": _l("Their past partners are close to you"),
    "network": _l("Worked with organisations that share partners with you"),
}
# What each weight does, for the settings page (weights the library adds later show their name).
WEIGHT_LABELS = {
    **CHANNEL_PHRASES,
    "track_record": _l("Track record of collaborations"),
    "tags": _l("Tags, compared with free text"),
    "focus_areas": _l("Focus areas, compared with free text"),
    "inherit": _l("Share of the organisation in a person's profile"),
    "broader": _l("Broader concepts"),
}
WEIGHT_HINTS = {
    "expertise": _l("Both describe the same fields, methods or products."),
    "offer_to_need": _l("What the candidate offers against what the member looks for."),
    "need_to_offer": _l("What the member offers against what the candidate looks for."),
    "similar_partners": _l(
        "The candidate resembles the organisations the member already collaborated with."
    ),
    "peer_partners": _l("The candidate's past partners resemble the member."),
    "network": _l(
        "Organisations that share partners with the member have worked with the candidate."
    ),
    "track_record": _l("A bonus for candidates with many known collaborations."),
    "tags": _l("How much a tag counts against a word of a description."),
    "focus_areas": _l("How much a focus area counts against a word of a description."),
    "inherit": _l(
        "From 0 to 1: how much of their organisation's profile a person's profile includes."
    ),
    "broader": _l(
        "How much a mention of a concept also counts for its broader concept "
        "(“bispecific antibodies” for “antibodies”)."
    ),
}


class WeightsError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def weight_names() -> list[str]:
    return [field.name for field in dataclasses.fields(Weights)]


def channel_names() -> list[str]:
    return [name for name in weight_names() if name in CHANNELS]


def document_names() -> list[str]:
    return [name for name in weight_names() if name not in CHANNELS]


def default_weights() -> Weights:
    return Weights()


def _stored() -> MatchingSetting | None:
    return db.session.get(MatchingSetting, WEIGHTS_KEY)


def current_weights() -> Weights:
    """The library's defaults, overridden by what organisers saved."""
    setting = _stored()
    known = set(weight_names())
    values = {}
    for name, value in (setting.value if setting is not None else {}).items():
        if name in known and isinstance(value, int | float) and math.isfinite(value):
            values[name] = float(value)
    return Weights(**values)


@dataclass(frozen=True)
class WeightsState:
    weights: Weights
    updated_at: datetime | None
    updated_by: User | None

    @property
    def is_default(self) -> bool:
        return self.weights == default_weights()


def weights_state() -> WeightsState:
    setting = _stored()
    updated_by = (
        db.session.get(User, setting.updated_by_id)
        if setting is not None and setting.updated_by_id
        else None
    )
    return WeightsState(
        current_weights(), setting.updated_at if setting is not None else None, updated_by
    )


def _check(name: str, value: float | None) -> float:
    if value is None or not math.isfinite(value):
        raise WeightsError(name, _("Enter a number."))
    upper = 1.0 if name in SHARES else MAXIMUM
    if not 0 <= value <= upper:
        raise WeightsError(
            name, _("Enter a number from %(low)s to %(high)s.", low=0, high=f"{upper:g}")
        )
    return float(value)


def save_weights(values: dict[str, float | None], *, by: User) -> Weights:
    """Store the weights (every known name must be given) and request a rebuild. One commit."""
    checked = {name: _check(name, values.get(name)) for name in weight_names()}
    if not any(checked[name] > 0 for name in channel_names()):
        raise WeightsError(
            channel_names()[0], _("At least one channel must count: give it a weight above 0.")
        )
    defaults = dataclasses.asdict(default_weights())
    # Only what differs from the defaults is stored: later default changes still reach the rest.
    changed = {name: value for name, value in checked.items() if value != defaults[name]}
    setting = _stored()
    now = utcnow()
    if setting is None:
        setting = MatchingSetting(key=WEIGHTS_KEY)
        db.session.add(setting)
    setting.value = changed
    setting.updated_at = now
    setting.updated_by_id = by.id
    request_rebuild("weights", by_id=by.id)
    db.session.commit()
    return Weights(**checked)


def reset_weights(*, by: User) -> Weights:
    """Back to the library's defaults (a rebuild is requested). One commit."""
    return save_weights(dataclasses.asdict(default_weights()), by=by)

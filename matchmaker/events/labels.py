"""Translated names of event kinds, invitation states and answers, for pages and emails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matchmaker.models import Answer, EventKind, InvitationSource, InvitationState
from matchmaker.templating import label_of

KIND_LABELS = {
    EventKind.AFTERWORK: _l("Afterwork"),
    EventKind.CONGRESS: _l("Congress"),
    EventKind.WORKSHOP: _l("Workshop"),
}

STATE_LABELS = {
    InvitationState.PROPOSED: _l("Proposed"),
    InvitationState.LOCKED: _l("Locked"),
    InvitationState.EXCLUDED: _l("Excluded"),
    InvitationState.INVITED: _l("Invited, no answer yet"),
    InvitationState.YES: _l("Coming"),
    InvitationState.NO: _l("Not coming"),
    InvitationState.MAYBE: _l("Maybe"),
    InvitationState.WAITLISTED: _l("On the waitlist"),
    InvitationState.CAME: _l("Came"),
    InvitationState.NO_SHOW: _l("Did not come"),
}

ANSWER_LABELS = {
    Answer.YES: _l("Yes, I will come"),
    Answer.NO: _l("No, I cannot come"),
    Answer.MAYBE: _l("Maybe"),
}

SOURCE_LABELS = {
    InvitationSource.GENERATED: _l("Proposed by the generator"),
    InvitationSource.MANUAL: _l("Added by hand"),
    InvitationSource.REGISTERED: _l("Registered themselves"),
    InvitationSource.WALK_IN: _l("Walk-in"),
}


def event_kind_label(code: str | None) -> str:
    return label_of(KIND_LABELS, code)


def invitation_state_label(code: str | None) -> str:
    return label_of(STATE_LABELS, code)


def answer_label(code: str | None) -> str:
    return label_of(ANSWER_LABELS, code)


def invitation_source_label(code: str | None) -> str:
    return label_of(SOURCE_LABELS, code)

"""All models, imported here so that Alembic and the app see the whole schema."""

from matchmaker.models.accounts import LoginAttempt, Person, User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.events import (
    Answer,
    Event,
    EventFeedback,
    EventKind,
    Invitation,
    InvitationSource,
    InvitationState,
    event_organisers,
    event_tags,
)
from matchmaker.models.fundraising import FundingRound, RoundKind
from matchmaker.models.introductions import (
    IntroductionBlock,
    IntroductionEvent,
    IntroductionRequest,
)
from matchmaker.models.mail_preferences import (
    DEFAULT_SUBSCRIBED,
    OPTIONAL_CATEGORIES,
    MailPreference,
)
from matchmaker.models.matching import (
    Connection,
    ConnectionVia,
    HiddenSuggestion,
    MatchingChange,
    MatchingRun,
    MatchingRunStatus,
    MatchingSetting,
    PartyKind,
    Suggestion,
    Veto,
    ordered_pair,
)
from matchmaker.models.notifications import Notification
from matchmaker.models.organisations import Organisation, OrganisationFocusArea
from matchmaker.models.outbox import MailCategory, OutboxMessage, OutboxStatus
from matchmaker.models.projects import (
    Project,
    ProjectMember,
    ProjectStatusChange,
    project_tags,
)
from matchmaker.models.search import organisation_search_text, person_search_text
from matchmaker.models.tags import Concept, ConceptTerm, Tag, organisation_tags, person_tags

__all__ = [
    "DEFAULT_SUBSCRIBED",
    "OPTIONAL_CATEGORIES",
    "Answer",
    "Base",
    "Concept",
    "ConceptTerm",
    "Connection",
    "ConnectionVia",
    "Event",
    "EventFeedback",
    "EventKind",
    "FundingRound",
    "HiddenSuggestion",
    "IntroductionBlock",
    "IntroductionEvent",
    "IntroductionRequest",
    "Invitation",
    "InvitationSource",
    "InvitationState",
    "LoginAttempt",
    "MailCategory",
    "MailPreference",
    "MatchingChange",
    "MatchingRun",
    "MatchingRunStatus",
    "MatchingSetting",
    "Notification",
    "Organisation",
    "OrganisationFocusArea",
    "OutboxMessage",
    "OutboxStatus",
    "PartyKind",
    "Person",
    "Project",
    "ProjectMember",
    "ProjectStatusChange",
    "RoundKind",
    "Suggestion",
    "Tag",
    "UTCDateTime",
    "User",
    "Veto",
    "event_organisers",
    "event_tags",
    "ordered_pair",
    "organisation_search_text",
    "organisation_tags",
    "person_search_text",
    "person_tags",
    "project_tags",
    "utcnow",
]

"""People: who may see a profile and its contact details, and saving one's own profile.

The two rules other features reuse live here and nowhere else:

* :func:`can_view_person` / :func:`visible_people_clause` — a profile's visibility (members,
  public, hidden), the same rule for one page and for a query over many people;
* :func:`can_see_contact_details` — email and phone are shown to the person themself, to
  organisers, and to someone they met through an accepted introduction; never to others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from matchmaker.domain import Visibility
from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    ConnectionVia,
    Organisation,
    PartyKind,
    Person,
    User,
    ordered_pair,
    utcnow,
)
from matchmaker.services.matching_changes import mark_parties
from matchmaker.services.tags import commit_retrying_new_tags, resolve_tags
from matchmaker.text import tidy_spaces

FULL_NAME_MAX = 120
POSITION_MAX = 120
PROFILE_TEXT_MAX = 5000
PHONE_MAX = 40


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def can_view_person(viewer, person: Person) -> bool:
    """Whether ``viewer`` (a User, Flask-Login's anonymous user, or None) may see the profile.

    Public profiles are open to everyone, members-only profiles to signed-in members, hidden
    ones to the person, their organisation's members and organisers. Accounts not confirmed yet
    are seen only by their owner and organisers.
    """
    if _signed_in(viewer) and (viewer.is_organiser or viewer.id == person.user_id):
        return True
    if person.user.confirmed_at is None:
        return False
    if person.visibility == Visibility.PUBLIC:
        return True
    if not _signed_in(viewer):
        return False
    if person.visibility == Visibility.MEMBERS:
        return True
    own = viewer.person
    return (
        own is not None
        and own.organisation_id is not None
        and own.organisation_id == person.organisation_id
    )


def visible_people_clause(viewer) -> ColumnElement[bool]:
    """:func:`can_view_person` as a WHERE clause; the query must join ``Person.user``."""
    if _signed_in(viewer) and viewer.is_organiser:
        return true()
    confirmed = User.confirmed_at.is_not(None)
    conditions = [and_(confirmed, Person.visibility == Visibility.PUBLIC.value)]
    if _signed_in(viewer):
        conditions.append(and_(confirmed, Person.visibility == Visibility.MEMBERS.value))
        conditions.append(Person.user_id == viewer.id)
        own = viewer.person
        if own is not None and own.organisation_id is not None:
            conditions.append(and_(confirmed, Person.organisation_id == own.organisation_id))
    return or_(*conditions)


def visible_people_query(viewer):
    """``SELECT people`` limited to those ``viewer`` may see, joined with their accounts."""
    return select(Person).join(Person.user).where(visible_people_clause(viewer))


def get_visible_person(person_id: int, viewer) -> Person | None:
    """The person, or None when they do not exist or are not visible to ``viewer``."""
    person = db.session.get(Person, person_id)
    if person is None or not can_view_person(viewer, person):
        return None
    return person


def visible_members(organisation: Organisation, viewer) -> list[Person]:
    """The organisation's people that ``viewer`` may see, by name."""
    return list(
        db.session.scalars(
            visible_people_query(viewer)
            .where(Person.organisation_id == organisation.id)
            .order_by(Person.full_name)
        )
    )


def were_introduced(a: Person, b: Person) -> bool:
    """Whether an introduction between these two people was accepted."""
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(
        (PartyKind.PERSON.value, a.id), (PartyKind.PERSON.value, b.id)
    )
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Connection.a_kind == a_kind,
                    Connection.a_id == a_id,
                    Connection.b_kind == b_kind,
                    Connection.b_id == b_id,
                    Connection.via == ConnectionVia.INTRODUCTION.value,
                )
            )
        )
    )


def can_see_contact_details(viewer, person: Person) -> bool:
    """Email and phone: for the person, organisers, and whoever they were introduced to."""
    if not _signed_in(viewer):
        return False
    if viewer.id == person.user_id or viewer.is_organiser:
        return True
    own = viewer.person
    if own is None or own.id == person.id:
        return False
    return were_introduced(own, person)


# ORCID iDs: four groups of four characters, the last one a MOD 11-2 check digit (or X).
_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_ORCID_PREFIX = re.compile(r"^(https?://)?(www\.)?orcid\.org/", re.IGNORECASE)


def orcid_check_digit(first_fifteen_digits: str) -> str:
    total = 0
    for digit in first_fifteen_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


class InvalidOrcid(ValueError):
    pass


def parse_orcid(value: str) -> str:
    """The iD as ``0000-0002-1825-0097``, from that form, the bare digits or the orcid.org URL.

    Raises :class:`InvalidOrcid` (with a message for the person) when the shape or the check
    digit is wrong.
    """
    text = _ORCID_PREFIX.sub("", (value or "").strip()).strip("/").upper().replace(" ", "")
    match = _ORCID.match(text)
    if not match:
        raise InvalidOrcid(_("An ORCID iD looks like 0000-0002-1825-0097."))
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise InvalidOrcid(_("This ORCID iD is not valid: check the digits."))
    return "-".join(match.groups())


@dataclass
class ProfileData:
    full_name: str
    position: str = ""
    expertise: str = ""
    offer: str = ""
    looking_for: str = ""
    tag_labels: list[str] = field(default_factory=list)
    orcid: str | None = None
    linkedin_url: str | None = None
    website: str | None = None
    phone: str | None = None
    language: str = "fr"
    visibility: str = Visibility.MEMBERS.value
    consent_matching: bool = False
    introductions_via_staff: bool = False


@dataclass(frozen=True)
class ProfileSaved:
    person: Person
    consent_withdrawn: bool
    consent_given: bool


class ProfileError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def _validate_profile(data: ProfileData) -> None:
    if not tidy_spaces(data.full_name):
        raise ProfileError("full_name", _("Enter your name."))
    if data.language not in ("fr", "en"):
        raise ProfileError("language", _("Choose French or English."))
    if data.visibility not in {v.value for v in Visibility}:
        raise ProfileError("visibility", _("Choose who may see your profile."))
    if data.orcid:
        try:
            data.orcid = parse_orcid(data.orcid)
        except InvalidOrcid as exc:
            raise ProfileError("orcid", str(exc)) from None


def save_profile(user: User, data: ProfileData) -> ProfileSaved:
    """Save the signed-in person's own profile (creating it for an account that had none)."""
    _validate_profile(data)
    person_id = user.person.id if user.person is not None else None

    def work() -> ProfileSaved:
        person = db.session.get(Person, person_id) if person_id else None
        if person is None:
            person = Person(user=user, full_name="")
            db.session.add(person)
        had_consent = bool(person.consent_matching) if person_id else False
        person.full_name = tidy_spaces(data.full_name)[:FULL_NAME_MAX]
        person.position = tidy_spaces(data.position)[:POSITION_MAX]
        person.expertise = (data.expertise or "").strip()
        person.offer = (data.offer or "").strip()
        person.looking_for = (data.looking_for or "").strip()
        person.orcid = data.orcid or None
        person.linkedin_url = data.linkedin_url or None
        person.website = data.website or None
        person.phone = tidy_spaces(data.phone)[:PHONE_MAX] or None
        person.language = data.language
        person.visibility = data.visibility
        person.consent_matching = bool(data.consent_matching)
        person.introductions_via_staff = bool(data.introductions_via_staff)
        if person.consent_matching and not had_consent:
            person.consent_given_at = utcnow()
        elif not person.consent_matching:
            person.consent_given_at = None
        person.tags = resolve_tags(data.tag_labels)
        # Suggestions follow within seconds; a withdrawn consent takes the person out of them.
        mark_parties(person)
        return ProfileSaved(
            person=person,
            consent_withdrawn=had_consent and not person.consent_matching,
            consent_given=person.consent_matching and not had_consent,
        )

    return commit_retrying_new_tags(work)

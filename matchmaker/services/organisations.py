"""Organisations: who may edit one, and creating or updating it with its rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.domain import FocusArea, OrganisationKind, Region, Sector
from matchmaker.extensions import db
from matchmaker.models import Organisation, User
from matchmaker.services.matching_changes import mark_parties
from matchmaker.services.tags import commit_retrying_new_tags, resolve_tags
from matchmaker.text import search_words, tidy_spaces

NAME_MAX = 200
CITY_MAX = 120
DESCRIPTION_MAX = 20_000
OFFER_MAX = 5_000
EARLIEST_FOUNDED_YEAR = 1800


def name_key(name: str) -> str:
    """Names compare as people read them: case, accents and punctuation ignored."""
    return " ".join(search_words(name))


def organisations_by_name() -> list[Organisation]:
    """Every organisation, sorted as a reader expects (accents and case ignored)."""
    organisations = db.session.scalars(select(Organisation)).all()
    return sorted(
        organisations, key=lambda organisation: (name_key(organisation.name), organisation.id)
    )


def find_by_name(name: str) -> Organisation | None:
    """The organisation whose name reads the same as ``name``, if one is registered."""
    wanted = name_key(name)
    if not wanted:
        return None
    rows = db.session.execute(select(Organisation.id, Organisation.name)).all()
    for organisation_id, existing in rows:
        if name_key(existing) == wanted:
            return db.session.get(Organisation, organisation_id)
    return None


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Its members, organisers and admins; nobody else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_organiser:
        return True
    person = user.person
    return person is not None and person.organisation_id == organisation.id


def can_create_organisation(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_organiser


@dataclass
class OrganisationData:
    name: str
    kind: str = OrganisationKind.OTHER.value
    region: str = Region.OTHER.value
    city: str = ""
    website: str | None = None
    description: str = ""
    offer: str = ""
    looking_for: str = ""
    focus_areas: list[str] = field(default_factory=list)
    tag_labels: list[str] = field(default_factory=list)
    founded_year: int | None = None
    cluster_startup: bool = False
    startup_created_on: date | None = None
    introductions_via_staff: bool = False


class OrganisationError(ValueError):
    """A rule the data breaks; ``field`` names the form field the message belongs to."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def validate_organisation(
    data: OrganisationData, *, today: date | None = None, existing: Organisation | None = None
) -> None:
    """The rules that hold whoever writes an organisation (form, import, command)."""
    today = today or date.today()
    name = tidy_spaces(data.name)
    if not name:
        raise OrganisationError("name", _("Enter the organisation's name."))
    if len(name) > NAME_MAX:
        raise OrganisationError("name", _("At most %(max)d characters.", max=NAME_MAX))
    clash = find_by_name(name)
    if clash is not None and clash is not existing:
        raise OrganisationError("name", _("An organisation with this name already exists."))
    if data.kind not in {kind.value for kind in OrganisationKind}:
        raise OrganisationError("kind", _("Choose a kind of organisation."))
    if data.region not in {region.value for region in Region}:
        raise OrganisationError("region", _("Choose a region."))
    unknown = set(data.focus_areas) - {area.value for area in FocusArea}
    if unknown:
        raise OrganisationError("focus_areas", _("Choose focus areas from the list."))
    if len(data.description or "") > DESCRIPTION_MAX:
        raise OrganisationError(
            "description", _("At most %(max)d characters.", max=DESCRIPTION_MAX)
        )
    if data.founded_year is not None and not (
        EARLIEST_FOUNDED_YEAR <= data.founded_year <= today.year
    ):
        raise OrganisationError(
            "founded_year",
            _(
                "Enter a year between %(first)d and %(last)d.",
                first=EARLIEST_FOUNDED_YEAR,
                last=today.year,
            ),
        )
    if data.cluster_startup:
        if OrganisationKind(data.kind).sector != Sector.PRIVATE:
            raise OrganisationError(
                "cluster_startup",
                _("Only a company can be a startup created with the cluster's support."),
            )
        if data.startup_created_on is None:
            raise OrganisationError(
                "startup_created_on", _("Enter the date the startup was created.")
            )
        if data.startup_created_on > today:
            raise OrganisationError(
                "startup_created_on", _("The creation date cannot be in the future.")
            )
        if data.founded_year is not None and data.startup_created_on.year < data.founded_year:
            raise OrganisationError(
                "startup_created_on",
                _("The startup cannot be created before the year the organisation was founded."),
            )


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    organisation.name = tidy_spaces(data.name)
    organisation.kind = data.kind
    organisation.region = data.region
    organisation.city = tidy_spaces(data.city)[:CITY_MAX]
    organisation.website = data.website or None
    organisation.description = (data.description or "").strip()
    organisation.offer = (data.offer or "").strip()
    organisation.looking_for = (data.looking_for or "").strip()
    organisation.focus_areas = list(data.focus_areas)
    organisation.founded_year = data.founded_year
    organisation.cluster_startup = bool(data.cluster_startup)
    organisation.startup_created_on = data.startup_created_on if data.cluster_startup else None
    organisation.introductions_via_staff = bool(data.introductions_via_staff)
    organisation.tags = resolve_tags(data.tag_labels)
    mark_parties(organisation)


def create_organisation(data: OrganisationData, *, by: User) -> Organisation:
    """An organiser adds an organisation. Raises :class:`OrganisationError`, writes nothing."""
    if not can_create_organisation(by):
        raise PermissionError("only organisers create organisations")
    validate_organisation(data)

    def work() -> Organisation:
        organisation = Organisation(name="")
        db.session.add(organisation)
        _apply(organisation, data)
        return organisation

    return commit_retrying_new_tags(work)


def update_organisation(organisation: Organisation, data: OrganisationData, *, by: User) -> None:
    """A member (or an organiser) saves the organisation's profile."""
    if not can_edit_organisation(by, organisation):
        raise PermissionError("not a member of this organisation")
    validate_organisation(data, existing=organisation)
    commit_retrying_new_tags(lambda: _apply(organisation, data))

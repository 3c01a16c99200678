"""The cluster's fixed vocabularies: organisation kinds and sectors, regions, focus areas.

Codes are stored in the database; labels are translated at display time.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class OrganisationKind(StrEnum):
    UNIVERSITY_LAB = "university_lab"
    HOSPITAL = "hospital"
    RESEARCH_INSTITUTE = "research_institute"
    PUBLIC_BODY = "public_body"
    STARTUP = "startup"
    SME = "sme"
    LARGE_COMPANY = "large_company"
    CDMO = "cdmo"
    INVESTOR = "investor"
    TECHNOLOGY_PLATFORM = "technology_platform"
    OTHER = "other"

    @property
    def sector(self) -> Sector:
        return Sector.PUBLIC if self in PUBLIC_KINDS else Sector.PRIVATE


# Technology platforms in this cluster are mostly academic core facilities; "other" is counted
# as public because it covers associations, foundations and the cluster's own staff.
PUBLIC_KINDS = frozenset(
    {
        OrganisationKind.UNIVERSITY_LAB,
        OrganisationKind.HOSPITAL,
        OrganisationKind.RESEARCH_INSTITUTE,
        OrganisationKind.PUBLIC_BODY,
        OrganisationKind.TECHNOLOGY_PLATFORM,
        OrganisationKind.OTHER,
    }
)

KIND_LABELS = {
    OrganisationKind.UNIVERSITY_LAB: _l("University lab"),
    OrganisationKind.HOSPITAL: _l("Hospital"),
    OrganisationKind.RESEARCH_INSTITUTE: _l("Research institute"),
    OrganisationKind.PUBLIC_BODY: _l("Public body"),
    OrganisationKind.STARTUP: _l("Startup"),
    OrganisationKind.SME: _l("SME"),
    OrganisationKind.LARGE_COMPANY: _l("Large company"),
    OrganisationKind.CDMO: _l("CDMO"),
    OrganisationKind.INVESTOR: _l("Investor"),
    OrganisationKind.TECHNOLOGY_PLATFORM: _l("Technology platform"),
    OrganisationKind.OTHER: _l("Other"),
}

SECTOR_LABELS = {Sector.PUBLIC: _l("Public"), Sector.PRIVATE: _l("Private")}


class Region(StrEnum):
    PAYS_DE_LA_LOIRE = "pays_de_la_loire"
    BRETAGNE = "bretagne"
    CENTRE_VAL_DE_LOIRE = "centre_val_de_loire"
    AUVERGNE_RHONE_ALPES = "auvergne_rhone_alpes"
    BOURGOGNE_FRANCHE_COMTE = "bourgogne_franche_comte"
    CORSE = "corse"
    GRAND_EST = "grand_est"
    HAUTS_DE_FRANCE = "hauts_de_france"
    ILE_DE_FRANCE = "ile_de_france"
    NORMANDIE = "normandie"
    NOUVELLE_AQUITAINE = "nouvelle_aquitaine"
    OCCITANIE = "occitanie"
    PROVENCE_ALPES_COTE_D_AZUR = "provence_alpes_cote_d_azur"
    GUADELOUPE = "guadeloupe"
    MARTINIQUE = "martinique"
    GUYANE = "guyane"
    LA_REUNION = "la_reunion"
    MAYOTTE = "mayotte"
    OTHER = "other"  # outside France, or not given


CLUSTER_REGIONS = (Region.PAYS_DE_LA_LOIRE, Region.BRETAGNE, Region.CENTRE_VAL_DE_LOIRE)

REGION_LABELS = {
    Region.PAYS_DE_LA_LOIRE: "Pays de la Loire",
    Region.BRETAGNE: "Bretagne",
    Region.CENTRE_VAL_DE_LOIRE: "Centre-Val de Loire",
    Region.AUVERGNE_RHONE_ALPES: "Auvergne-Rhône-Alpes",
    Region.BOURGOGNE_FRANCHE_COMTE: "Bourgogne-Franche-Comté",
    Region.CORSE: "Corse",
    Region.GRAND_EST: "Grand Est",
    Region.HAUTS_DE_FRANCE: "Hauts-de-France",
    Region.ILE_DE_FRANCE: "Île-de-France",
    Region.NORMANDIE: "Normandie",
    Region.NOUVELLE_AQUITAINE: "Nouvelle-Aquitaine",
    Region.OCCITANIE: "Occitanie",
    Region.PROVENCE_ALPES_COTE_D_AZUR: "Provence-Alpes-Côte d'Azur",
    Region.GUADELOUPE: "Guadeloupe",
    Region.MARTINIQUE: "Martinique",
    Region.GUYANE: "Guyane",
    Region.LA_REUNION: "La Réunion",
    Region.MAYOTTE: "Mayotte",
    Region.OTHER: _l("Other / outside France"),
}


def cluster_region(region: str) -> str:
    """The region as the cluster's funders count it: one of its three regions, or "other"."""
    return region if region in CLUSTER_REGIONS else Region.OTHER.value


FUNDER_REGIONS = (*CLUSTER_REGIONS, Region.OTHER)


def cluster_region_is(column, region: str):
    """SQL condition: ``column`` (a region code, maybe NULL) counts as ``region`` for the
    funders (:func:`cluster_region`); "other" covers every region outside the cluster's and
    no region at all."""
    if region == Region.OTHER:
        cluster = [code.value for code in CLUSTER_REGIONS]
        return or_(column.is_(None), column.not_in(cluster))
    return column == region


class FocusArea(StrEnum):
    IMMUNOTHERAPY = "immunotherapy"
    RADIOPHARMACEUTICALS = "radiopharmaceuticals"
    REGENERATIVE_MEDICINE = "regenerative_medicine"
    BIOPRODUCTION = "bioproduction"
    DIGITAL_HEALTH = "digital_health"
    ANIMAL_HEALTH = "animal_health"
    NUTRITION_MICROBIOTA = "nutrition_microbiota"


FOCUS_AREA_LABELS = {
    FocusArea.IMMUNOTHERAPY: _l("Immunotherapy"),
    FocusArea.RADIOPHARMACEUTICALS: _l("Radiopharmaceuticals"),
    FocusArea.REGENERATIVE_MEDICINE: _l("Regenerative medicine"),
    FocusArea.BIOPRODUCTION: _l("Bioproduction"),
    FocusArea.DIGITAL_HEALTH: _l("Digital health"),
    FocusArea.ANIMAL_HEALTH: _l("Animal health"),
    FocusArea.NUTRITION_MICROBIOTA: _l("Nutrition and microbiota"),
}


class Role(StrEnum):
    MEMBER = "member"
    ORGANISER = "organiser"
    ADMIN = "admin"


ROLE_LABELS = {Role.MEMBER: _l("Member"), Role.ORGANISER: _l("Organiser"), Role.ADMIN: _l("Admin")}


class Visibility(StrEnum):
    MEMBERS = "members"  # other signed-in members see the profile (default)
    PUBLIC = "public"  # also visitors who are not signed in
    HIDDEN = "hidden"  # only the person, their organisation's members and organisers


VISIBILITY_LABELS = {
    Visibility.MEMBERS: _l("Members of the cluster"),
    Visibility.PUBLIC: _l("Everyone, including visitors"),
    Visibility.HIDDEN: _l("Only me, my organisation and the cluster staff"),
}

LANGUAGE_LABELS = {"fr": "Français", "en": "English"}


class IntroductionPurpose(StrEnum):
    COLLABORATIVE_PROJECT = "collaborative_project"
    SERVICE_ACCESS = "service_access"
    LICENSING = "licensing"
    RECRUITMENT = "recruitment"
    ADVICE = "advice"
    OTHER = "other"


INTRODUCTION_PURPOSE_LABELS = {
    IntroductionPurpose.COLLABORATIVE_PROJECT: _l("A collaborative project"),
    IntroductionPurpose.SERVICE_ACCESS: _l("Access to a service or a platform"),
    IntroductionPurpose.LICENSING: _l("Licensing a technology"),
    IntroductionPurpose.RECRUITMENT: _l("Recruitment"),
    IntroductionPurpose.ADVICE: _l("Advice"),
    IntroductionPurpose.OTHER: _l("Something else"),
}


class IntroductionStatus(StrEnum):
    REQUESTED = "requested"  # waiting for the recipient, or for the staff when brokered
    FORWARDED = "forwarded"  # the staff passed it on; waiting for the recipient
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    MET = "met"
    PROJECT_STARTED = "project_started"


OPEN_INTRODUCTION_STATUSES = (IntroductionStatus.REQUESTED, IntroductionStatus.FORWARDED)
# The two people were introduced: contact details are shared from here on.
INTRODUCED_STATUSES = (
    IntroductionStatus.ACCEPTED,
    IntroductionStatus.MET,
    IntroductionStatus.PROJECT_STARTED,
)

INTRODUCTION_STATUS_LABELS = {
    IntroductionStatus.REQUESTED: _l("Requested"),
    IntroductionStatus.FORWARDED: _l("Forwarded by the staff"),
    IntroductionStatus.ACCEPTED: _l("Accepted"),
    IntroductionStatus.DECLINED: _l("Declined"),
    IntroductionStatus.EXPIRED: _l("Expired"),
    IntroductionStatus.WITHDRAWN: _l("Withdrawn"),
    IntroductionStatus.MET: _l("Met"),
    IntroductionStatus.PROJECT_STARTED: _l("Project started"),
}


class IntroductionStep(StrEnum):
    """What a line of a request's history records (statuses, and what happened in between)."""

    REQUESTED = "requested"
    FORWARDED = "forwarded"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    MET = "met"
    PROJECT_STARTED = "project_started"
    REMINDED = "reminded"
    NUDGED = "nudged"
    ORGANISER_ASKED = "organiser_asked"
    ORGANISER_JOINED = "organiser_joined"


INTRODUCTION_STEP_LABELS = {
    IntroductionStep.REQUESTED: _l("Introduction requested"),
    IntroductionStep.FORWARDED: _l("Forwarded by the staff"),
    IntroductionStep.ACCEPTED: _l("Accepted"),
    IntroductionStep.DECLINED: _l("Declined"),
    IntroductionStep.EXPIRED: _l("Expired without an answer"),
    IntroductionStep.WITHDRAWN: _l("Withdrawn by the requester"),
    IntroductionStep.MET: _l("They met"),
    IntroductionStep.PROJECT_STARTED: _l("A project started"),
    IntroductionStep.REMINDED: _l("Reminder sent"),
    IntroductionStep.NUDGED: _l("Reminded by the staff"),
    IntroductionStep.ORGANISER_ASKED: _l("An organiser was asked to join"),
    IntroductionStep.ORGANISER_JOINED: _l("An organiser joined"),
}

# The next step suggested in the introduction email, by purpose.
INTRODUCTION_NEXT_STEPS = {
    IntroductionPurpose.COLLABORATIVE_PROJECT: _l(
        "Suggest a 30-minute video call to sketch the project together: each side brings one "
        "question the other can answer."
    ),
    IntroductionPurpose.SERVICE_ACCESS: _l(
        "Describe your samples or your need in a few lines and ask for a visit or a quote."
    ),
    IntroductionPurpose.LICENSING: _l(
        "Agree on a confidentiality agreement first, then share a non-confidential summary of "
        "the technology."
    ),
    IntroductionPurpose.RECRUITMENT: _l(
        "Share the job description or the profile you look for, and agree on a call."
    ),
    IntroductionPurpose.ADVICE: _l("Send two or three precise questions and propose a short call."),
    IntroductionPurpose.OTHER: _l("Reply to this email to introduce yourself and propose a call."),
}


class HideReason(StrEnum):
    """Why a member hid a suggestion ("not for me")."""

    NOT_RELEVANT = "not_relevant"
    ALREADY_IN_TOUCH = "already_in_touch"
    NOT_NOW = "not_now"


HIDE_REASON_LABELS = {
    HideReason.NOT_RELEVANT: _l("Not relevant to my work"),
    HideReason.ALREADY_IN_TOUCH: _l("We are already in touch"),
    HideReason.NOT_NOW: _l("Not now"),
}


class ProjectStatus(StrEnum):
    IDEA = "idea"  # a draft: only its members and the cluster staff see it
    FORMING = "forming"  # the consortium is being put together
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RUNNING = "running"
    FINISHED = "finished"


PROJECT_STATUS_LABELS = {
    ProjectStatus.IDEA: _l("Idea"),
    ProjectStatus.FORMING: _l("Consortium forming"),
    ProjectStatus.SUBMITTED: _l("Submitted"),
    ProjectStatus.APPROVED: _l("Approved"),
    ProjectStatus.REJECTED: _l("Rejected"),
    ProjectStatus.RUNNING: _l("Running"),
    ProjectStatus.FINISHED: _l("Finished"),
}

# The pipeline: where a project may go from each status. A rejected proposal may be reworked
# for another call; a consortium may fall apart back to an idea.
PROJECT_TRANSITIONS = {
    ProjectStatus.IDEA: (ProjectStatus.FORMING,),
    ProjectStatus.FORMING: (ProjectStatus.SUBMITTED, ProjectStatus.IDEA),
    ProjectStatus.SUBMITTED: (ProjectStatus.APPROVED, ProjectStatus.REJECTED),
    ProjectStatus.APPROVED: (ProjectStatus.RUNNING,),
    ProjectStatus.REJECTED: (ProjectStatus.FORMING,),
    ProjectStatus.RUNNING: (ProjectStatus.FINISHED,),
    ProjectStatus.FINISHED: (),
}

# Statuses of a project the funder said yes to.
FUNDED_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.RUNNING, ProjectStatus.FINISHED)


class ProjectVisibility(StrEnum):
    STAFF = "staff"  # its members and the cluster staff only
    MEMBERS = "members"  # every signed-in member once it is past the idea


PROJECT_VISIBILITY_LABELS = {
    ProjectVisibility.MEMBERS: _l("All members of the cluster"),
    ProjectVisibility.STAFF: _l("Only its partners and the cluster staff"),
}


class PartnerRole(StrEnum):
    """A slot a funding call asks a consortium to fill, by the kind of organisation."""

    ACADEMIC_LAB = "academic_lab"
    HOSPITAL = "hospital"
    PLATFORM = "platform"
    STARTUP = "startup"
    SME = "sme"
    INDUSTRIAL = "industrial"
    CDMO = "cdmo"
    ANY_PUBLIC = "any_public"
    ANY_PRIVATE = "any_private"


PARTNER_ROLE_KINDS = {
    PartnerRole.ACADEMIC_LAB: frozenset(
        {OrganisationKind.UNIVERSITY_LAB, OrganisationKind.RESEARCH_INSTITUTE}
    ),
    PartnerRole.HOSPITAL: frozenset({OrganisationKind.HOSPITAL}),
    PartnerRole.PLATFORM: frozenset({OrganisationKind.TECHNOLOGY_PLATFORM}),
    PartnerRole.STARTUP: frozenset({OrganisationKind.STARTUP}),
    PartnerRole.SME: frozenset({OrganisationKind.SME, OrganisationKind.STARTUP}),
    PartnerRole.INDUSTRIAL: frozenset({OrganisationKind.LARGE_COMPANY}),
    PartnerRole.CDMO: frozenset({OrganisationKind.CDMO}),
    PartnerRole.ANY_PUBLIC: PUBLIC_KINDS,
    PartnerRole.ANY_PRIVATE: frozenset(set(OrganisationKind) - PUBLIC_KINDS),
}

PARTNER_ROLE_LABELS = {
    PartnerRole.ACADEMIC_LAB: _l("Academic lab"),
    PartnerRole.HOSPITAL: _l("Hospital"),
    PartnerRole.PLATFORM: _l("Technology platform"),
    PartnerRole.STARTUP: _l("Startup"),
    PartnerRole.SME: _l("SME or startup"),
    PartnerRole.INDUSTRIAL: _l("Industrial company"),
    PartnerRole.CDMO: _l("CDMO"),
    PartnerRole.ANY_PUBLIC: _l("Any public partner"),
    PartnerRole.ANY_PRIVATE: _l("Any private partner"),
}


def partner_roles_of_kind(kind: str) -> list[PartnerRole]:
    """The slots an organisation of this kind can fill, most specific first."""
    roles = [role for role, kinds in PARTNER_ROLE_KINDS.items() if kind in kinds]
    return sorted(roles, key=lambda role: len(PARTNER_ROLE_KINDS[role]))


class ProjectMemberState(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"  # joined, then left the consortium (its connections stay: they worked together)


PROJECT_MEMBER_STATE_LABELS = {
    ProjectMemberState.INVITED: _l("Invited"),
    ProjectMemberState.ACCEPTED: _l("Partner"),
    ProjectMemberState.DECLINED: _l("Declined"),
    ProjectMemberState.LEFT: _l("Left the project"),
}

FUNDERS = (
    "Région Pays de la Loire",
    "Région Bretagne",
    "Région Centre-Val de Loire",
    "Bpifrance",
    "ANR",
    "France 2030",
    "Horizon Europe",
    "EIC Accelerator",
)

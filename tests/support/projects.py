"""A small cluster for project tests: a CAR-T startup, labs, a CDMO, a hospital, the staff."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import Organisation, Person
from matchmaker.services import projects
from matchmaker.services.projects import ProjectInput
from matchmaker.services.tags import resolve_tags
from tests.support.factories import make_organisation, make_person


@dataclass
class ProjectCast:
    startup: Organisation
    lab: Organisation
    other_lab: Organisation
    cdmo: Organisation
    hospital: Organisation
    founder: Person
    researcher: Person
    other_researcher: Person
    manufacturer: Person
    clinician: Person
    outsider: Person
    organiser: Person


def make_project_cast() -> ProjectCast:
    startup = make_organisation(
        name="CellForge",
        kind="startup",
        description="CellForge develops allogeneic CAR-T cells for solid tumours.",
        looking_for="Lentiviral vector production and a GMP manufacturing partner.",
        focus_areas=["immunotherapy"],
    )
    lab = make_organisation(
        name="Vector Engineering Lab",
        kind="university_lab",
        description="Lentiviral vector design and production; CAR-T cells engineering.",
        offer="Lentiviral vectors for gene transfer into T cells.",
        focus_areas=["immunotherapy", "regenerative_medicine"],
    )
    other_lab = make_organisation(
        name="Tumour Immunology Lab",
        kind="research_institute",
        region="bretagne",
        description="Tumour microenvironment and immunomonitoring of CAR-T cells in patients.",
        offer="Immunomonitoring of clinical trials.",
        focus_areas=["immunotherapy"],
    )
    cdmo = make_organisation(
        name="BioMaker CDMO",
        kind="cdmo",
        description="GMP manufacturing of cell therapies, fill finish.",
        offer="GMP production of CAR-T cells.",
        focus_areas=["bioproduction"],
    )
    hospital = make_organisation(
        name="CHU Atlantique",
        kind="hospital",
        description="Haematology department running early-phase clinical trials of CAR-T cells.",
        offer="Clinical trials and patient cohorts.",
        focus_areas=["immunotherapy"],
    )
    outsider_org = make_organisation(name="Farm Health", kind="sme", focus_areas=["animal_health"])
    founder = make_person(
        email="founder@cellforge.example.org",
        full_name="Félicie Fondatrice",
        organisation=startup,
        expertise="Allogeneic CAR-T cells.",
    )
    researcher = make_person(
        email="researcher@vector.example.org",
        full_name="Romain Vecteur",
        organisation=lab,
        expertise="Lentiviral vectors, CAR-T cells engineering.",
        language="fr",
    )
    other_researcher = make_person(
        email="immuno@tumour.example.org",
        full_name="Inès Immuno",
        organisation=other_lab,
        expertise="Immunomonitoring of CAR-T cells.",
    )
    manufacturer = make_person(
        email="gmp@biomaker.example.org",
        full_name="Gaspard Production",
        organisation=cdmo,
        expertise="GMP manufacturing of lentiviral vectors and CAR-T cells.",
    )
    clinician = make_person(
        email="clinician@chu.example.org",
        full_name="Claire Clinicienne",
        organisation=hospital,
        expertise="Clinical trials of CAR-T cells in haematology.",
    )
    outsider = make_person(
        email="outsider@farm.example.org", full_name="Oscar Outsider", organisation=outsider_org
    )
    organiser = make_person(
        email="staff@cluster.example.org", full_name="Odile Organisatrice", role=Role.ORGANISER
    )
    for organisation, labels in (
        (lab, ["lentiviral vectors"]),
        (cdmo, ["GMP", "fill finish"]),
        (hospital, ["clinical trials"]),
    ):
        organisation.tags = resolve_tags(labels)
    db.session.commit()
    return ProjectCast(
        startup,
        lab,
        other_lab,
        cdmo,
        hospital,
        founder,
        researcher,
        other_researcher,
        manufacturer,
        clinician,
        outsider,
        organiser,
    )


def project_input(**values) -> ProjectInput:
    values.setdefault("title", "Allogeneic CAR-T against solid tumours")
    values.setdefault("summary", "A first-in-human study of an allogeneic CAR-T product.")
    values.setdefault(
        "needed_expertise",
        "Lentiviral vector production, GMP manufacturing of CAR-T cells, clinical trials.",
    )
    values.setdefault("tags", ["CAR-T", "fill finish"])
    values.setdefault("focus_areas", ["immunotherapy"])
    values.setdefault("funder", "Région Pays de la Loire")
    values.setdefault("call_name", "Appel à projets collaboratifs 2027")
    values.setdefault("required_roles", ["academic_lab", "cdmo"])
    values.setdefault("amount_requested_eur", 1_200_000)
    return ProjectInput(**values)


def propose(person: Person, **values):
    return projects.propose_project(person.user, project_input(**values))

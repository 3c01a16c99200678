"""A small bilingual cluster whose right pairings are obvious to a reader.

Two themes: radiopharmaceuticals (a startup writing in French, a nuclear medicine lab writing
in English) and microbiota (a lab and a probiotics company). Each side has one person.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.extensions import db
from matchmaker.models import Organisation, Person, Suggestion
from matchmaker.services.tags import resolve_tags
from tests.support.factories import make_organisation, make_person


@dataclass
class SmallCluster:
    radio: Organisation
    nuclear: Organisation
    microbiota: Organisation
    gut: Organisation
    alice: Person  # radio, French
    bob: Person  # nuclear, English
    carol: Person  # microbiota
    dan: Person  # gut


def small_cluster() -> SmallCluster:
    radio = make_organisation(
        name="Radiotrace",
        kind="startup",
        description="Radiotrace développe des radiopharmaceutiques pour la médecine nucléaire.",
        offer="Production et distribution de radiopharmaceutiques.",
        looking_for="Un service de médecine nucléaire pour des essais cliniques et la dosimétrie.",
        focus_areas=["radiopharmaceuticals"],
    )
    nuclear = make_organisation(
        name="Nuclear Medicine Lab",
        kind="university_lab",
        region="bretagne",
        description="Nuclear medicine department: PET imaging, dosimetry, radiopharmaceuticals.",
        offer="Clinical trials in nuclear medicine and dosimetry.",
        looking_for="A company producing radiopharmaceuticals.",
        focus_areas=["radiopharmaceuticals"],
    )
    microbiota = make_organisation(
        name="Microbiota Lab",
        kind="university_lab",
        description="Gut microbiota and clinical nutrition cohorts.",
        offer="Metagenomics platform and nutrition cohorts.",
        looking_for="A company producing probiotics.",
        focus_areas=["nutrition_microbiota"],
    )
    gut = make_organisation(
        name="Gutbiome",
        kind="sme",
        description="Probiotic strains for the gut microbiota.",
        offer="Probiotics production and formulation.",
        looking_for="Clinical nutrition cohorts on the gut microbiota.",
        focus_areas=["nutrition_microbiota"],
    )
    radio.tags = resolve_tags(["radiopharmaceutiques"])
    nuclear.tags = resolve_tags(["nuclear medicine"])
    microbiota.tags = resolve_tags(["microbiota"])
    gut.tags = resolve_tags(["probiotics"])
    db.session.commit()
    alice = make_person(
        email="alice@radiotrace.example.org",
        full_name="Alice Radio",
        organisation=radio,
        language="fr",
        expertise="Radiochimie et radiomarquage de peptides pour la médecine nucléaire.",
        looking_for="Des médecins nucléaires pour la dosimétrie.",
    )
    bob = make_person(
        email="bob@nuclear.example.org",
        full_name="Bob Nuclear",
        organisation=nuclear,
        expertise="Nuclear medicine physician: dosimetry and PET imaging.",
        offer="Dosimetry for clinical trials.",
    )
    carol = make_person(
        email="carol@microbiota.example.org",
        full_name="Carol Microbiota",
        organisation=microbiota,
        expertise="Gut microbiota, metagenomics and clinical nutrition.",
    )
    dan = make_person(
        email="dan@gutbiome.example.org",
        full_name="Dan Gut",
        organisation=gut,
        expertise="Probiotics formulation for the gut microbiota.",
        looking_for="Metagenomics of the gut microbiota.",
    )
    return SmallCluster(radio, nuclear, microbiota, gut, alice, bob, carol, dan)


def stored(source, kind: str | None = None) -> list[tuple[str, int]]:
    """The stored list of a person or organisation, best first, as (kind, id)."""
    source_kind = "person" if isinstance(source, Person) else "organisation"
    rows = db.session.scalars(
        db.select(Suggestion)
        .where(Suggestion.source_kind == source_kind, Suggestion.source_id == source.id)
        .order_by(Suggestion.rank)
    )
    return [(row.candidate_kind, row.candidate_id) for row in rows]


def party(obj) -> tuple[str, int]:
    return ("person" if isinstance(obj, Person) else "organisation", obj.id)

"""Demo step for projects: three years of the cluster's collaborative projects.

About 27 approved projects a year over the last two full years and the current one, some
rejected, with their funders, amounts, labels and public–private consortia drawn from the demo
organisations (whose partners are connected, as the service does when they join); then the
pipeline of today: ideas, consortia forming, proposals waiting for the funder's answer. The
demo member coordinates a consortium being formed and has an invitation to answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matchmaker.demo.generator import MEMBER_EMAIL, ORGANISER_EMAIL
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import (
    FocusArea,
    PartnerRole,
    ProjectMemberState,
    ProjectStatus,
    ProjectVisibility,
    Sector,
    partner_roles_of_kind,
)
from matchmaker.extensions import db
from matchmaker.models import (
    ConnectionVia,
    Organisation,
    PartyKind,
    Person,
    Project,
    ProjectMember,
    ProjectStatusChange,
)
from matchmaker.services.connections import add_connection
from matchmaker.services.notifications import notify
from matchmaker.urls import site_path

PARIS = ZoneInfo("Europe/Paris")
APPROVED_PER_YEAR = (25, 30)
REJECTED_PER_YEAR = (8, 12)
IDEAS_NOW, FORMING_NOW, SUBMITTED_NOW = 6, 7, 5
EXTERNAL_PREFIX = "demo-project-"

# What projects are about, per focus area: (French title, English title, needs, roles).
SUBJECTS = {
    FocusArea.IMMUNOTHERAPY: [
        (
            "CAR-T allogéniques contre les tumeurs solides",
            "Allogeneic CAR-T against solid tumours",
            "CAR-T cells engineering, lentiviral vectors, GMP manufacturing, clinical trials",
        ),
        (
            "Anticorps bispécifiques pour le myélome",
            "Bispecific antibodies for myeloma",
            "bispecific antibodies, cell line development, immunomonitoring",
        ),
        (
            "Vaccin néoantigène personnalisé",
            "Personalised neoantigen vaccine",
            "neoantigen prediction, mRNA, lipid nanoparticles, clinical trials",
        ),
        (
            "Cellules NK armées contre la leucémie",
            "Armed NK cells against leukaemia",
            "NK cells, cell therapy, GMP manufacturing",
        ),
    ],
    FocusArea.RADIOPHARMACEUTICALS: [
        (
            "Théranostique au lutécium 177 pour la prostate",
            "Lutetium-177 theranostics for prostate cancer",
            "radioligand therapy, PSMA, dosimetry, PET imaging, radiochemistry",
        ),
        (
            "Alpha-thérapie ciblée à l'actinium 225",
            "Targeted alpha therapy with actinium-225",
            "actinium 225, radiochemistry, radiation protection, preclinical imaging",
        ),
        (
            "Nouveaux traceurs TEP pour la neuro-inflammation",
            "New PET tracers for neuroinflammation",
            "PET imaging, fluorine 18, cyclotron, molecular imaging",
        ),
    ],
    FocusArea.REGENERATIVE_MEDICINE: [
        (
            "Organoïdes hépatiques pour le criblage toxicologique",
            "Liver organoids for toxicity screening",
            "organoids, iPSC, cell culture, high content screening",
        ),
        (
            "Vésicules extracellulaires pour la cicatrisation",
            "Extracellular vesicles for wound healing",
            "extracellular vesicles, mesenchymal stem cells, wound healing",
        ),
        (
            "Bio-impression de cartilage",
            "Bioprinted cartilage",
            "bioprinting, biomaterials, musculoskeletal regeneration",
        ),
    ],
    FocusArea.BIOPRODUCTION: [
        (
            "Procédé continu de production d'AAV",
            "Continuous AAV manufacturing process",
            "AAV vector, upstream processing, downstream processing, chromatography",
        ),
        (
            "Jumeau numérique d'un bioréacteur",
            "Digital twin of a bioreactor",
            "bioprocess, process analytical technology, data science, bioreactor",
        ),
        (
            "Remplissage aseptique de thérapies cellulaires",
            "Aseptic fill-finish of cell therapies",
            "fill finish, GMP, cryopreservation, quality control",
        ),
    ],
    FocusArea.DIGITAL_HEALTH: [
        (
            "IA pour le suivi des patients sous immunothérapie",
            "AI to follow patients on immunotherapy",
            "artificial intelligence, real-world data, clinical trials",
        ),
        (
            "Entrepôt de données de santé régional",
            "Regional health data warehouse",
            "health data, interoperability, data science",
        ),
    ],
    FocusArea.ANIMAL_HEALTH: [
        (
            "Vaccin vétérinaire à ARNm",
            "Veterinary mRNA vaccine",
            "mRNA, adjuvant, veterinary vaccines, animal models",
        ),
        (
            "Diagnostic rapide des mammites bovines",
            "Rapid diagnosis of bovine mastitis",
            "diagnostics, microbiology, biosensors",
        ),
    ],
    FocusArea.NUTRITION_MICROBIOTA: [
        (
            "Probiotiques de nouvelle génération et obésité",
            "Next-generation probiotics and obesity",
            "microbiota, probiotics, metagenomics, clinical nutrition",
        ),
        (
            "Postbiotiques pour l'allaitement",
            "Postbiotics for infant nutrition",
            "microbiota, fermentation, clinical nutrition cohorts",
        ),
    ],
}
# (funder, call, requested amount range in euros, grant share range)
FUNDERS = [
    (
        "Région Pays de la Loire",
        "Appel à projets collaboratifs RFI Bioregate",
        (150_000, 600_000),
        (0.8, 1.0),
    ),
    ("Bpifrance", "i-Nov", (400_000, 2_000_000), (0.6, 0.9)),
    (
        "ANR",
        "PRCE — Projets de recherche collaborative entreprises",
        (300_000, 800_000),
        (0.9, 1.0),
    ),
    ("France 2030", "Biothérapies et bioproduction", (1_000_000, 6_000_000), (0.5, 0.8)),
    ("Horizon Europe", "Cluster 1 — Health", (2_000_000, 8_000_000), (0.7, 1.0)),
    ("Région Bretagne", "Projets structurants", (150_000, 500_000), (0.8, 1.0)),
]
FUNDER_WEIGHTS = (30, 20, 18, 12, 8, 12)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=PARIS).astimezone(UTC)


@dataclass
class _Pools:
    private: list[Organisation]
    public: list[Organisation]
    people: dict[int, list[Person]]


def _pools(context: DemoContext) -> _Pools:
    organisations = sorted(context.organisations.values(), key=lambda o: o.external_id or "")
    people: dict[int, list[Person]] = {}
    for person in sorted(context.people.values(), key=lambda p: p.user.email):
        if person.organisation_id is not None and person.user.role == "member":
            people.setdefault(person.organisation_id, []).append(person)
    lead_kinds = {"startup", "sme", "large_company", "cdmo"}
    private = [o for o in organisations if o.sector == Sector.PRIVATE and o.kind in lead_kinds]
    public = [o for o in organisations if o.sector == Sector.PUBLIC and o.kind != "other"]
    return _Pools(private, public, people)


def _pick_consortium(rng: random.Random, pools: _Pools, area: FocusArea, lead: Organisation):
    """The proposer, one to three public partners and sometimes another company, preferably
    working in the project's focus area."""

    def in_area(candidates):
        fitting = [o for o in candidates if area in o.focus_areas and o.id != lead.id]
        return fitting or [o for o in candidates if o.id != lead.id]

    labs = in_area(pools.public)
    public = rng.sample(labs, k=min(rng.choice((1, 1, 2, 2, 3)), len(labs)))
    others = []
    companies = in_area(pools.private)
    if companies and rng.random() < 0.35:
        others = rng.sample(companies, k=1)
    return [lead, *public, *others]


class _Builder:
    def __init__(self, rng: random.Random, pools: _Pools, staff: Person | None, today: date):
        self.rng = rng
        self.today = today
        self.pools = pools
        self.staff = staff

    def contact(self, organisation: Organisation) -> Person | None:
        people = self.pools.people.get(organisation.id) or []
        return people[0] if people else None

    def project(
        self,
        number: int,
        area: FocusArea,
        lead: Organisation,
        created: date,
        *,
        consortium: list[Organisation] | None = None,
        lead_person: Person | None = None,
    ) -> Project:
        rng = self.rng
        title_fr, title_en, needs = rng.choice(SUBJECTS[area])
        french = rng.random() < 0.6
        funder, call, (low, high), _grant = rng.choices(FUNDERS, weights=FUNDER_WEIGHTS)[0]
        consortium = consortium or _pick_consortium(rng, self.pools, area, lead)
        roles = []
        for partner in consortium[1:]:
            fitting = partner_roles_of_kind(partner.kind)
            roles.append(fitting[0].value if fitting else PartnerRole.ANY_PUBLIC.value)
        project = Project(
            external_id=f"{EXTERNAL_PREFIX}{number}",
            title=title_fr if french else title_en,
            summary=(
                f"{lead.name} et ses partenaires : {title_fr.lower()}."
                if french
                else f"{lead.name} and its partners: {title_en.lower()}."
            ),
            needed_expertise=needs,
            focus_areas=[area.value],
            funder=funder,
            call_name=call,
            call_deadline=created + timedelta(days=rng.randint(40, 120)),
            required_roles=roles,
            amount_requested_eur=int(round(rng.uniform(low, high), -4)),
            status=ProjectStatus.IDEA.value,
            visibility=(
                ProjectVisibility.STAFF.value
                if rng.random() < 0.15
                else ProjectVisibility.MEMBERS.value
            ),
            proposing_organisation_id=lead.id,
            created_at=_noon(created),
            updated_at=_noon(created),
        )
        coordinator = lead_person or self.contact(lead)
        project.created_by_id = coordinator.user_id if coordinator else None
        project.members = [
            ProjectMember(
                organisation_id=lead.id,
                person_id=coordinator.id if coordinator else None,
                role=partner_roles_of_kind(lead.kind)[0].value,
                coordinator=True,
                state=ProjectMemberState.ACCEPTED.value,
                created_at=_noon(created),
                answered_at=_noon(created),
            )
        ]
        project.history = [
            ProjectStatusChange(
                from_status=None,
                to_status=ProjectStatus.IDEA.value,
                changed_by_id=project.created_by_id,
                changed_at=_noon(created),
            )
        ]
        self._partners = consortium[1:]
        self._roles = roles
        return project

    def invite_partners(self, project: Project, on: date, *, accept: bool = True) -> None:
        by = project.created_by_id
        for partner, role in zip(self._partners, self._roles, strict=True):
            person = self.contact(partner)
            project.members.append(
                ProjectMember(
                    organisation_id=partner.id,
                    person_id=person.id if person else None,
                    role=role,
                    state=(
                        ProjectMemberState.ACCEPTED if accept else ProjectMemberState.INVITED
                    ).value,
                    invited_by_id=by,
                    created_at=_noon(on),
                    answered_at=_noon(on + timedelta(days=3)) if accept else None,
                )
            )

    def move(self, project: Project, to: ProjectStatus, on: date, by_staff: bool = False) -> None:
        actor = self.staff.user_id if by_staff and self.staff else project.created_by_id
        project.history.append(
            ProjectStatusChange(
                from_status=project.status,
                to_status=to.value,
                changed_by_id=actor,
                changed_at=_noon(on),
            )
        )
        project.status = to.value
        project.updated_at = _noon(on)

    def label(self, project: Project, on: date) -> None:
        project.labelled_by_cluster = True
        project.labelled_at = _noon(on)
        project.labelled_by_id = self.staff.user_id if self.staff else None
        project.history.append(
            ProjectStatusChange(
                from_status=project.status,
                to_status=project.status,
                what="labelled",
                changed_by_id=project.labelled_by_id,
                changed_at=_noon(on),
            )
        )


def _connect(project: Project) -> None:
    """The partners of a consortium know each other (as when they accept, in the service)."""
    accepted = [m for m in project.members if m.state == ProjectMemberState.ACCEPTED]
    day = project.created_at.astimezone(PARIS).date()
    for index, first in enumerate(accepted):
        for second in accepted[index + 1 :]:
            pairs = [
                (PartyKind.ORGANISATION.value, first.organisation_id, second.organisation_id),
                (PartyKind.PERSON.value, first.person_id, second.person_id),
            ]
            for kind, a, b in pairs:
                if a and b and a != b:
                    add_connection(
                        (kind, a),
                        (kind, b),
                        via=ConnectionVia.PROJECT,
                        source_ref=project.id,
                        occurred_on=day,
                        created_at=project.created_at,
                    )


def _past_project(builder: _Builder, number: int, decided: date, approved: bool) -> Project:
    rng = builder.rng
    area = rng.choice(list(FocusArea))
    lead = rng.choice(builder.pools.private)
    submitted = decided - timedelta(days=rng.randint(60, 150))
    created = submitted - timedelta(days=rng.randint(45, 200))
    project = builder.project(number, area, lead, created)
    builder.invite_partners(project, created + timedelta(days=rng.randint(5, 30)))
    builder.move(project, ProjectStatus.FORMING, created + timedelta(days=rng.randint(3, 20)))
    if rng.random() < (0.75 if approved else 0.4):
        builder.label(project, submitted - timedelta(days=rng.randint(3, 25)))
    builder.move(project, ProjectStatus.SUBMITTED, submitted)
    project.submitted_on = submitted
    if approved:
        builder.move(project, ProjectStatus.APPROVED, decided, by_staff=True)
        project.approved_on = decided
        share = rng.uniform(*next(f[3] for f in FUNDERS if f[0] == project.funder))
        project.amount_granted_eur = int(round(project.amount_requested_eur * share, -4))
        started = decided + timedelta(days=rng.randint(20, 90))
        if started <= builder.today:
            builder.move(project, ProjectStatus.RUNNING, started)
            ended = started + timedelta(days=rng.randint(360, 900))
            if ended <= builder.today:
                builder.move(project, ProjectStatus.FINISHED, ended)
    else:
        builder.move(project, ProjectStatus.REJECTED, decided, by_staff=True)
        project.rejected_on = decided
    return project


def _current_project(builder: _Builder, number: int, status: ProjectStatus) -> Project:
    rng, today = builder.rng, builder.today
    area = rng.choice(list(FocusArea))
    lead = rng.choice(builder.pools.private)
    created = today - timedelta(days=rng.randint(5, 120))
    project = builder.project(number, area, lead, created)
    if status == ProjectStatus.IDEA:
        project.visibility = ProjectVisibility.MEMBERS.value
        return project
    builder.move(project, ProjectStatus.FORMING, created + timedelta(days=2))
    if status == ProjectStatus.FORMING:
        builder.invite_partners(project, created + timedelta(days=4), accept=rng.random() < 0.5)
        return project
    builder.invite_partners(project, created + timedelta(days=4))
    submitted = min(today, created + timedelta(days=rng.randint(20, 60)))
    if rng.random() < 0.6:
        builder.label(project, submitted - timedelta(days=2))
    builder.move(project, ProjectStatus.SUBMITTED, submitted)
    project.submitted_on = submitted
    return project


@demo_step("projects", order=70)
def add_projects(context: DemoContext) -> None:
    if db.session.scalar(select(Project.id).where(Project.external_id == f"{EXTERNAL_PREFIX}1")):
        return  # loaded before
    pools = _pools(context)
    if not pools.private or not pools.public:
        return
    rng = context.rng("projects")
    builder = _Builder(rng, pools, context.people.get(ORGANISER_EMAIL), context.today)
    plans: list[tuple[date, bool]] = []
    for year in range(context.today.year - 2, context.today.year + 1):
        first = date(year, 1, 1)
        last = min(date(year, 12, 31), context.today - timedelta(days=1))
        if last < first:
            continue
        share = (last - first).days / 365
        for approved, (low, high) in ((True, APPROVED_PER_YEAR), (False, REJECTED_PER_YEAR)):
            for _n in range(round(rng.randint(low, high) * share)):
                plans.append(
                    (first + timedelta(days=rng.randint(0, (last - first).days)), approved)
                )
    plans.sort()

    created: list[Project] = []
    number = 0
    for decided, approved in context.track(plans, _("Projects")):
        number += 1
        created.append(_past_project(builder, number, decided, approved))
    for status, count in (
        (ProjectStatus.IDEA, IDEAS_NOW),
        (ProjectStatus.FORMING, FORMING_NOW),
        (ProjectStatus.SUBMITTED, SUBMITTED_NOW),
    ):
        for _n in range(count):
            number += 1
            created.append(_current_project(builder, number, status))

    member = context.people.get(MEMBER_EMAIL)
    if member is not None and member.organisation is not None:
        # The demo member coordinates a consortium being formed: a lab has joined, the call
        # also asks for a CDMO...
        number += 1
        lead = member.organisation
        lab = next(
            (
                o
                for o in pools.public
                if o.kind in ("university_lab", "research_institute")
                and FocusArea.IMMUNOTHERAPY in o.focus_areas
            ),
            pools.public[0],
        )
        project = builder.project(
            number,
            FocusArea.IMMUNOTHERAPY,
            lead,
            context.today - timedelta(days=20),
            consortium=[lead, lab],
            lead_person=member,
        )
        project.required_roles = [PartnerRole.ACADEMIC_LAB.value, PartnerRole.CDMO.value]
        builder.move(project, ProjectStatus.FORMING, context.today - timedelta(days=18))
        builder.invite_partners(project, context.today - timedelta(days=15), accept=True)
        created.append(project)
        # ...and is invited to another one.
        number += 1
        other_lead = next(o for o in pools.private if o.id != lead.id)
        invitation = builder.project(
            number,
            FocusArea.BIOPRODUCTION,
            other_lead,
            context.today - timedelta(days=6),
            consortium=[other_lead, lead],
        )
        builder.move(invitation, ProjectStatus.FORMING, context.today - timedelta(days=5))
        builder.pools.people.setdefault(lead.id, []).insert(0, member)
        builder.invite_partners(invitation, context.today - timedelta(days=3), accept=False)
        created.append(invitation)

    db.session.add_all(created)
    db.session.flush()
    for project in created:
        _connect(project)
    if member is not None and created and created[-1].members[-1].person_id == member.id:
        invitation = created[-1]
        notify(
            member,
            "project.invited",
            _l("You are invited to join the project “%(title)s”.", title=invitation.title),
            link=site_path("projects.show", project_id=invitation.id),
        ).created_at = invitation.members[-1].created_at
    context.count(_("projects"), len(created))

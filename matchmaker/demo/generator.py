"""The demo cluster as plain data: the same seed (and day) always gives the same cluster.

No database access here: :func:`generate_cluster` returns a :class:`ClusterPlan` that the
demo steps write. Its shape follows the real cluster: about 210 member organisations, 65 % in
Pays de la Loire, 20 % in Brittany, 10 % in Centre-Val de Loire and 5 % elsewhere; public labs,
hospitals, institutes and platforms beside startups, SMEs, large groups, CDMOs and investors.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from matchmaker.demo import vocabulary as v
from matchmaker.domain import OrganisationKind, Region, Role, Visibility
from matchmaker.services.people import orcid_check_digit
from matchmaker.text import fold

DEFAULT_SEED = 2020
DEMO_EMAIL_DOMAIN = "example.org"
DEMO_EXTERNAL_PREFIX = "demo-"

# Generated member organisations, by kind (two more are fixed: the showcase startup and the
# cluster's own team).
KIND_COUNTS: dict[OrganisationKind, int] = {
    OrganisationKind.UNIVERSITY_LAB: 46,
    OrganisationKind.HOSPITAL: 12,
    OrganisationKind.RESEARCH_INSTITUTE: 14,
    OrganisationKind.TECHNOLOGY_PLATFORM: 15,
    OrganisationKind.PUBLIC_BODY: 5,
    OrganisationKind.OTHER: 4,
    OrganisationKind.STARTUP: 56,
    OrganisationKind.SME: 34,
    OrganisationKind.LARGE_COMPANY: 8,
    OrganisationKind.CDMO: 9,
    OrganisationKind.INVESTOR: 9,
}
PEOPLE_TOTAL = 400
REGION_SHARES: dict[str, float] = {
    Region.PAYS_DE_LA_LOIRE: 0.65,
    Region.BRETAGNE: 0.20,
    Region.CENTRE_VAL_DE_LOIRE: 0.10,
    "elsewhere": 0.05,
}
# Members from outside the three regions are mostly companies and investors.
ELSEWHERE_KINDS = (
    OrganisationKind.INVESTOR,
    OrganisationKind.LARGE_COMPANY,
    OrganisationKind.CDMO,
    OrganisationKind.SME,
    OrganisationKind.STARTUP,
)
PEOPLE_PER_KIND: dict[OrganisationKind, tuple[int, int]] = {
    OrganisationKind.UNIVERSITY_LAB: (2, 3),
    OrganisationKind.HOSPITAL: (2, 4),
    OrganisationKind.RESEARCH_INSTITUTE: (2, 4),
    OrganisationKind.TECHNOLOGY_PLATFORM: (1, 2),
    OrganisationKind.PUBLIC_BODY: (1, 2),
    OrganisationKind.OTHER: (1, 1),
    OrganisationKind.STARTUP: (1, 2),
    OrganisationKind.SME: (1, 3),
    OrganisationKind.LARGE_COMPANY: (2, 4),
    OrganisationKind.CDMO: (2, 3),
    OrganisationKind.INVESTOR: (1, 2),
}
CLUSTER_STARTUP_SHARE = 0.4


@dataclass(frozen=True)
class OrganisationPlan:
    external_id: str
    name: str
    kind: str
    region: str
    city: str
    domain: str
    website: str | None
    description: str
    offer: str
    looking_for: str
    focus_areas: tuple[str, ...]
    tags: tuple[str, ...]
    founded_year: int | None
    cluster_startup: bool
    startup_created_on: date | None
    language: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class PersonPlan:
    email: str
    full_name: str
    organisation_external_id: str | None
    position: str
    expertise: str
    offer: str
    looking_for: str
    tags: tuple[str, ...]
    orcid: str | None
    phone: str | None
    language: str
    visibility: str
    consent_matching: bool
    role: str = Role.MEMBER.value


@dataclass(frozen=True)
class ClusterPlan:
    seed: int
    organisations: tuple[OrganisationPlan, ...]
    people: tuple[PersonPlan, ...]
    # Synonyms organisers already merged: (tag kept, tags merged into it).
    merged_synonyms: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def person_with_role(self, role: Role) -> PersonPlan:
        return next(person for person in self.people if person.role == role.value)


# The three accounts whose logins `demo load` prints do not depend on the seed, so that the
# printed logins stay right whichever seed loaded the data.
TEAM_EXTERNAL_ID = "demo-cluster-team"
SHOWCASE_EXTERNAL_ID = "demo-showcase-startup"
ORGANISER_EMAIL = "organiser@cluster.example.org"
ADMIN_EMAIL = "admin@cluster.example.org"
MEMBER_EMAIL = "camille.legoff@erdrecell.example.org"


def _slug(text: str, words: int = 3) -> str:
    stop = {"de", "la", "le", "les", "des", "du", "d", "l", "et", "en", "pour", "the", "of", "and"}
    parts = [p for p in re.split(r"[^a-z0-9]+", fold(text)) if p and p not in stop]
    return "-".join(parts[:words]) or "org"


class _Names:
    """Draws unique names that contain no real company or institution name."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def acceptable(self, name: str) -> bool:
        folded = fold(name)
        return folded not in self.taken and not any(
            fold(real) in folded for real in v.REAL_NAMES_TO_AVOID
        )

    def draw(self, make) -> str:
        for _attempt in range(200):
            name = make()
            if self.acceptable(name):
                self.taken.add(fold(name))
                return name
        raise RuntimeError("could not draw a fresh organisation name")

    def reserve(self, name: str) -> None:
        self.taken.add(fold(name))

    def acronym(self, topic: str) -> str:
        letters = [w[0] for w in re.split(r"[^A-Za-zÀ-ÿ]+", fold(topic)) if len(w) > 2]
        core = "".join(letters).upper()[:3]
        return (self.rng.choice("LUCIR") + core + self.rng.choice("ABCDEHMNOPRST")).upper()

    def company_root(self) -> str:
        root = self.rng.choice(v.NAME_ROOTS)
        ending = self.rng.choice(v.NAME_ENDINGS)
        joined = root + ending
        return joined[0].upper() + joined[1:].lower()


def _kind_family(kind: str) -> str:
    if kind in (OrganisationKind.UNIVERSITY_LAB, OrganisationKind.RESEARCH_INSTITUTE):
        return "academic"
    if kind == OrganisationKind.HOSPITAL:
        return "hospital"
    if kind == OrganisationKind.TECHNOLOGY_PLATFORM:
        return "platform"
    if kind == OrganisationKind.INVESTOR:
        return "investor"
    if kind in (OrganisationKind.PUBLIC_BODY, OrganisationKind.OTHER):
        return "public_body"
    return "company"


def _org_name(kind: str, theme: v.Theme, names: _Names, rng: random.Random, language: str) -> str:
    def pick(options):
        return rng.choice(options)

    def make() -> str:
        place = pick(v.INVENTED_PLACES)
        if kind == OrganisationKind.UNIVERSITY_LAB:
            if language == "en":
                topic = theme.topic_en[0].upper() + theme.topic_en[1:]
                return pick(v.LAB_PATTERNS_EN).format(topic=topic, acronym=names.acronym(topic))
            return pick(v.LAB_PATTERNS_FR).format(
                topic=theme.topic_fr, place=place, acronym=names.acronym(theme.topic_fr)
            )
        if kind == OrganisationKind.RESEARCH_INSTITUTE:
            return pick(v.INSTITUTE_PATTERNS_FR).format(
                patron=pick(v.INVENTED_PATRONS), topic=theme.topic_fr, place=place
            )
        if kind == OrganisationKind.HOSPITAL:
            return pick(v.HOSPITAL_PATTERNS).format(place=place)
        if kind == OrganisationKind.TECHNOLOGY_PLATFORM:
            label, _english = pick(v.PLATFORM_KINDS)
            return f"{label} {names.company_root()}"
        if kind == OrganisationKind.PUBLIC_BODY:
            return pick(v.PUBLIC_BODY_PATTERNS).format(place=place, root=names.company_root())
        if kind == OrganisationKind.OTHER:
            return pick(v.OTHER_PATTERNS).format(place=place, patron=pick(v.INVENTED_PATRONS))
        if kind == OrganisationKind.INVESTOR:
            return pick(v.INVESTOR_PATTERNS).format(root=names.company_root(), place=place)
        root = names.company_root()
        suffixes = {
            OrganisationKind.STARTUP: v.STARTUP_SUFFIXES,
            OrganisationKind.SME: v.SME_SUFFIXES,
            OrganisationKind.LARGE_COMPANY: v.LARGE_SUFFIXES,
            OrganisationKind.CDMO: v.CDMO_SUFFIXES,
        }[OrganisationKind(kind)]
        suffix = pick(suffixes)
        if suffix == "Laboratoires":
            return f"Laboratoires {root}"
        return f"{root} {suffix}".strip()

    return names.draw(make)


def _weighted_theme(rng: random.Random, kind: str, region: str, exclude: set[str]) -> v.Theme:
    themes = [theme for theme in v.THEMES if theme.code not in exclude]
    weights = []
    for theme in themes:
        weight = 1.0
        if theme.code in v.REGION_THEME_BIAS.get(region, ()):
            weight += 2.0
        if theme.code in v.KIND_THEME_BIAS.get(kind, ()):
            weight += 4.0
        weights.append(weight)
    return rng.choices(themes, weights=weights)[0]


def _tag_label(rng: random.Random, variants: tuple[str, ...], language: str) -> str:
    english, french = variants[0], variants[1]
    short = variants[2] if len(variants) > 2 else None
    roll = rng.random()
    if short and roll < 0.12:
        return short
    if language == "fr":
        return french if roll < 0.75 else english
    return english if roll < 0.85 else french


def _tags_for(rng: random.Random, themes: list[v.Theme], language: str, low: int, high: int):
    pool = [variants for theme in themes for variants in theme.tags]
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(low, high)))
    labels: dict[str, str] = {}
    for variants in chosen:
        label = _tag_label(rng, variants, language)
        labels.setdefault(fold(label), label)
    return tuple(labels.values())


def _phrase(rng: random.Random, theme: v.Theme, language: str) -> dict[str, str]:
    subjects = theme.subjects_fr if language == "fr" else theme.subjects_en
    methods = theme.methods_fr if language == "fr" else theme.methods_en
    method, method2 = rng.sample(methods, k=2) if len(methods) > 1 else (methods[0], methods[0])
    return {
        "subject": rng.choice(subjects),
        "method": method,
        "method2": method2,
        "years": str(rng.randint(5, 28)),
    }


_CONTRACTIONS = (
    (" de les ", " des "),
    (" de le ", " du "),
    (" à les ", " aux "),
    (" à le ", " au "),
)


def french(text: str) -> str:
    """Sentences assembled from parts, with French contractions applied ("de les" → "des")."""
    for loose, contracted in _CONTRACTIONS:
        text = text.replace(loose, contracted)
    return text


def _compose(template: str, language: str, **words: str) -> str:
    text = template.format(**words)
    return french(text) if language == "fr" else text


def _pick_text(rng: random.Random, pairs: tuple[tuple[str, str], ...], language: str) -> str:
    french, english = rng.choice(pairs)
    return french if language == "fr" else english


def _offer_and_need(rng, kind: str, themes: list[v.Theme], language: str) -> tuple[str, str]:
    family = _kind_family(kind)
    if family == "investor":
        return _pick_text(rng, v.INVESTOR_OFFERS, language), _pick_text(
            rng, v.INVESTOR_NEEDS, language
        )
    if family == "public_body":
        return (
            _pick_text(rng, v.PUBLIC_BODY_OFFERS, language),
            _pick_text(rng, v.PUBLIC_BODY_NEEDS, language),
        )
    public = OrganisationKind(kind).sector.value == "public"
    offers, needs = [], []
    for theme in themes:
        offers.append(
            _pick_text(rng, theme.public_offers if public else theme.private_offers, language)
        )
        needs.append(
            _pick_text(rng, theme.public_needs if public else theme.private_needs, language)
        )
    return " ".join(dict.fromkeys(offers)), " ".join(dict.fromkeys(needs))


def _region_slots(rng: random.Random, kinds: list[OrganisationKind], fixed_in_main: int):
    """One region per generated organisation, the whole cluster split as REGION_SHARES says."""
    total = len(kinds) + fixed_in_main
    exact = {region: share * total for region, share in REGION_SHARES.items()}
    counts = {region: int(value) for region, value in exact.items()}
    by_remainder = sorted(exact, key=lambda region: exact[region] - counts[region], reverse=True)
    for region in by_remainder[: total - sum(counts.values())]:
        counts[region] += 1
    counts[Region.PAYS_DE_LA_LOIRE] -= fixed_in_main

    indices = list(range(len(kinds)))
    elsewhere_candidates = [i for i in indices if kinds[i] in ELSEWHERE_KINDS]
    elsewhere = set(rng.sample(elsewhere_candidates, k=counts.pop("elsewhere")))
    slots = [region for region, n in counts.items() for _ in range(n)]
    rng.shuffle(slots)
    regions: list[tuple[str, str]] = []
    for i in indices:
        if i in elsewhere:
            region, city = rng.choice(v.OTHER_PLACES)
        else:
            region = slots.pop()
            cities, weights = zip(*v.CITIES[region], strict=True)
            city = rng.choices(cities, weights=weights)[0]
        regions.append((str(region), city))
    return regions


def _founding(rng: random.Random, kind: str, today: date) -> tuple[int, bool, date | None]:
    ranges = {
        OrganisationKind.STARTUP: (today.year - 11, today.year),
        OrganisationKind.SME: (1986, today.year - 6),
        OrganisationKind.LARGE_COMPANY: (1902, 1995),
        OrganisationKind.CDMO: (1990, today.year - 3),
        OrganisationKind.INVESTOR: (1998, today.year - 2),
        OrganisationKind.HOSPITAL: (1860, 1985),
        OrganisationKind.UNIVERSITY_LAB: (1975, today.year - 1),
        OrganisationKind.RESEARCH_INSTITUTE: (1950, 2015),
        OrganisationKind.TECHNOLOGY_PLATFORM: (1995, today.year - 1),
        OrganisationKind.PUBLIC_BODY: (1985, 2018),
        OrganisationKind.OTHER: (1970, 2018),
    }
    first, last = ranges[OrganisationKind(kind)]
    year = rng.randint(first, last)
    if kind != OrganisationKind.STARTUP or rng.random() >= CLUSTER_STARTUP_SHARE:
        return year, False, None
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), today)
    created = start + timedelta(days=rng.randint(0, (end - start).days))
    return year, True, created


def _organisation(
    rng: random.Random,
    index: int,
    kind: OrganisationKind,
    region: str,
    city: str,
    names: _Names,
    today: date,
) -> OrganisationPlan:
    family = _kind_family(kind)
    english_share = {"company": 0.4, "investor": 0.4, "academic": 0.15}.get(family, 0.05)
    language = "en" if rng.random() < english_share else "fr"
    primary = _weighted_theme(rng, kind, region, set())
    themes = [primary]
    extra = 2 if kind in (OrganisationKind.LARGE_COMPANY, OrganisationKind.INVESTOR) else 1
    for _ in range(extra):
        if rng.random() < 0.55:
            themes.append(_weighted_theme(rng, kind, region, {t.code for t in themes}))
    name = _org_name(kind, primary, names, rng, language)
    domain = _slug(name) + f".{DEMO_EMAIL_DOMAIN}"
    template_fr, template_en = rng.choice(v.DESCRIPTION_TEMPLATES[family])
    words = _phrase(rng, primary, language)
    description = _compose(
        template_fr if language == "fr" else template_en, language, name=name, **words
    )
    offer, need = _offer_and_need(rng, kind, themes, language)
    founded, cluster_startup, created_on = _founding(rng, kind, today)
    return OrganisationPlan(
        external_id=f"{DEMO_EXTERNAL_PREFIX}org-{index:03d}",
        name=name,
        kind=kind.value,
        region=region,
        city=city,
        domain=domain,
        website=f"https://www.{domain}" if rng.random() < 0.85 else None,
        description=description,
        offer=offer,
        looking_for=need,
        focus_areas=tuple(dict.fromkeys(theme.focus_area.value for theme in themes)),
        tags=_tags_for(rng, themes, language, 3, 6),
        founded_year=founded,
        cluster_startup=cluster_startup,
        startup_created_on=created_on,
        language=language,
        themes=tuple(theme.code for theme in themes),
    )


def _fixed_organisations(today: date) -> list[OrganisationPlan]:
    created = today - timedelta(days=3 * 365 + 40)
    cell, bioprocess = v.THEMES_BY_CODE["cell_therapy"], v.THEMES_BY_CODE["bioprocess"]
    return [
        OrganisationPlan(
            external_id=TEAM_EXTERNAL_ID,
            name="Équipe d'animation du pôle",
            kind=OrganisationKind.OTHER.value,
            region=Region.PAYS_DE_LA_LOIRE.value,
            city="Nantes",
            domain=f"cluster.{DEMO_EMAIL_DOMAIN}",
            website=f"https://cluster.{DEMO_EMAIL_DOMAIN}",
            description=(
                "L'équipe du pôle anime le réseau des membres publics et privés des régions Pays "
                "de la Loire, Bretagne et Centre-Val de Loire : base de données des acteurs, "
                "afterworks public-privé, accompagnement à la création de startups et au montage "
                "de projets collaboratifs."
            ),
            offer=(
                "Mises en relation entre laboratoires et entreprises, afterworks, veille sur les "
                "appels à projets et aide au montage des dossiers."
            ),
            looking_for="Des membres qui décrivent ce qu'ils offrent et ce qu'ils recherchent.",
            focus_areas=(),
            tags=(),
            founded_year=2005,
            cluster_startup=False,
            startup_created_on=None,
            language="fr",
            themes=(),
        ),
        OrganisationPlan(
            external_id=SHOWCASE_EXTERNAL_ID,
            name="Erdrecell Therapeutics",
            kind=OrganisationKind.STARTUP.value,
            region=Region.PAYS_DE_LA_LOIRE.value,
            city="Nantes",
            domain=f"erdrecell.{DEMO_EMAIL_DOMAIN}",
            website=f"https://www.erdrecell.{DEMO_EMAIL_DOMAIN}",
            description=(
                "Erdrecell Therapeutics développe une thérapie cellulaire à base de cellules "
                "souches mésenchymateuses pour la réparation du cartilage, avec un procédé de "
                "production automatisé en système clos."
            ),
            offer=(
                "Un procédé de culture de cellules souches mésenchymateuses en bioréacteur et une "
                "expertise des contrôles qualité des médicaments de thérapie innovante."
            ),
            looking_for=(
                "Un service hospitalier pour un premier essai chez l'homme et une équipe "
                "académique en modélisation des bioréacteurs."
            ),
            focus_areas=(cell.focus_area.value, bioprocess.focus_area.value),
            tags=(
                "thérapie cellulaire",
                "cellules souches mésenchymateuses",
                "bioréacteurs",
                "ATMP",
            ),
            founded_year=created.year,
            cluster_startup=True,
            startup_created_on=created,
            language="fr",
            themes=(cell.code, bioprocess.code),
        ),
    ]


def _fixed_people() -> list[PersonPlan]:
    return [
        PersonPlan(
            email=ORGANISER_EMAIL,
            full_name="Claire Morvan",
            organisation_external_id=TEAM_EXTERNAL_ID,
            position="Chargée de mission partenariats public-privé",
            expertise=(
                "Animation du réseau, afterworks public-privé et montage de projets collaboratifs."
            ),
            offer="Mises en relation et aide au montage de projets.",
            looking_for="",
            tags=(),
            orcid=None,
            phone="02 61 91 00 10",
            language="fr",
            visibility=Visibility.MEMBERS.value,
            consent_matching=False,
            role=Role.ORGANISER.value,
        ),
        PersonPlan(
            email=ADMIN_EMAIL,
            full_name="Thomas Guillou",
            organisation_external_id=TEAM_EXTERNAL_ID,
            position="Administrateur de la plateforme",
            expertise="",
            offer="",
            looking_for="",
            tags=(),
            orcid=None,
            phone=None,
            language="fr",
            visibility=Visibility.HIDDEN.value,
            consent_matching=False,
            role=Role.ADMIN.value,
        ),
        PersonPlan(
            email=MEMBER_EMAIL,
            full_name="Camille Le Goff",
            organisation_external_id=SHOWCASE_EXTERNAL_ID,
            position="Directrice scientifique",
            expertise=(
                "Biologiste cellulaire, quinze ans d'expérience sur les cellules souches "
                "mésenchymateuses et la culture cellulaire en conditions BPF."
            ),
            offer="Expertise en contrôles qualité des produits cellulaires.",
            looking_for=(
                "Un centre d'investigation clinique en rhumatologie et une expertise en "
                "modélisation des bioréacteurs."
            ),
            tags=("thérapie cellulaire", "cellules souches mésenchymateuses", "bioproduction"),
            orcid=None,
            phone="02 61 91 00 42",
            language="fr",
            visibility=Visibility.MEMBERS.value,
            consent_matching=True,
        ),
    ]


def _people_counts(rng: random.Random, organisations: list[OrganisationPlan], target: int):
    counts = [rng.randint(*PEOPLE_PER_KIND[OrganisationKind(o.kind)]) for o in organisations]
    while sum(counts) != target:
        i = rng.randrange(len(counts))
        if sum(counts) < target:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
    return counts


def _orcid(rng: random.Random) -> str:
    # An invented iD in a block ORCID does not issue, with a valid check digit.
    digits = "00000000" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    full = digits + orcid_check_digit(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _person(
    rng: random.Random,
    organisation: OrganisationPlan,
    taken_names: set[str],
    taken_emails: set[str],
) -> PersonPlan:
    international = rng.random() < 0.18
    while True:
        if international:
            first = rng.choice(v.INTERNATIONAL_FIRST_NAMES)
            last = rng.choice(v.INTERNATIONAL_SURNAMES)
            woman = rng.random() < 0.5
        else:
            woman = rng.random() < 0.5
            first = rng.choice(v.FRENCH_WOMEN_NAMES if woman else v.FRENCH_MEN_NAMES)
            last = rng.choice(v.FRENCH_SURNAMES)
        full_name = f"{first} {last}"
        if full_name not in taken_names:
            taken_names.add(full_name)
            break
    language = "en" if international or rng.random() < 0.22 else "fr"
    local = ".".join(_slug(part, words=4).replace("-", "") for part in (first, last))
    email = f"{local}@{organisation.domain}"
    n = 2
    while email in taken_emails:
        email = f"{local}{n}@{organisation.domain}"
        n += 1
    taken_emails.add(email)

    family = _kind_family(organisation.kind)
    feminine, masculine, english = rng.choice(v.POSITIONS[family])
    position = english if language == "en" else (feminine if woman else masculine)
    themes = [v.THEMES_BY_CODE[code] for code in organisation.themes] or [rng.choice(v.THEMES)]
    theme = rng.choice(themes)
    words = _phrase(rng, theme, language)
    if family == "investor":
        french_text, english_text = v.INVESTOR_EXPERTISE[0]
        expertise = _compose(french_text if language == "fr" else english_text, language, **words)
    else:
        company = family == "company"
        templates = {
            ("fr", False): v.EXPERTISE_TEMPLATES_FR,
            ("en", False): v.EXPERTISE_TEMPLATES_EN,
            ("fr", True): v.COMPANY_EXPERTISE_TEMPLATES_FR,
            ("en", True): v.COMPANY_EXPERTISE_TEMPLATES_EN,
        }[(language, company)]
        first, second = rng.sample(templates, k=2)
        expertise = _compose(first, language, **words)
        if len(themes) > 1 and rng.random() < 0.5:
            other = _phrase(rng, themes[1] if theme is themes[0] else themes[0], language)
            expertise += " " + _compose(second, language, **other)
    offer, need = _offer_and_need(rng, organisation.kind, [theme], language)
    if rng.random() < 0.1:
        offer = ""
    if rng.random() < 0.1:
        need = ""
    public_research = family in ("academic", "hospital", "platform")
    roll = rng.random()
    visibility = (
        Visibility.PUBLIC
        if roll < 0.18
        else Visibility.HIDDEN
        if roll < 0.25
        else Visibility.MEMBERS
    )
    return PersonPlan(
        email=email,
        full_name=full_name,
        organisation_external_id=organisation.external_id,
        position=position,
        expertise=expertise,
        offer=offer,
        looking_for=need,
        tags=_tags_for(rng, themes, language, 2, 5),
        orcid=_orcid(rng) if public_research and rng.random() < 0.45 else None,
        # Numbers from the range set aside for fiction, so that no real line is shown.
        phone=f"02 61 91 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        if rng.random() < 0.6
        else None,
        language=language,
        visibility=visibility.value,
        consent_matching=rng.random() < 0.88,
    )


def generate_cluster(seed: int = DEFAULT_SEED, today: date | None = None) -> ClusterPlan:
    """The whole demo cluster for ``seed``, with dates counted back from ``today``."""
    today = today or date.today()
    rng = random.Random(f"matchmaker-demo:{seed}")
    names = _Names(rng)
    fixed_organisations = _fixed_organisations(today)
    for organisation in fixed_organisations:
        names.reserve(organisation.name)

    kinds = [kind for kind, n in KIND_COUNTS.items() for _ in range(n)]
    rng.shuffle(kinds)
    places = _region_slots(rng, kinds, fixed_in_main=len(fixed_organisations))
    organisations = list(fixed_organisations)
    for index, (kind, (region, city)) in enumerate(zip(kinds, places, strict=True), start=1):
        organisations.append(_organisation(rng, index, kind, region, city, names, today))

    fixed_people = _fixed_people()
    taken_names = {person.full_name for person in fixed_people}
    taken_emails = {person.email for person in fixed_people}
    generated = organisations[len(fixed_organisations) :]
    counts = _people_counts(rng, generated, PEOPLE_TOTAL - len(fixed_people))
    people = list(fixed_people)
    for organisation, n in zip(generated, counts, strict=True):
        for _ in range(n):
            people.append(_person(rng, organisation, taken_names, taken_emails))

    return ClusterPlan(
        seed=seed,
        organisations=tuple(organisations),
        people=tuple(people),
        merged_synonyms=(("PET imaging", ("imagerie TEP", "PET")),),
    )

"""Time to compute the organisers' whole dashboard on a cluster of 10,000 organisations.

For each database (SQLite file, throwaway PostgreSQL) a fresh database is migrated and filled
with N organisations (kinds, regions, focus areas, join dates over five years, startups
created with the cluster's support and their funding rounds), two people each (tags, texts
of varied length, consent), 100 events over two years with about 100 invitations each and
the connections made there, 5,000 introduction requests, and 10 stored suggestions per person
and per organisation. Then ``dashboard_figures`` (every section, the last twelve months, all
regions, then one region) is timed, best of R runs.

The reference, measured in the same run on the same database: the same figures computed
naively in Python from every row loaded (the way a spreadsheet export would be counted). The
two must be equal; the script stops with an error if they are not.

    .venv/bin/python benchmarks/dashboard.py [--organisations 10000] [--events 100]
        [--databases sqlite postgresql] [--repeat 3] [--json]

With ``--json`` the last line is one JSON object: {"organisations": N, "runs": [{"database",
"rows", "dashboard_seconds", "dashboard_region_seconds", "sections_seconds",
"reference_seconds", "figures_equal"}, ...]}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import ThrowawayPostgres  # noqa: E402

TODAY = date(2026, 11, 30)
KINDS = (
    ("university_lab", 22),
    ("hospital", 6),
    ("research_institute", 7),
    ("public_body", 3),
    ("technology_platform", 7),
    ("other", 3),
    ("startup", 25),
    ("sme", 16),
    ("large_company", 4),
    ("cdmo", 4),
    ("investor", 3),
)
REGIONS = (
    ("pays_de_la_loire", 60),
    ("bretagne", 20),
    ("centre_val_de_loire", 10),
    ("ile_de_france", 5),
    ("occitanie", 2),
    ("other", 3),
)
FOCUS_AREAS = (
    "immunotherapy",
    "radiopharmaceuticals",
    "regenerative_medicine",
    "bioproduction",
    "digital_health",
    "animal_health",
    "nutrition_microbiota",
)
STATES = (
    ("came", 55),
    ("no_show", 8),
    ("no", 20),
    ("maybe", 4),
    ("invited", 8),
    ("waitlisted", 2),
    ("yes", 3),
)
OUTCOMES = (
    ("accepted", 25),
    ("met", 12),
    ("project_started", 5),
    ("declined", 18),
    ("expired", 12),
    ("withdrawn", 5),
    ("requested", 8),
    ("forwarded", 2),
)
WORDS = (
    "bioreactor",
    "process",
    "development",
    "antibodies",
    "GMP",
    "purification",
    "analytics",
    "cell",
    "therapy",
    "vectors",
    "imaging",
    "radiotracers",
    "microbiota",
    "clinical",
    "trials",
    "scale-up",
    "platform",
)


def weighted(rng: random.Random, table) -> str:
    return rng.choices([code for code, _ in table], weights=[w for _, w in table])[0]


def moment(day: date, rng: random.Random) -> datetime:
    return datetime(
        day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59), tzinfo=UTC
    )


def text(rng: random.Random) -> str:
    # A few members write almost nothing: they are the thin profiles.
    n = rng.choice((0, 2, 8, 20, 30, 40))
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build(app, organisations: int, events: int, seed: int = 7) -> int:
    """Fill the database with bulk inserts; returns the number of rows written."""
    from sqlalchemy import insert

    from matchmaker.extensions import db
    from matchmaker.models import (
        Connection,
        Event,
        FundingRound,
        IntroductionRequest,
        Invitation,
        Organisation,
        OrganisationFocusArea,
        Person,
        Suggestion,
        Tag,
        User,
        organisation_tags,
        person_tags,
    )

    rng = random.Random(seed)
    start = TODAY - timedelta(days=5 * 365)
    span = (TODAY - start).days
    rows: dict = defaultdict(list)
    rows[Tag] = [{"id": i, "label": f"tag {i}", "normalised": f"tag {i}"} for i in range(1, 301)]
    people_of: dict[int, list[int]] = {}
    sector: dict[int, str] = {}
    person_id = 0
    public = {
        "university_lab",
        "hospital",
        "research_institute",
        "public_body",
        "technology_platform",
        "other",
    }
    for org_id in range(1, organisations + 1):
        kind = weighted(rng, KINDS)
        joined = start + timedelta(days=int(span * rng.random() ** 0.6))
        supported = kind == "startup" and rng.random() < 0.4
        created_on = (
            (start - timedelta(days=rng.randint(0, 2000)) + timedelta(days=rng.randint(0, span)))
            if supported
            else None
        )
        if created_on and created_on > TODAY:
            created_on = TODAY
        rows[Organisation].append(
            {
                "id": org_id,
                "name": f"Organisation {org_id}",
                "kind": kind,
                "region": weighted(rng, REGIONS),
                "city": "Nantes",
                "description": text(rng),
                "offer": text(rng),
                "looking_for": text(rng),
                "cluster_startup": supported,
                "startup_created_on": created_on,
                "created_at": moment(joined, rng),
                "updated_at": moment(joined, rng),
            }
        )
        sector[org_id] = "public" if kind in public else "private"
        for area in rng.sample(FOCUS_AREAS, rng.randint(1, 2)):
            rows[OrganisationFocusArea].append({"organisation_id": org_id, "focus_area": area})
        for tag in rng.sample(range(1, 301), rng.choice((0, 2, 4))):
            rows[organisation_tags].append({"organisation_id": org_id, "tag_id": tag})
        people_of[org_id] = []
        for _ in range(2):
            person_id += 1
            people_of[org_id].append(person_id)
            confirmed = rng.random() < 0.95
            person_joined = moment(joined + timedelta(days=rng.randint(0, 60)), rng)
            rows[User].append(
                {
                    "id": person_id,
                    "email": f"person{person_id}@example.org",
                    "password_hash": "x",
                    "role": "member",
                    "confirmed_at": person_joined if confirmed else None,
                    "created_at": person_joined,
                }
            )
            rows[Person].append(
                {
                    "id": person_id,
                    "user_id": person_id,
                    "organisation_id": org_id,
                    "full_name": f"Person {person_id}",
                    "expertise": text(rng),
                    "offer": text(rng),
                    "looking_for": text(rng),
                    "consent_matching": rng.random() < 0.85,
                    "created_at": person_joined,
                    "updated_at": person_joined,
                }
            )
            for tag in rng.sample(range(1, 301), rng.choice((0, 1, 3, 5))):
                rows[person_tags].append({"person_id": person_id, "tag_id": tag})
        if supported and rng.random() < 0.6:
            day = created_on + timedelta(days=rng.randint(30, 400))
            while day <= TODAY:
                rows[FundingRound].append(
                    {
                        "organisation_id": org_id,
                        "raised_on": day,
                        "amount_eur": rng.randint(1, 300) * 50_000,
                        "kind": rng.choice(("pre_seed", "seed", "series_a", "non_dilutive")),
                        "investors": "Fonds",
                        "created_at": moment(day, rng),
                    }
                )
                day += timedelta(days=rng.randint(200, 900))
    all_people = list(range(1, person_id + 1))
    first_event = TODAY - timedelta(days=730)
    for event_id in range(1, events + 1):
        starts = moment(first_event + timedelta(days=int(730 * event_id / events)), rng)
        kind = "congress" if event_id % 10 == 0 else "afterwork"
        rows[Event].append(
            {
                "id": event_id,
                "kind": kind,
                "title": f"Event {event_id}",
                "theme": "",
                "focus_areas": [],
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "capacity": 70,
                "private_share": 0.5,
                "region_weights": {},
                "calendar_uid": f"bench-{event_id}@matchmaker",
                "created_at": starts,
                "updated_at": starts,
            }
        )
        guests = rng.sample(all_people, 200 if kind == "congress" else 90)
        came = []
        for guest in guests:
            state = weighted(rng, STATES)
            walk_in = state == "came" and rng.random() < 0.05
            rows[Invitation].append(
                {
                    "event_id": event_id,
                    "person_id": guest,
                    "state": state,
                    "source": "walk_in" if walk_in else "generated",
                    "answer": "yes"
                    if state in ("came", "no_show", "yes", "waitlisted")
                    else ("no" if state == "no" else None),
                    "invited_at": None if walk_in else starts - timedelta(days=20),
                    "created_at": starts - timedelta(days=25),
                }
            )
            if state == "came":
                came.append(guest)
        for _ in range(len(came) // 2):
            a, b = sorted(rng.sample(came, 2))
            rows[Connection].append(
                {
                    "a_kind": "person",
                    "a_id": a,
                    "b_kind": "person",
                    "b_id": b,
                    "via": "event",
                    "source_ref": event_id,
                    "occurred_on": starts.date(),
                }
            )
    seen_connections = set()
    unique = []
    for row in rows[Connection]:
        key = (row["a_id"], row["b_id"], row["source_ref"])
        if key not in seen_connections:
            seen_connections.add(key)
            unique.append(row)
    rows[Connection] = unique
    for _ in range(5000):
        requester, recipient = rng.sample(all_people, 2)
        created = moment(TODAY - timedelta(days=rng.randint(0, 700)), rng)
        status = weighted(rng, OUTCOMES)
        answered = status in ("accepted", "met", "project_started", "declined")
        rows[IntroductionRequest].append(
            {
                "requester_id": requester,
                "target_kind": "person",
                "target_person_id": recipient,
                "recipient_id": recipient,
                "purpose": "collaborative_project",
                "message": "Could we talk about process development?",
                "status": status,
                "declined_by": "recipient" if status == "declined" else None,
                "created_at": created,
                "delivered_at": created,
                "answered_at": created + timedelta(hours=rng.randint(1, 300)) if answered else None,
                "expires_at": created + timedelta(days=14),
                "updated_at": created,
            }
        )
    computed = moment(TODAY, rng)
    for kind, count_ in (("person", person_id), ("organisation", organisations)):
        for source in range(1, count_ + 1):
            for rank, candidate in enumerate(rng.sample(range(1, count_ + 1), 10), start=1):
                if candidate == source:
                    continue
                rows[Suggestion].append(
                    {
                        "source_kind": kind,
                        "source_id": source,
                        "candidate_kind": kind,
                        "candidate_id": candidate,
                        "rank": rank,
                        "score": round(rng.random(), 3),
                        "channels": {},
                        "reasons": [],
                        "computed_at": computed,
                        "first_seen_at": computed,
                    }
                )
    order = (
        Tag,
        Organisation,
        OrganisationFocusArea,
        organisation_tags,
        User,
        Person,
        person_tags,
        FundingRound,
        Event,
        Invitation,
        Connection,
        IntroductionRequest,
        Suggestion,
    )
    written = 0
    with app.app_context():
        for model in order:
            table = model if hasattr(model, "c") else model.__table__
            batch = rows[model]
            for i in range(0, len(batch), 5000):
                db.session.execute(insert(table), batch[i : i + 5000])
            written += len(batch)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    return written


# --- The reference: the same figures counted in Python from every row ------------------------


def reference_figures(filters) -> dict:
    from sqlalchemy import select

    from matchmaker.domain import OrganisationKind, cluster_region
    from matchmaker.extensions import db
    from matchmaker.models import (
        Event,
        FundingRound,
        IntroductionRequest,
        Invitation,
        Organisation,
        OrganisationFocusArea,
        Person,
        Suggestion,
        User,
        organisation_tags,
        person_tags,
    )
    from matchmaker.services.dashboard import (
        GOOD_SUGGESTION_SCORE,
        GOOD_SUGGESTIONS_WANTED,
        THIN_PROFILE_CHARACTERS,
        periods,
    )

    start, end, region = filters.start, filters.end, filters.region

    def in_region(code):
        return not region or cluster_region(code or "other") == region

    organisations = db.session.execute(select(Organisation)).scalars().all()
    org_by_id = {o.id: o for o in organisations}
    people = db.session.execute(
        select(Person, User.confirmed_at, User.email).join(User, User.id == Person.user_id)
    ).all()
    result: dict = {}
    members = [o for o in organisations if o.created_at < end and in_region(o.region)]
    confirmed = [
        p
        for p, confirmed_at, _ in people
        if confirmed_at is not None
        and p.created_at < end
        and in_region(org_by_id[p.organisation_id].region if p.organisation_id else None)
    ]
    kinds = Counter(o.kind for o in members)
    result["organisations_by_kind"] = dict(kinds)
    result["new_organisations"] = sum(1 for o in members if o.created_at >= start)
    result["people"] = len(confirmed)
    result["people_by_region"] = dict(
        Counter(cluster_region(org_by_id[p.organisation_id].region) for p in confirmed)
    )
    areas = defaultdict(list)
    for organisation_id, area in db.session.execute(
        select(OrganisationFocusArea.organisation_id, OrganisationFocusArea.focus_area)
    ):
        areas[organisation_id].append(area)
    result["organisations_by_focus_area"] = dict(
        Counter(area for o in members for area in areas[o.id])
    )
    steps = periods(filters)
    from matchmaker.services.dashboard import paris_midnight

    bounds = [paris_midnight(s.first_day) for s in steps] + [
        paris_midnight(steps[-1].last_day + timedelta(days=1))
    ]
    result["new_people_per_step"] = [
        sum(1 for p in confirmed if a <= p.created_at < b) for a, b in pairwise(bounds)
    ]
    # Events: per event, invited and came among the region's guests.
    events = (
        db.session.execute(
            select(Event).where(
                Event.starts_at >= start, Event.starts_at < end, Event.cancelled_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    ids = {e.id for e in events}
    person_org = {p.id: p.organisation_id for p, _, _ in people}
    per_event: dict[int, Counter] = defaultdict(Counter)
    for invitation in db.session.execute(select(Invitation)).scalars():
        if invitation.event_id not in ids:
            continue
        organisation = org_by_id.get(person_org.get(invitation.person_id))
        if not in_region(organisation.region if organisation else None):
            continue
        c = per_event[invitation.event_id]
        c["invited"] += invitation.invited_at is not None
        c["came"] += invitation.state == "came"
        if invitation.state == "came":
            c["came_private"] += OrganisationKind(organisation.kind).sector == "private"
    result["events"] = {
        i: (per_event[i]["invited"], per_event[i]["came"], per_event[i]["came_private"])
        for i in sorted(ids)
    }
    # Introductions: counts by outcome.
    status = Counter()
    for request in db.session.execute(select(IntroductionRequest)).scalars():
        if not start <= request.created_at < end:
            continue
        sides = {person_org.get(request.requester_id), person_org.get(request.recipient_id)}
        if region and not any(in_region(org_by_id[s].region) for s in sides if s):
            continue
        status[request.status] += 1
    result["introductions"] = (
        sum(status.values()),
        status["accepted"] + status["met"] + status["project_started"],
        status["declined"],
        status["expired"],
        status["met"] + status["project_started"],
    )
    # Startups and their rounds, per year.
    created = Counter(
        o.startup_created_on.year
        for o in organisations
        if o.cluster_startup
        and o.startup_created_on
        and in_region(o.region)
        and filters.since <= o.startup_created_on <= filters.until
    )
    raised: Counter = Counter()
    for funding in db.session.execute(select(FundingRound)).scalars():
        o = org_by_id[funding.organisation_id]
        if (
            o.cluster_startup
            and o.startup_created_on
            and in_region(o.region)
            and (filters.since <= funding.raised_on <= filters.until)
        ):
            raised[funding.raised_on.year] += funding.amount_eur
    result["startups"] = {
        y: (created[y], raised[y]) for y in range(filters.since.year, filters.until.year + 1)
    }
    # Matching health: good suggestions per consenting person; thin profiles.
    good: Counter = Counter()
    for kind, source, score in db.session.execute(
        select(Suggestion.source_kind, Suggestion.source_id, Suggestion.score)
    ):
        if kind == "person" and score >= GOOD_SUGGESTION_SCORE:
            good[source] += 1
    tags: Counter = Counter(person for person, _ in db.session.execute(select(person_tags)))
    consenting = [p for p in confirmed if p.consent_matching]
    result["people_well_served"] = sum(
        1 for p in consenting if good[p.id] >= GOOD_SUGGESTIONS_WANTED
    )
    result["thin_people"] = sum(
        1
        for p in consenting
        if len(p.expertise) + len(p.offer) + len(p.looking_for) < THIN_PROFILE_CHARACTERS
        or not tags[p.id]
    )
    org_tags: Counter = Counter(o for o, _ in db.session.execute(select(organisation_tags)))
    result["thin_organisations"] = sum(
        1
        for o in members
        if len(o.description) + len(o.offer) + len(o.looking_for) < THIN_PROFILE_CHARACTERS
        or not org_tags[o.id]
    )
    return result


def service_as_reference(figures) -> dict:
    members = figures.members
    regions = {row.code: row.people for row in members.by_region if row.people}
    events = {
        line.event_id: (line.figures.invited, line.figures.came, line.figures.came_private)
        for line in figures.events.events
    }
    f = figures.introductions.figures
    return {
        "organisations_by_kind": {
            row.code: row.organisations for row in members.by_kind if row.organisations
        },
        "new_organisations": members.new_organisations,
        "people": members.people,
        "people_by_region": regions,
        "organisations_by_focus_area": {
            row.code: row.organisations for row in members.by_focus_area if row.organisations
        },
        "new_people_per_step": [step.new_people for step in members.growth],
        "events": events,
        "introductions": (f.requested, f.introduced, f.declined, f.expired, f.met),
        "startups": {row.year: (row.created, row.raised_eur) for row in figures.startups.per_year},
        "people_well_served": figures.matching.people_well_served,
        "thin_people": figures.matching.thin_people,
        "thin_organisations": figures.matching.thin_organisations,
    }


def best_of(repeat: int, work) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - began)
    return min(times), value


def run(database: str, url: str, instance: Path, args) -> dict:
    from flask_migrate import upgrade

    from matchmaker.app import create_app
    from matchmaker.dashboard.routes import PAGE_ROWS
    from matchmaker.extensions import db
    from matchmaker.services import dashboard
    from matchmaker.services.dashboard import DashboardFilters, dashboard_figures

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=str(instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    began = time.perf_counter()
    rows = build(app, args.organisations, args.events)
    print(f"{database}: {rows:,} rows written in {time.perf_counter() - began:.1f} s", flush=True)
    everywhere = DashboardFilters.last_twelve_months(TODAY)
    bretagne = DashboardFilters.last_twelve_months(TODAY, region="bretagne")
    with app.app_context():
        # As the page computes it: the thinnest profiles listed, all of them counted.
        dashboard_seconds, figures = best_of(
            args.repeat, lambda: dashboard_figures(everywhere, thin_limit=PAGE_ROWS)
        )
        region_seconds, regional = best_of(
            args.repeat, lambda: dashboard_figures(bretagne, thin_limit=PAGE_ROWS)
        )
        sections = {
            name: round(best_of(args.repeat, lambda f=function: f(everywhere))[0], 3)
            for name, function in (
                ("members", dashboard.members_figures),
                ("events", dashboard.events_figures),
                ("introductions", dashboard.introductions_figures),
                ("startups", dashboard.startups_figures),
                ("matching", partial(dashboard.matching_figures, thin_limit=PAGE_ROWS)),
            )
        }
        db.session.remove()
        reference_seconds, reference = best_of(1, lambda: reference_figures(everywhere))
        regional_reference = reference_figures(bretagne)
        db.session.remove()
        equal = (
            service_as_reference(figures) == reference
            and service_as_reference(regional) == regional_reference
        )
        if not equal:
            mine, theirs = service_as_reference(figures), reference
            for key in mine:
                if mine[key] != theirs.get(key):
                    print(f"  differs: {key}: {mine[key]!r} != {theirs.get(key)!r}")
        db.engine.dispose()
    return {
        "database": database,
        "rows": rows,
        "dashboard_seconds": round(dashboard_seconds, 3),
        "dashboard_region_seconds": round(region_seconds, 3),
        "sections_seconds": sections,
        "reference_seconds": round(reference_seconds, 3),
        "figures_equal": equal,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    runs = []
    postgres = ThrowawayPostgres().start() if "postgresql" in args.databases else None
    try:
        with tempfile.TemporaryDirectory(prefix="matchmaker-bench-") as folder:
            for database in args.databases:
                if database == "sqlite":
                    url = f"sqlite:///{Path(folder) / 'dashboard.db'}"
                else:
                    url = postgres.create_database("dashboard_bench")
                runs.append(run(database, url, Path(folder) / database, args))
    finally:
        if postgres is not None:
            postgres.stop()
    print(
        f"{'database':<11} {'rows':>9} {'dashboard':>10} {'one region':>11} "
        f"{'reference':>10} {'equal':>6}"
    )
    for r in runs:
        print(
            f"{r['database']:<11} {r['rows']:>9,} {r['dashboard_seconds']:>9.2f}s "
            f"{r['dashboard_region_seconds']:>10.2f}s {r['reference_seconds']:>9.2f}s "
            f"{'yes' if r['figures_equal'] else 'NO':>6}"
        )
        print(
            "  by section: " + ", ".join(f"{k} {v:.2f}s" for k, v in r["sections_seconds"].items())
        )
    if args.json:
        print(
            json.dumps({"organisations": args.organisations, "events": args.events, "runs": runs})
        )
    return 0 if all(r["figures_equal"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The matching engine inside the app: profiles from the database, rebuilds, refreshes, and the
calls other features make.

* **Rebuild** (:func:`rebuild`): fit the engine on every profile (organisations; people who
  agreed to be matched), with past collaborations as history, store each profile's top
  ``MATCHING_SUGGESTIONS_PER_PROFILE`` as :class:`~matchmaker.models.Suggestion` rows (keeping
  the first-seen date of pairs already stored), dump the fitted index to
  ``instance/matching/index-<run>.pkl`` and record a :class:`~matchmaker.models.MatchingRun`.
* **Refresh** (:func:`refresh_pending`, every few seconds from the scheduler): profiles saved
  since (``matching_changes``, filled by :mod:`matchmaker.services.matching_changes`) are
  re-vectorised against the fitted index without refitting, their suggestions recomputed, and
  so are the lists they appear in.
* **Other features**: :func:`theme_relevance` (people ranked for an event's or a project's
  theme), :func:`organisation_relevance` (organisations ranked for a project's needs),
  :func:`pair_scores` (how well pairs of people match), and reading stored
  suggestions with :mod:`matchmaker.services.suggestions`.

Exclusions everywhere: one's own organisation, people who did not agree to be matched (or whose
account is not confirmed), pairs with any :class:`~matchmaker.models.Connection`, and pairs an
organiser vetoed. Pages only read stored rows; nothing here runs in a web request except the
two functions for other features, which only read the dumped index.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import MatchingEngine, MatchingIndex, Profile
from matchmaker.matching import Suggestion as EngineSuggestion
from matchmaker.models import (
    Connection,
    ConnectionVia,
    MatchingChange,
    MatchingRun,
    MatchingRunStatus,
    MatchingSetting,
    Organisation,
    PartyKind,
    Person,
    Suggestion,
    User,
    Veto,
    utcnow,
)
from matchmaker.services.concepts import matching_vocabulary
from matchmaker.services.matching_changes import (
    REBUILD_REQUEST_KEY,
    rebuild_requested_at,
    request_rebuild,
)
from matchmaker.services.matching_weights import current_weights

log = logging.getLogger(__name__)

PERSON = PartyKind.PERSON.value
ORGANISATION = PartyKind.ORGANISATION.value
_PREFIX = {PERSON: "p", ORGANISATION: "o"}
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in _PREFIX.items()}
_INSERT_CHUNK = 2000

# (stage label, done, total); stages follow each other, each counting up to its total.
Progress = Callable[[str, int, int], None] | None
Party = tuple[str, int]


class MatchingError(RuntimeError):
    """A matching operation that cannot run now; the message is for organisers."""


class RebuildRunning(MatchingError):
    pass


class MatchingNotReady(MatchingError):
    pass


# -- keys and profiles ------------------------------------------------------------------------


def party_key(kind: str, party_id: int) -> str:
    return f"{_PREFIX[kind]}:{party_id}"


def parse_party_key(key: str) -> Party:
    prefix, _sep, number = key.partition(":")
    return _KIND_OF_PREFIX[prefix], int(number)


def organisation_profile(organisation: Organisation) -> Profile:
    key = party_key(ORGANISATION, organisation.id)
    return Profile(
        key=key,
        sector=organisation.sector,
        group=key,
        kind=ORGANISATION,
        expertise=organisation.description or "",
        tags=[tag.label for tag in organisation.tags],
        focus_areas=list(organisation.focus_areas),
        offer=organisation.offer or "",
        looking_for=organisation.looking_for or "",
    )


def person_profile(person: Person, organisation: Organisation | Profile) -> Profile:
    """A person's profile; ``organisation`` (or its profile) gives the sector and the parent."""
    if isinstance(organisation, Profile):
        parent, sector = organisation.key, organisation.sector
    else:
        parent, sector = party_key(ORGANISATION, organisation.id), organisation.sector
    return Profile(
        key=party_key(PERSON, person.id),
        sector=sector,
        group=parent,
        kind=PERSON,
        expertise=person.expertise or "",
        tags=[tag.label for tag in person.tags],
        offer=person.offer or "",
        looking_for=person.looking_for or "",
        language=person.language,
        parent=parent,
    )


def matchable_people_clause():
    """People the engine may suggest: agreed to be matched, confirmed, in an organisation.

    The query must join ``Person.user``.
    """
    return and_(
        Person.consent_matching.is_(True),
        Person.organisation_id.is_not(None),
        User.confirmed_at.is_not(None),
    )


def _organisations(ids: Iterable[int] | None = None) -> list[Organisation]:
    statement = (
        select(Organisation)
        .options(selectinload(Organisation.tags), selectinload(Organisation.focus_area_links))
        .order_by(Organisation.id)
    )
    if ids is not None:
        statement = statement.where(Organisation.id.in_(list(ids)))
    return list(db.session.scalars(statement))


def _people(
    ids: Iterable[int] | None = None, organisation_ids: Iterable[int] | None = None
) -> list[Person]:
    statement = (
        select(Person)
        .join(Person.user)
        .where(matchable_people_clause())
        .options(selectinload(Person.tags))
        .order_by(Person.id)
    )
    if ids is not None:
        statement = statement.where(Person.id.in_(list(ids)))
    if organisation_ids is not None:
        statement = statement.where(Person.organisation_id.in_(list(organisation_ids)))
    return list(db.session.scalars(statement))


def _profiles_of(
    organisations: list[Organisation], people: list[Person], parents: dict[int, Profile]
) -> tuple[list[Profile], list[Profile]]:
    """Organisation and person profiles; ``parents`` holds known organisation profiles by id."""
    organisation_profiles = [organisation_profile(o) for o in organisations]
    parents = {
        **parents,
        **{o.id: p for o, p in zip(organisations, organisation_profiles, strict=True)},
    }
    missing = {p.organisation_id for p in people} - set(parents)
    for organisation in _organisations(missing) if missing else ():
        parents[organisation.id] = organisation_profile(organisation)
    person_profiles = [
        person_profile(person, parents[person.organisation_id])
        for person in people
        if person.organisation_id in parents
    ]
    return organisation_profiles, person_profiles


def exclusion_pairs() -> set[frozenset[str]]:
    """Pairs never suggested: any connection, and every veto still in force."""
    pairs: set[frozenset[str]] = set()
    rows = db.session.execute(
        select(Connection.a_kind, Connection.a_id, Connection.b_kind, Connection.b_id)
    ).all()
    rows += db.session.execute(
        select(Veto.a_kind, Veto.a_id, Veto.b_kind, Veto.b_id).where(Veto.removed_at.is_(None))
    ).all()
    for a_kind, a_id, b_kind, b_id in rows:
        if a_kind in _PREFIX and b_kind in _PREFIX:
            pairs.add(frozenset((party_key(a_kind, a_id), party_key(b_kind, b_id))))
    return pairs


def _history() -> list[tuple[str, str]]:
    """Past collaborations between organisations, for the engine's history channels."""
    rows = db.session.execute(
        select(Connection.a_id, Connection.b_id).where(
            Connection.via == ConnectionVia.COLLABORATION.value,
            Connection.a_kind == ORGANISATION,
            Connection.b_kind == ORGANISATION,
        )
    ).all()
    pairs = {(min(a, b), max(a, b)) for a, b in rows if a != b}
    return [(party_key(ORGANISATION, a), party_key(ORGANISATION, b)) for a, b in sorted(pairs)]


@dataclass
class Snapshot:
    """Everything a fit needs, read in one go."""

    organisation_profiles: list[Profile]
    person_profiles: list[Profile]
    history: list[tuple[str, str]]
    exclusions: set[frozenset[str]]

    @property
    def profiles(self) -> list[Profile]:
        # Organisations first: a person's parent must be known when the person is added.
        return self.organisation_profiles + self.person_profiles


def load_snapshot() -> Snapshot:
    organisation_profiles, person_profiles = _profiles_of(_organisations(), _people(), {})
    return Snapshot(organisation_profiles, person_profiles, _history(), exclusion_pairs())


def build_engine() -> MatchingEngine:
    """The engine as organisers configured it: their weights, the vocabulary with their concepts."""
    return MatchingEngine(vocabulary=matching_vocabulary(), weights=current_weights())


# -- the fitted index on disk and in this process --------------------------------------------


def _index_directory() -> Path:
    return Path(current_app.instance_path) / "matching"


def _index_path(run_id: int) -> Path:
    return _index_directory() / f"index-{run_id}.pkl"


class _LoadedIndex:
    """The index this process works with, reloaded when a rebuild (anywhere) replaced it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.path: Path | None = None
        self.mtime: int | None = None
        self.index: MatchingIndex | None = None

    def get(self, path: Path) -> MatchingIndex | None:
        with self.lock:
            try:
                mtime = path.stat().st_mtime_ns
            except FileNotFoundError:
                return None
            if self.index is None or self.path != path or self.mtime != mtime:
                self.index = MatchingIndex.load(path)
                self.path, self.mtime = path, mtime
            return self.index

    def save(self, path: Path, index: MatchingIndex) -> None:
        """Write atomically (readers never see half a file) and remember it as loaded."""
        with self.lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            index.dump(partial)
            os.replace(partial, path)
            self.path, self.mtime, self.index = path, path.stat().st_mtime_ns, index


_loaded = _LoadedIndex()


def latest_run(
    status: MatchingRunStatus | None = MatchingRunStatus.SUCCEEDED,
) -> MatchingRun | None:
    statement = select(MatchingRun).order_by(MatchingRun.started_at.desc(), MatchingRun.id.desc())
    if status is not None:
        statement = statement.where(MatchingRun.status == status.value)
    return db.session.scalar(statement.limit(1))


def current_index() -> MatchingIndex | None:
    """The index of the last successful rebuild, with the refreshes since; None before any."""
    run = latest_run()
    if run is None:
        return None
    try:
        return _loaded.get(_index_path(run.id))
    except (OSError, ValueError, EOFError, AttributeError, ImportError):
        # A file from another library version, or damaged: the next rebuild replaces it.
        log.exception("Matching index of run %s could not be loaded", run.id)
        return None


def _index_or_fit() -> MatchingIndex:
    """The stored index or, before the first rebuild, one fitted now (not stored)."""
    index = current_index()
    if index is not None:
        return index
    snapshot = load_snapshot()
    return build_engine().fit(snapshot.profiles, history=snapshot.history)


def _remove_old_index_files(keep: Path) -> None:
    for path in _index_directory().glob("index-*.pkl"):
        if path != keep:
            try:
                path.unlink()
            except OSError:
                log.warning("Could not remove the old matching index %s", path)


# -- storing suggestions ----------------------------------------------------------------------


def reasons_json(suggestion: EngineSuggestion) -> list[dict]:
    return [
        {
            "channel": reason.channel,
            "concept": reason.concept,
            "term": reason.term,
            "weight": round(float(reason.weight), 6),
        }
        for reason in suggestion.reasons
    ]


def _rows_for(source: str, suggestions: list[EngineSuggestion], now: datetime) -> list[dict]:
    source_kind, source_id = parse_party_key(source)
    rows = []
    for rank, suggestion in enumerate(suggestions, start=1):
        candidate_kind, candidate_id = parse_party_key(suggestion.candidate)
        rows.append(
            {
                "source_kind": source_kind,
                "source_id": source_id,
                "candidate_kind": candidate_kind,
                "candidate_id": candidate_id,
                "rank": rank,
                "score": round(float(suggestion.score), 6),
                "channels": {k: float(v) for k, v in suggestion.channels.items()},
                "reasons": reasons_json(suggestion),
                "computed_at": now,
                "first_seen_at": now,
            }
        )
    return rows


def _first_seen(condition) -> dict[tuple, datetime]:
    return {
        (sk, si, ck, ci): seen
        for sk, si, ck, ci, seen in db.session.execute(
            select(
                Suggestion.source_kind,
                Suggestion.source_id,
                Suggestion.candidate_kind,
                Suggestion.candidate_id,
                Suggestion.first_seen_at,
            ).where(condition)
        )
    }


def _insert_rows(rows: list[dict], first_seen: dict[tuple, datetime]) -> None:
    for row in rows:
        pair = (row["source_kind"], row["source_id"], row["candidate_kind"], row["candidate_id"])
        if pair in first_seen:
            row["first_seen_at"] = first_seen[pair]
    for start in range(0, len(rows), _INSERT_CHUNK):
        db.session.execute(insert(Suggestion), rows[start : start + _INSERT_CHUNK])


def _sources_condition(sources: Iterable[Party]):
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, party_id in sources:
        by_kind[kind].append(party_id)
    return or_(
        *(
            and_(Suggestion.source_kind == kind, Suggestion.source_id.in_(ids))
            for kind, ids in by_kind.items()
        )
    )


def _replace_for_sources(results: dict[str, list[EngineSuggestion]], now: datetime) -> int:
    """Replace the stored lists of these sources, keeping first-seen dates; returns rows."""
    if not results:
        return 0
    condition = _sources_condition(parse_party_key(key) for key in results)
    first_seen = _first_seen(condition)
    db.session.execute(delete(Suggestion).where(condition))
    rows = [row for key, found in results.items() for row in _rows_for(key, found, now)]
    _insert_rows(rows, first_seen)
    return len(rows)


def _forget_parties(parties: Iterable[Party]) -> None:
    """Drop parties from every stored list, as source and as candidate."""
    conditions = []
    for kind, party_id in parties:
        conditions.append(and_(Suggestion.source_kind == kind, Suggestion.source_id == party_id))
        conditions.append(
            and_(Suggestion.candidate_kind == kind, Suggestion.candidate_id == party_id)
        )
    if conditions:
        db.session.execute(delete(Suggestion).where(or_(*conditions)))


def forget_pair(a: Party, b: Party) -> None:
    """Drop a pair from the stored lists, both ways (a veto, a new connection)."""
    db.session.execute(
        delete(Suggestion).where(
            or_(
                and_(
                    Suggestion.source_kind == a[0],
                    Suggestion.source_id == a[1],
                    Suggestion.candidate_kind == b[0],
                    Suggestion.candidate_id == b[1],
                ),
                and_(
                    Suggestion.source_kind == b[0],
                    Suggestion.source_id == b[1],
                    Suggestion.candidate_kind == a[0],
                    Suggestion.candidate_id == a[1],
                ),
            )
        )
    )


def depth() -> int:
    return int(current_app.config["MATCHING_SUGGESTIONS_PER_PROFILE"])


# -- rebuild ------------------------------------------------------------------------------------


def _running_run() -> MatchingRun | None:
    """A rebuild in progress (one older than the timeout is taken as dead and marked failed)."""
    run = latest_run(MatchingRunStatus.RUNNING)
    if run is None:
        return None
    timeout = timedelta(seconds=current_app.config["MATCHING_RUN_TIMEOUT_SECONDS"])
    if utcnow() - run.started_at > timeout:
        run.status = MatchingRunStatus.FAILED.value
        run.error = _("Stopped before it finished (no news for too long).")
        run.finished_at = utcnow()
        db.session.commit()
        return None
    return run


def _report(progress: Progress, label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(label, done, total)

    return report


def rebuild(trigger: str = "command", progress: Progress = None) -> MatchingRun:
    """Refit on every profile and replace all stored suggestions. Raises :class:`RebuildRunning`.

    Profiles saved while it runs stay queued and are refreshed against the new index.
    """
    if _running_run() is not None:
        raise RebuildRunning(_("A rebuild is already running."))
    weights = current_weights()
    run = MatchingRun(
        trigger=trigger[:16],
        status=MatchingRunStatus.RUNNING.value,
        started_at=utcnow(),
        weights=dataclasses.asdict(weights),
    )
    db.session.add(run)
    db.session.commit()
    run_id, started_at, clock = run.id, run.started_at, time.monotonic()
    try:
        report = _report(progress, _("Reading profiles"))
        report(0, 1)
        snapshot = load_snapshot()
        engine = MatchingEngine(vocabulary=matching_vocabulary(), weights=weights)
        # Nothing to write while the engine works: end the read transaction.
        db.session.commit()
        report(1, 1)
        index = engine.fit(
            snapshot.profiles, history=snapshot.history, progress=_report(progress, _("Fitting"))
        )
        table = index.top_k(
            k=depth(), exclude=snapshot.exclusions, progress=_report(progress, _("Ranking"))
        )
        now = utcnow()
        rows: list[dict] = []
        explain = _report(progress, _("Explaining"))
        keys = list(table)
        for done, key in enumerate(keys, start=1):
            rows.extend(_rows_for(key, table[key], now))
            if done % 50 == 0 or done == len(keys):
                explain(done, len(keys))
        path = _index_path(run_id)
        # A refresh running in this process finishes first; its parties are redone after.
        with _loaded.lock:
            _loaded.save(path, index)

            report = _report(progress, _("Storing"))
            report(0, 1)
            first_seen = _first_seen(Suggestion.id.is_not(None))
            db.session.execute(delete(Suggestion))
            _insert_rows(rows, first_seen)
            # Changes the snapshot saw are done; later ones are refreshed against this index.
            db.session.execute(delete(MatchingChange).where(MatchingChange.queued_at <= started_at))
            db.session.execute(update(MatchingChange).values(refreshed_at=None))
            db.session.execute(
                delete(MatchingSetting).where(
                    MatchingSetting.key == REBUILD_REQUEST_KEY,
                    MatchingSetting.updated_at <= started_at,
                )
            )
            run = db.session.get(MatchingRun, run_id)
            run.status = MatchingRunStatus.SUCCEEDED.value
            run.finished_at = utcnow()
            run.duration_seconds = round(time.monotonic() - clock, 3)
            run.organisations = len(snapshot.organisation_profiles)
            run.people = len(snapshot.person_profiles)
            run.collaborations = len(snapshot.history)
            run.suggestions = len(rows)
            db.session.commit()
        report(1, 1)
    except Exception as error:
        db.session.rollback()
        failed = db.session.get(MatchingRun, run_id)
        failed.status = MatchingRunStatus.FAILED.value
        failed.finished_at = utcnow()
        failed.duration_seconds = round(time.monotonic() - clock, 3)
        failed.error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        _index_path(run_id).unlink(missing_ok=True)
        raise
    _remove_old_index_files(keep=path)
    log.info(
        "Matching rebuilt in %.1f s: %d organisations, %d people, %d suggestions",
        run.duration_seconds,
        run.organisations,
        run.people,
        run.suggestions,
    )
    return run


def profile_count() -> int:
    organisations = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    people = (
        db.session.scalar(
            select(func.count())
            .select_from(Person)
            .join(Person.user)
            .where(matchable_people_clause())
        )
        or 0
    )
    return organisations + people


def changed_since_rebuild() -> int:
    return db.session.scalar(select(func.count()).select_from(MatchingChange)) or 0


def pending_changes() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(MatchingChange)
            .where(
                or_(
                    MatchingChange.refreshed_at.is_(None),
                    MatchingChange.refreshed_at < MatchingChange.queued_at,
                )
            )
        )
        or 0
    )


def rebuild_due() -> str | None:
    """Why a rebuild is due now ("never", "index", "requested", "changes"), or None."""
    if latest_run(MatchingRunStatus.RUNNING) is not None and _running_run() is not None:
        return None
    run = latest_run()
    if run is None:
        return "never" if db.session.scalar(select(Organisation.id).limit(1)) else None
    if not _index_path(run.id).exists():
        return "index"
    requested = rebuild_requested_at()
    if requested is not None and requested > run.started_at:
        return "requested"
    config = current_app.config
    threshold = max(
        config["MATCHING_REBUILD_MIN_CHANGES"],
        config["MATCHING_REBUILD_CHANGED_SHARE"] * profile_count(),
    )
    if changed_since_rebuild() >= threshold:
        return "changes"
    return None


def ask_for_rebuild(*, by: User) -> None:
    """An organiser asks for a rebuild now; the scheduler starts it within a minute."""
    request_rebuild("organiser", by_id=by.id)
    db.session.commit()


def rebuild_if_due() -> str | None:
    """Scheduler job: rebuild when enough changed, when asked to, or when never built."""
    reason = rebuild_due()
    if reason is None:
        return None
    try:
        run = rebuild(trigger="scheduler")
    except RebuildRunning:
        return None
    return f"rebuilt ({reason}): {run.suggestions} suggestions in {run.duration_seconds:.1f} s"


def nightly_rebuild() -> str:
    """Scheduler job: a full rebuild every night, whatever changed."""
    try:
        run = rebuild(trigger="nightly")
    except RebuildRunning:
        return "a rebuild was already running"
    return f"rebuilt: {run.suggestions} suggestions in {run.duration_seconds:.1f} s"


# -- refresh ------------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    changed: int = 0
    recomputed: int = 0
    removed: int = 0
    neighbours: int = 0
    keys: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed)


def _pending_rows(limit: int) -> list[MatchingChange]:
    return list(
        db.session.scalars(
            select(MatchingChange)
            .where(
                or_(
                    MatchingChange.refreshed_at.is_(None),
                    MatchingChange.refreshed_at < MatchingChange.queued_at,
                )
            )
            .order_by(MatchingChange.queued_at)
            .limit(limit)
        )
    )


def _neighbours(changed: set[str], results: dict[str, list[EngineSuggestion]]) -> set[Party]:
    """Lists a changed profile appears in, and the candidates it now ranks first."""
    parties: set[Party] = set()
    by_kind: dict[str, list[int]] = defaultdict(list)
    for key in changed:
        kind, party_id = parse_party_key(key)
        by_kind[kind].append(party_id)
    for kind, ids in by_kind.items():
        parties.update(
            db.session.execute(
                select(Suggestion.source_kind, Suggestion.source_id)
                .where(Suggestion.candidate_kind == kind, Suggestion.candidate_id.in_(ids))
                .distinct()
            ).all()
        )
    for found in results.values():
        parties.update(parse_party_key(s.candidate) for s in found)
    return {
        (kind, party_id) for kind, party_id in parties if party_key(kind, party_id) not in changed
    }


def refresh_parties(parties: Iterable[Party], index: MatchingIndex) -> RefreshReport:
    """Bring these parties up to date in ``index`` and in the stored lists (no commit)."""
    parties = set(parties)
    organisation_ids = {i for kind, i in parties if kind == ORGANISATION}
    person_ids = {i for kind, i in parties if kind == PERSON}
    organisations = _organisations(organisation_ids)
    # People carry a share of their organisation's profile: they change with it.
    people = _people(person_ids) + (
        _people(organisation_ids=organisation_ids) if organisation_ids else []
    )
    people = list({person.id: person for person in people}.values())
    organisation_profiles, person_profiles = _profiles_of(organisations, people, {})
    present = {p.key for p in organisation_profiles + person_profiles}
    gone = {(kind, i) for kind, i in parties if party_key(kind, i) not in present}
    for kind, i in gone:
        index.remove(party_key(kind, i))
    _forget_parties(gone)
    for profile in organisation_profiles + person_profiles:
        index.upsert(profile)

    exclusions = exclusion_pairs()
    k = depth()
    now = utcnow()
    results = {
        p.key: index.suggest(p, k=k, exclude=exclusions)
        for p in organisation_profiles + person_profiles
    }
    _replace_for_sources(results, now)

    neighbour_parties = _neighbours(present, results)
    n_organisations = {i for kind, i in neighbour_parties if kind == ORGANISATION}
    n_people = {i for kind, i in neighbour_parties if kind == PERSON}
    n_org_profiles, n_person_profiles = _profiles_of(
        _organisations(n_organisations) if n_organisations else [],
        _people(n_people) if n_people else [],
        {},
    )
    neighbour_results = {
        p.key: index.suggest(p, k=k, exclude=exclusions)
        for p in n_org_profiles + n_person_profiles
        if p.key in index
    }
    _replace_for_sources(neighbour_results, now)
    return RefreshReport(
        changed=len(parties),
        recomputed=len(results),
        removed=len(gone),
        neighbours=len(neighbour_results),
        keys=sorted(present),
    )


def refresh_pending(limit: int | None = None) -> RefreshReport:
    """Scheduler job: recompute the suggestions of profiles saved since (no refit).

    Waits for the rebuild instead when one is due (many changes, new weights or concepts).
    """
    limit = limit or current_app.config["MATCHING_REFRESH_BATCH"]
    with _loaded.lock:
        if rebuild_due() is not None:
            return RefreshReport()
        index = current_index()
        if index is None:
            return RefreshReport()
        started = utcnow()
        rows = _pending_rows(limit)
        if not rows:
            return RefreshReport()
        parties = {(row.party_kind, row.party_id) for row in rows}
        try:
            report = refresh_parties(parties, index)
            for kind, party_id in parties:
                db.session.execute(
                    update(MatchingChange)
                    .where(
                        MatchingChange.party_kind == kind,
                        MatchingChange.party_id == party_id,
                        MatchingChange.queued_at <= started,
                    )
                    .values(refreshed_at=started)
                )
            db.session.commit()
        except Exception:
            db.session.rollback()
            # The in-memory index may hold half the changes: reload it from disk next time.
            _loaded.index = None
            raise
        # Saved for the other processes unless a rebuild replaced the index meanwhile.
        run = latest_run()
        if run is not None and _loaded.index is index and _loaded.path == _index_path(run.id):
            _loaded.save(_index_path(run.id), index)
        return report


# -- for commands and other features ----------------------------------------------------------


def _party_profile(kind: str, party_id: int) -> Profile | None:
    if kind == ORGANISATION:
        organisations = _organisations([party_id])
        return organisation_profile(organisations[0]) if organisations else None
    people = _people([party_id])
    if not people:
        return None
    return _profiles_of([], people, {})[1][0]


def suggest_now(kind: str, party_id: int, top: int = 10) -> list[EngineSuggestion]:
    """Suggestions for one party computed now against the fitted index (as a refresh would)."""
    index = current_index()
    if index is None:
        raise MatchingNotReady(_("No rebuild has run yet: run “matching rebuild” first."))
    profile = _party_profile(kind, party_id)
    if profile is None:
        raise MatchingError(
            _(
                "This person cannot be matched (no consent, no confirmed account or no "
                "organisation)."
            )
            if kind == PERSON
            else _("No organisation has this id.")
        )
    return index.suggest(profile, k=top, exclude=exclusion_pairs())


def organisation_rankings_from_index(
    top: int, progress: Progress = None
) -> Iterator[tuple[str, list[EngineSuggestion]]]:
    """Every organisation's top ``top`` (both directions), computed from the fitted index."""
    index = current_index()
    if index is None:
        raise MatchingNotReady(_("No rebuild has run yet: run “matching rebuild” first."))
    table = index.top_k(k=top, exclude=exclusion_pairs(), progress=_report(progress, _("Ranking")))
    keys = [key for key in table if key.startswith(_PREFIX[ORGANISATION] + ":")]
    explain = _report(progress, _("Explaining"))
    for done, key in enumerate(keys, start=1):
        yield key, table[key]
        if done % 50 == 0 or done == len(keys):
            explain(done, len(keys))


@dataclass(frozen=True)
class ThemeMatch:
    person_id: int
    score: float
    # Stored-reason form: [{"channel", "concept", "term", "weight"}]; render with
    # services.suggestions.render_reasons.
    reasons: list[dict]


def _with_people(index: MatchingIndex, person_ids: Iterable[int]) -> None:
    """Add people the index does not know yet (saved since the last refresh)."""
    missing = [i for i in person_ids if party_key(PERSON, i) not in index]
    if missing:
        for profile in _profiles_of([], _people(missing), {})[1]:
            index.upsert(profile)


def theme_relevance(
    text: str = "",
    tags: Iterable[str] = (),
    focus_areas: Iterable[str] = (),
    *,
    person_ids: Iterable[int] | None = None,
    sector: str | None = None,
    limit: int | None = None,
) -> list[ThemeMatch]:
    """People ranked by relevance to a theme (an event, a project call), best first.

    ``person_ids`` limits the ranking to those people (each gets a rank, zero scores last);
    ``sector`` ("private"/"public") to one side. Only people who agreed to be matched are
    ranked. Reads the fitted index (fits one in memory before the very first rebuild).
    """
    wanted = list(dict.fromkeys(person_ids)) if person_ids is not None else None
    with _loaded.lock:
        index = _index_or_fit()
        if wanted:
            _with_people(index, wanted)
        candidates = [party_key(PERSON, i) for i in wanted] if wanted is not None else None
        found = index.rank_query(
            text=text,
            tags=list(tags),
            focus_areas=list(focus_areas),
            sector=sector,
            kind=PERSON,
            k=limit,
            candidates=candidates,
        )
    return [
        ThemeMatch(parse_party_key(s.candidate)[1], float(s.score), reasons_json(s)) for s in found
    ]


@dataclass(frozen=True)
class OrganisationMatch:
    organisation_id: int
    score: float
    # Stored-reason form, as ThemeMatch.reasons.
    reasons: list[dict]


def organisation_relevance(
    text: str = "",
    tags: Iterable[str] = (),
    focus_areas: Iterable[str] = (),
    *,
    sector: str | None = None,
    limit: int | None = None,
) -> list[OrganisationMatch]:
    """Organisations ranked by relevance to a theme (a project's needs), best first, both
    sectors unless ``sector`` says one. Reads the fitted index like :func:`theme_relevance`."""
    with _loaded.lock:
        index = _index_or_fit()
        found = index.rank_query(
            text=text,
            tags=list(tags),
            focus_areas=list(focus_areas),
            sector=sector,
            kind=ORGANISATION,
            k=limit,
        )
    return [
        OrganisationMatch(parse_party_key(s.candidate)[1], float(s.score), reasons_json(s))
        for s in found
    ]


def pair_scores(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """How well each pair of people matches: the score the first would see for the second.

    Only private–public pairs of people who agreed to be matched score above 0 (same sector,
    same organisation or no consent: 0). Connections and vetoes are not applied: a guest list
    may want to know how well two people who already met match.
    """
    pairs = list(dict.fromkeys((int(a), int(b)) for a, b in pairs))
    scores = dict.fromkeys(pairs, 0.0)
    if not pairs:
        return scores
    by_first: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        by_first[a].add(b)
    ids = set(by_first) | {b for _a, b in pairs}
    with _loaded.lock:
        index = _index_or_fit()
        _with_people(index, ids)
        profiles = {
            parse_party_key(p.key)[1]: p for p in _profiles_of([], _people(by_first), {})[1]
        }
        for a, others in by_first.items():
            profile = profiles.get(a)
            if profile is None:
                continue
            found = {
                parse_party_key(s.candidate): s.score
                for s in index.suggest(profile, k=len(index), exclude=None)
            }
            for b in others:
                scores[(a, b)] = float(found.get((PERSON, b), 0.0))
    return scores


@dataclass
class MatchingStatus:
    last_run: MatchingRun | None
    running: MatchingRun | None
    profiles: int
    changed_since_rebuild: int
    pending: int
    stored_suggestions: int
    rebuild_due: str | None
    rebuild_requested_at: datetime | None
    index_present: bool


def matching_status() -> MatchingStatus:
    run = latest_run()
    return MatchingStatus(
        last_run=run,
        running=_running_run(),
        profiles=profile_count(),
        changed_since_rebuild=changed_since_rebuild(),
        pending=pending_changes(),
        stored_suggestions=db.session.scalar(select(func.count()).select_from(Suggestion)) or 0,
        rebuild_due=rebuild_due(),
        rebuild_requested_at=rebuild_requested_at(),
        index_present=run is not None and _index_path(run.id).exists(),
    )


def recent_runs(limit: int = 20) -> list[MatchingRun]:
    return list(
        db.session.scalars(
            select(MatchingRun)
            .order_by(MatchingRun.started_at.desc(), MatchingRun.id.desc())
            .limit(limit)
        )
    )

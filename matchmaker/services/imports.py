"""Bulk imports from CSV files: organisations, and their past collaborations.

Shared by ``flask --app wsgi import ...`` and the organisers' upload page. Every row is
checked first; each bad row is reported with its line number and the reason, and nothing is
written unless the caller asks to skip the invalid rows. Importing the same file again updates
the organisations by their ``external_id`` instead of adding them twice. One import, one commit.

Organisations (a header line, then one organisation per row)::

    external_id,name,kind,region,city,website,description,offer,looking_for,tags,focus_areas

``external_id``, ``name`` and ``kind`` are required; other columns may be left out (an
update then keeps what the organisation already says there). ``kind``, ``region`` and
``focus_areas`` take the codes or the labels in English or French ("large company",
"Laboratoire universitaire", "Pays de la Loire", "other"); ``tags`` and ``focus_areas`` are
separated by ``;``. Collaborations: ``source_external_id,candidate_external_id,year``, each a
past collaboration between two imported organisations (a connection dated 1 January of the
year): such pairs are never suggested, and they feed the engine's history.

Files are UTF-8 (with or without a byte-order mark), separated by commas or semicolons.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from matchmaker.domain import (
    FOCUS_AREA_LABELS,
    KIND_LABELS,
    REGION_LABELS,
    FocusArea,
    OrganisationKind,
    Region,
)
from matchmaker.extensions import db
from matchmaker.forms import normalise_http_url
from matchmaker.matching import Vocabulary
from matchmaker.models import (
    Connection,
    ConnectionVia,
    Organisation,
    OrganisationFocusArea,
    PartyKind,
    Tag,
    ordered_pair,
    organisation_search_text,
    organisation_tags,
    utcnow,
)
from matchmaker.services.matching_changes import mark_changed
from matchmaker.services.organisations import (
    CITY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    OFFER_MAX,
    name_key,
)
from matchmaker.services.tags import (
    TAG_MAX_LENGTH,
    TAGS_MAX_PER_PROFILE,
    canonical,
    clean_label,
    normalise_tag,
    resolve_tag_map,
)
from matchmaker.text import fold, tidy_spaces

ORGANISATION_COLUMNS = (
    "external_id",
    "name",
    "kind",
    "region",
    "city",
    "website",
    "description",
    "offer",
    "looking_for",
    "tags",
    "focus_areas",
)
ORGANISATION_REQUIRED = ("external_id", "name", "kind")
COLLABORATION_COLUMNS = ("source_external_id", "candidate_external_id", "year")
EXTERNAL_ID_MAX = 200
EARLIEST_YEAR = 1900
LIST_SEPARATOR = ";"
# The text fields compared to tell an update from an unchanged row.
_TEXT_FIELDS = ("name", "kind", "region", "city", "website", "description", "offer", "looking_for")
# English names of regions people may type (the labels are the French names).
_REGION_ALIASES = {
    "brittany": Region.BRETAGNE,
    "normandy": Region.NORMANDIE,
    "corsica": Region.CORSE,
    "french guiana": Region.GUYANE,
    "reunion": Region.LA_REUNION,
    "reunion island": Region.LA_REUNION,
    "outside france": Region.OTHER,
    "abroad": Region.OTHER,
    "etranger": Region.OTHER,
}

# Other words people use for a kind of organisation.
_KIND_ALIASES = {
    "start up": OrganisationKind.STARTUP,
    "jeune pousse": OrganisationKind.STARTUP,
    "faconnier": OrganisationKind.CDMO,
    "cro": OrganisationKind.CDMO,
    "pharma": OrganisationKind.LARGE_COMPANY,
    "grand groupe": OrganisationKind.LARGE_COMPANY,
    "chu": OrganisationKind.HOSPITAL,
    "plateforme": OrganisationKind.TECHNOLOGY_PLATFORM,
    "platform": OrganisationKind.TECHNOLOGY_PLATFORM,
}

Progress = Callable[[str, int, int], None] | None


# -- reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A reason a row (or the file, ``line`` None) cannot be imported, or a warning."""

    line: int | None
    message: str
    column: str | None = None


@dataclass
class PlannedRow:
    line: int
    action: str  # "create" | "update" | "unchanged"
    label: str  # what a person recognises: the organisation's name, or the pair
    values: dict
    target_id: int | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    what: str  # "organisations" | "collaborations"
    rows: int = 0
    planned: list[PlannedRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    def count(self, action: str) -> int:
        return sum(1 for row in self.planned if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def file_errors(self) -> list[Problem]:
        return [problem for problem in self.errors if problem.line is None]

    @property
    def invalid_rows(self) -> int:
        return len({problem.line for problem in self.errors if problem.line is not None})

    @property
    def importable(self) -> bool:
        """Something can be imported (with the invalid rows skipped if there are any)."""
        return not self.file_errors and bool(self.planned)

    def summary(self) -> str:
        return _(
            "%(created)d to create, %(updated)d to update, %(unchanged)d unchanged, "
            "%(invalid)d invalid.",
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            invalid=self.invalid_rows,
        )


class ImportRefused(ValueError):
    """Nothing was imported: the file or some rows are invalid (``report`` says where)."""

    def __init__(self, report: ImportReport):
        if report.file_errors:
            message = report.file_errors[0].message
        else:
            message = ngettext(
                "%(num)d row is invalid: nothing was imported.",
                "%(num)d rows are invalid: nothing was imported.",
                report.invalid_rows,
            )
        super().__init__(message)
        self.report = report


# -- reading the file ---------------------------------------------------------------------------


@dataclass
class CsvRows:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _decode(data: bytes, report: ImportReport) -> str | None:
    if not data or not data.strip():
        report.errors.append(Problem(None, _("The file is empty.")))
        return None
    if b"\x00" in data[:4096]:
        report.errors.append(
            Problem(None, _("This is not a CSV text file: save the table as CSV (UTF-8)."))
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.errors.append(
            Problem(
                None,
                _(
                    "The file is not UTF-8 text (first bad character on line %(line)d): "
                    "save it as “CSV UTF-8”.",
                    line=line,
                ),
            )
        )
        return None


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def read_csv(
    data: bytes, expected: tuple[str, ...], required: tuple[str, ...], report: ImportReport
) -> CsvRows | None:
    """The rows of a CSV file as ``(line number, {column: text})``; problems go to ``report``."""
    text = _decode(data, report)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        report.errors.append(Problem(None, _("The first line must name the columns.")))
        return None
    columns = [fold(name).replace(" ", "_") for name in header]
    unknown = [name for name, column in zip(header, columns, strict=True) if column not in expected]
    missing = [column for column in required if column not in columns]
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if unknown or missing or duplicated:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s", names=", ".join(missing)))
        if unknown:
            parts.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
        if duplicated:
            parts.append(_("columns given twice: %(names)s", names=", ".join(duplicated)))
        report.errors.append(
            Problem(
                None,
                _(
                    "The header line is not right (%(problems)s). Expected: %(expected)s.",
                    problems="; ".join(parts),
                    expected=",".join(expected),
                ),
            )
        )
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.errors.append(
                Problem(
                    None,
                    _("Line %(line)d cannot be read (%(error)s).", line=line, error=str(error)),
                )
            )
            return None
        if not any(value.strip() for value in values):
            continue
        report.rows += 1
        if len(values) != len(columns):
            report.errors.append(
                Problem(
                    line,
                    _(
                        "%(found)d values where the header has %(expected)d columns "
                        "(a separator or a quote is missing or too many).",
                        found=len(values),
                        expected=len(columns),
                    ),
                )
            )
            continue
        rows.append((line, dict(zip(columns, values, strict=True))))
    if not rows and not report.errors:
        report.errors.append(Problem(None, _("The file has a header but no rows.")))
    return CsvRows(columns, rows)


# -- codes from what people type ----------------------------------------------------------------


def _label_index(labels: dict) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, label in labels.items():
        value = code.value if hasattr(code, "value") else str(code)
        index[fold(value)] = value
        for locale in ("en", "fr"):
            with force_locale(locale):
                index.setdefault(fold(str(label)), value)
    return index


@dataclass
class Codes:
    kinds: dict[str, str]
    regions: dict[str, str]
    focus_areas: dict[str, str]

    @classmethod
    def load(cls) -> Codes:
        regions = _label_index(REGION_LABELS)
        for alias, region in _REGION_ALIASES.items():
            regions.setdefault(alias, region.value)
        kinds = _label_index(KIND_LABELS)
        for alias, kind in _KIND_ALIASES.items():
            kinds.setdefault(alias, kind.value)
        focus_areas = _label_index(FOCUS_AREA_LABELS)
        # The vocabulary's concepts of the focus areas know how else people write them.
        vocabulary = Vocabulary.default()
        for area in FocusArea:
            if area.value in vocabulary:
                for term in vocabulary.concepts[area.value].surfaces():
                    focus_areas.setdefault(fold(term), area.value)
        return cls(kinds, regions, focus_areas)


def _split_list(text: str) -> list[str]:
    return [part for part in (tidy_spaces(p) for p in (text or "").split(LIST_SEPARATOR)) if part]


# -- organisations ------------------------------------------------------------------------------


def _clean_organisation(
    line: int, raw: dict[str, str], codes: Codes, errors: list[Problem]
) -> dict:
    values: dict = {}

    def error(column: str, message: str) -> None:
        errors.append(Problem(line, message, column))

    external_id = tidy_spaces(raw.get("external_id"))
    if not external_id:
        error("external_id", _("The external_id is empty."))
    elif len(external_id) > EXTERNAL_ID_MAX:
        error(
            "external_id",
            _("The external_id is longer than %(max)d characters.", max=EXTERNAL_ID_MAX),
        )
    values["external_id"] = external_id
    name = tidy_spaces(raw.get("name"))
    if not name:
        error("name", _("The name is empty."))
    elif len(name) > NAME_MAX:
        error("name", _("The name is longer than %(max)d characters.", max=NAME_MAX))
    values["name"] = name

    kind_text = tidy_spaces(raw.get("kind"))
    kind = codes.kinds.get(fold(kind_text))
    if kind is None:
        error(
            "kind",
            _(
                "Unknown kind “%(value)s”: use one of %(choices)s.",
                value=kind_text,
                choices=", ".join(k.value for k in OrganisationKind),
            )
            if kind_text
            else _(
                "The kind is empty: use one of %(choices)s.",
                choices=", ".join(k.value for k in OrganisationKind),
            ),
        )
    values["kind"] = kind
    if "region" in raw:
        region_text = tidy_spaces(raw.get("region"))
        region = codes.regions.get(fold(region_text)) if region_text else Region.OTHER.value
        if region is None:
            error(
                "region",
                _("Unknown region “%(value)s”: use a French region or “other”.", value=region_text),
            )
        values["region"] = region
    if "city" in raw:
        city = tidy_spaces(raw.get("city"))
        if len(city) > CITY_MAX:
            error("city", _("The city is longer than %(max)d characters.", max=CITY_MAX))
        values["city"] = city
    if "website" in raw:
        try:
            values["website"] = normalise_http_url(raw.get("website"))
        except ValueError:
            error(
                "website",
                _(
                    "“%(value)s” is not a web address like https://example.org.",
                    value=raw.get("website", "")[:80],
                ),
            )
    for column, maximum in (
        ("description", DESCRIPTION_MAX),
        ("offer", OFFER_MAX),
        ("looking_for", OFFER_MAX),
    ):
        if column in raw:
            text = (raw.get(column) or "").strip()
            if len(text) > maximum:
                error(
                    column,
                    _(
                        "The %(column)s is longer than %(max)d characters (%(length)d).",
                        column=column,
                        max=maximum,
                        length=len(text),
                    ),
                )
            values[column] = text
    if "tags" in raw:
        labels: dict[str, str] = {}
        for label in _split_list(raw.get("tags", "")):
            label = clean_label(label)
            if len(label) > TAG_MAX_LENGTH:
                error(
                    "tags",
                    _(
                        "The tag “%(label)s…” is longer than %(max)d characters.",
                        label=label[:30],
                        max=TAG_MAX_LENGTH,
                    ),
                )
            elif normalise_tag(label):
                labels.setdefault(normalise_tag(label), label)
        if len(labels) > TAGS_MAX_PER_PROFILE:
            error(
                "tags",
                _("%(count)d tags: at most %(max)d.", count=len(labels), max=TAGS_MAX_PER_PROFILE),
            )
        values["tags"] = list(labels.values())
    if "focus_areas" in raw:
        areas = []
        for text in _split_list(raw.get("focus_areas", "")):
            code = codes.focus_areas.get(fold(text))
            if code is None:
                error(
                    "focus_areas",
                    _(
                        "Unknown focus area “%(value)s”: use one of %(choices)s.",
                        value=text,
                        choices=", ".join(a.value for a in FocusArea),
                    ),
                )
            elif code not in areas:
                areas.append(code)
        values["focus_areas"] = areas
    return values


def _existing_organisations(external_ids: list[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        for organisation in db.session.scalars(
            select(Organisation)
            .where(Organisation.external_id.in_(chunk))
            .options(selectinload(Organisation.tags), selectinload(Organisation.focus_area_links))
        ):
            found[organisation.external_id] = organisation
    return found


def _names_in_use() -> dict[str, tuple[int, str | None, str]]:
    """Every organisation's name key -> (id, external_id, name)."""
    return {
        name_key(name): (organisation_id, external_id, name)
        for organisation_id, external_id, name in db.session.execute(
            select(Organisation.id, Organisation.external_id, Organisation.name)
        )
    }


def _tag_ids_known(labels: set[str]) -> dict[str, int]:
    """Normalised label -> id of the tag it resolves to (aliases followed), existing tags only."""
    keys = sorted({normalise_tag(label) for label in labels})
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        for tag in db.session.scalars(
            select(Tag).where(Tag.normalised.in_(keys[start : start + 500]))
        ):
            found[tag.normalised] = canonical(tag).id
    return found


def _changes(organisation: Organisation, values: dict, tag_ids: dict[str, int]) -> list[str]:
    changes = [
        column
        for column in _TEXT_FIELDS
        if column in values and (getattr(organisation, column) or "") != (values[column] or "")
    ]
    if "tags" in values:
        wanted = {
            tag_ids.get(normalise_tag(label), normalise_tag(label)) for label in values["tags"]
        }
        if wanted != {tag.id for tag in organisation.tags}:
            changes.append("tags")
    if "focus_areas" in values and set(values["focus_areas"]) != set(organisation.focus_areas):
        changes.append("focus_areas")
    return changes


def _report_progress(progress: Progress, label: str, done: int, total: int) -> None:
    if progress is not None and (done % 200 == 0 or done == total):
        progress(label, done, total)


def check_organisations(data: bytes, progress: Progress = None) -> ImportReport:
    """Validate every row and say what importing would do; writes nothing."""
    started = time.monotonic()
    report = ImportReport("organisations")
    parsed = read_csv(data, ORGANISATION_COLUMNS, ORGANISATION_REQUIRED, report)
    if parsed is None:
        return report
    codes = Codes.load()
    cleaned: list[tuple[int, dict]] = []
    first_line_of: dict[str, int] = {}
    label = _("Checking rows")
    for done, (line, raw) in enumerate(parsed.rows, start=1):
        errors: list[Problem] = []
        values = _clean_organisation(line, raw, codes, errors)
        external_id = values["external_id"]
        if external_id:
            if external_id in first_line_of:
                errors.append(
                    Problem(
                        line,
                        _(
                            "The external_id “%(id)s” is already on line %(first)d.",
                            id=external_id,
                            first=first_line_of[external_id],
                        ),
                        "external_id",
                    )
                )
            else:
                first_line_of[external_id] = line
        report.errors.extend(errors)
        if not errors:
            cleaned.append((line, values))
        _report_progress(progress, label, done, len(parsed.rows))

    existing = _existing_organisations([values["external_id"] for _line, values in cleaned])
    names = _names_in_use()
    tag_ids = _tag_ids_known(
        {label for _line, values in cleaned for label in values.get("tags", ())}
    )
    names_in_file: dict[str, tuple[int, str]] = {}
    linked: set[int] = set()
    for line, values in cleaned:
        key = name_key(values["name"])
        organisation = existing.get(values["external_id"])
        if organisation is None and key in names:
            other_id, other_external_id, other_name = names[key]
            if other_external_id is None and other_id not in linked:
                # Registered by hand before the import: this row completes it.
                organisation = db.session.get(Organisation, other_id)
                linked.add(other_id)
            elif other_external_id != values["external_id"]:
                report.warnings.append(
                    Problem(
                        line,
                        _(
                            "“%(name)s” reads like the organisation “%(other)s” already "
                            "registered: both are kept, as their external ids differ.",
                            name=values["name"],
                            other=other_name,
                        ),
                        "name",
                    )
                )
        if key in names_in_file and names_in_file[key][1] != values["external_id"]:
            report.warnings.append(
                Problem(
                    line,
                    _(
                        "“%(name)s” reads like the name on line %(first)d: both are kept, as "
                        "their external ids differ.",
                        name=values["name"],
                        first=names_in_file[key][0],
                    ),
                    "name",
                )
            )
        names_in_file.setdefault(key, (line, values["external_id"]))
        if organisation is None:
            report.planned.append(PlannedRow(line, "create", values["name"], values))
        else:
            changes = _changes(organisation, values, tag_ids)
            if organisation.external_id != values["external_id"]:
                changes.insert(0, "external_id")
            report.planned.append(
                PlannedRow(
                    line,
                    "update" if changes else "unchanged",
                    values["name"],
                    values,
                    target_id=organisation.id,
                    changes=changes,
                )
            )
    report.seconds = time.monotonic() - started
    return report


def _apply_organisation(organisation: Organisation, values: dict, tag_map: dict[str, Tag]) -> None:
    organisation.external_id = values["external_id"]
    for column in _TEXT_FIELDS:
        if column in values:
            setattr(
                organisation,
                column,
                values[column] if column != "website" else values[column] or None,
            )
    if "tags" in values:
        organisation.tags = _tags_of(values, tag_map)
    if "focus_areas" in values:
        organisation.focus_areas = list(values["focus_areas"])


def import_organisations(
    data: bytes, *, skip_invalid: bool = False, dry_run: bool = False, progress: Progress = None
) -> ImportReport:
    """Check the file, then import its valid rows in one commit.

    Raises :class:`ImportRefused` (nothing written) when the file is unreadable, or when some
    rows are invalid and ``skip_invalid`` is not set. ``dry_run`` only checks.
    """
    report = check_organisations(data, progress)
    report.dry_run = dry_run
    if report.file_errors or (report.errors and not skip_invalid):
        raise ImportRefused(report)
    if dry_run:
        return report
    started = time.monotonic()
    try:
        to_write = [row for row in report.planned if row.action != "unchanged"]
        tag_map = resolve_tag_map(label for row in to_write for label in row.values.get("tags", ()))
        created = [row for row in to_write if row.action == "create"]
        updated = [row for row in to_write if row.action == "update"]
        label = _("Importing")
        ids = _insert_organisations(created, tag_map)
        _report_progress(progress, label, len(created), len(to_write))
        targets = {o.id: o for o in _organisations_by_id([row.target_id for row in updated])}
        for done, row in enumerate(updated, start=len(created) + 1):
            organisation = targets[row.target_id]
            _apply_organisation(organisation, row.values, tag_map)
            ids.append(organisation.id)
            _report_progress(progress, label, done, len(to_write))
        db.session.flush()
        mark_changed(PartyKind.ORGANISATION.value, ids)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.applied = True
    report.seconds += time.monotonic() - started
    return report


def _organisations_by_id(ids: list[int]) -> list[Organisation]:
    found = []
    for start in range(0, len(ids), 500):
        found += db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(ids[start : start + 500]))
            .options(selectinload(Organisation.tags), selectinload(Organisation.focus_area_links))
        )
    return found


def _tags_of(values: dict, tag_map: dict[str, Tag]) -> list[Tag]:
    tags: dict[int, Tag] = {}
    for label in values.get("tags", ()):
        tag = tag_map[normalise_tag(label)]
        tags.setdefault(tag.id, tag)
    return list(tags.values())


def _insert_organisations(rows: list[PlannedRow], tag_map: dict[str, Tag]) -> list[int]:
    """New organisations in bulk (thousands in seconds), with their tags and focus areas."""
    if not rows:
        return []
    now = utcnow()
    records, tags_of = [], []
    for row in rows:
        values = row.values
        tags = _tags_of(values, tag_map)
        record = {
            "external_id": values["external_id"],
            "name": values["name"],
            "kind": values["kind"],
            "region": values.get("region") or Region.OTHER.value,
            "city": values.get("city") or "",
            "website": values.get("website") or None,
            "description": values.get("description") or "",
            "offer": values.get("offer") or "",
            "looking_for": values.get("looking_for") or "",
            "cluster_startup": False,
            "created_at": now,
            "updated_at": now,
        }
        # What the search listener would compute on a flush (the directory finds them at once).
        record["search_text"] = organisation_search_text(SimpleNamespace(**record, tags=tags))
        records.append(record)
        tags_of.append(tags)
    ids = list(
        db.session.scalars(
            insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
            records,
        )
    )
    tag_links = [
        {"organisation_id": organisation_id, "tag_id": tag.id}
        for organisation_id, tags in zip(ids, tags_of, strict=True)
        for tag in tags
    ]
    focus_links = [
        {"organisation_id": organisation_id, "focus_area": area}
        for organisation_id, row in zip(ids, rows, strict=True)
        for area in row.values.get("focus_areas", ())
    ]
    for start in range(0, len(tag_links), 5000):
        db.session.execute(insert(organisation_tags), tag_links[start : start + 5000])
    for start in range(0, len(focus_links), 5000):
        db.session.execute(insert(OrganisationFocusArea), focus_links[start : start + 5000])
    return ids


# -- collaborations -----------------------------------------------------------------------------


def check_collaborations(data: bytes, progress: Progress = None) -> ImportReport:
    """Validate every row and say what importing would do; writes nothing."""
    started = time.monotonic()
    report = ImportReport("collaborations")
    parsed = read_csv(data, COLLABORATION_COLUMNS, COLLABORATION_COLUMNS, report)
    if parsed is None:
        return report
    wanted = sorted(
        {tidy_spaces(raw.get(c)) for _line, raw in parsed.rows for c in COLLABORATION_COLUMNS[:2]}
    )
    organisations: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):
        for organisation_id, external_id, name in db.session.execute(
            select(Organisation.id, Organisation.external_id, Organisation.name).where(
                Organisation.external_id.in_(wanted[start : start + 500])
            )
        ):
            organisations[external_id] = (organisation_id, name)
    existing = {
        (a_id, b_id): (connection_id, occurred_on)
        for connection_id, a_id, b_id, occurred_on in db.session.execute(
            select(Connection.id, Connection.a_id, Connection.b_id, Connection.occurred_on).where(
                Connection.via == ConnectionVia.COLLABORATION.value,
                Connection.source_ref == 0,
                Connection.a_kind == PartyKind.ORGANISATION.value,
                Connection.b_kind == PartyKind.ORGANISATION.value,
            )
        )
    }
    this_year = date.today().year
    first_line_of: dict[tuple[int, int], int] = {}
    label = _("Checking rows")
    for done, (line, raw) in enumerate(parsed.rows, start=1):
        errors: list[Problem] = []
        ids = []
        for column in COLLABORATION_COLUMNS[:2]:
            external_id = tidy_spaces(raw.get(column))
            if not external_id:
                errors.append(Problem(line, _("The %(column)s is empty.", column=column), column))
            elif external_id not in organisations:
                errors.append(
                    Problem(
                        line,
                        _(
                            "No organisation has the external_id “%(id)s”: import it first.",
                            id=external_id,
                        ),
                        column,
                    )
                )
            else:
                ids.append(organisations[external_id])
        year_text = tidy_spaces(raw.get("year"))
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not EARLIEST_YEAR <= year <= this_year:
            errors.append(
                Problem(
                    line,
                    _(
                        "The year must be a year from %(first)d to %(last)d.",
                        first=EARLIEST_YEAR,
                        last=this_year,
                    ),
                    "year",
                )
            )
        if len(ids) == 2 and ids[0][0] == ids[1][0]:
            errors.append(Problem(line, _("An organisation cannot collaborate with itself.")))
        report.errors.extend(errors)
        _report_progress(progress, label, done, len(parsed.rows))
        if errors:
            continue
        (a, a_name), (b, b_name) = ids
        pair = (min(a, b), max(a, b))
        occurred_on = date(year, 1, 1)
        caption = f"{a_name} – {b_name} ({year})"
        if pair in first_line_of:
            report.warnings.append(
                Problem(
                    line,
                    _(
                        "The same pair as on line %(first)d: the earlier year is kept.",
                        first=first_line_of[pair],
                    ),
                )
            )
            previous = next(r for r in report.planned if r.line == first_line_of[pair])
            if occurred_on < previous.values["occurred_on"]:
                previous.values["occurred_on"] = occurred_on
                previous.label = caption
                _classify_collaboration(previous, existing)
            continue
        first_line_of[pair] = line
        planned = PlannedRow(line, "create", caption, {"pair": pair, "occurred_on": occurred_on})
        _classify_collaboration(planned, existing)
        report.planned.append(planned)
    report.seconds = time.monotonic() - started
    return report


def _classify_collaboration(row: PlannedRow, existing: dict) -> None:
    known = existing.get(row.values["pair"])
    if known is None:
        row.action, row.target_id, row.changes = "create", None, []
    else:
        connection_id, occurred_on = known
        row.target_id = connection_id
        changed = occurred_on != row.values["occurred_on"]
        row.action, row.changes = ("update", ["year"]) if changed else ("unchanged", [])


def import_collaborations(
    data: bytes, *, skip_invalid: bool = False, dry_run: bool = False, progress: Progress = None
) -> ImportReport:
    """Check the file, then record its valid rows as connections in one commit.

    Raises :class:`ImportRefused` like :func:`import_organisations`.
    """
    report = check_collaborations(data, progress)
    report.dry_run = dry_run
    if report.file_errors or (report.errors and not skip_invalid):
        raise ImportRefused(report)
    if dry_run:
        return report
    started = time.monotonic()
    organisation = PartyKind.ORGANISATION.value
    try:
        now = utcnow()
        new_rows = []
        touched: set[int] = set()
        for row in report.planned:
            if row.action == "unchanged":
                continue
            (a_kind, a_id), (b_kind, b_id) = ordered_pair(
                (organisation, row.values["pair"][0]), (organisation, row.values["pair"][1])
            )
            touched.update((a_id, b_id))
            if row.action == "create":
                new_rows.append(
                    {
                        "a_kind": a_kind,
                        "a_id": a_id,
                        "b_kind": b_kind,
                        "b_id": b_id,
                        "via": ConnectionVia.COLLABORATION.value,
                        "source_ref": 0,
                        "occurred_on": row.values["occurred_on"],
                        "created_at": now,
                    }
                )
            else:
                db.session.get(Connection, row.target_id).occurred_on = row.values["occurred_on"]
        for start in range(0, len(new_rows), 1000):
            db.session.execute(insert(Connection), new_rows[start : start + 1000])
        mark_changed(organisation, touched)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.applied = True
    report.seconds += time.monotonic() - started
    return report


IMPORTERS = {
    "organisations": (check_organisations, import_organisations),
    "collaborations": (check_collaborations, import_collaborations),
}


# -- files waiting between the preview and the confirmation (the organisers' upload page) ------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


@dataclass(frozen=True)
class Upload:
    token: str
    what: str
    filename: str
    data: bytes


def _uploads_directory() -> Path:
    return Path(current_app.instance_path) / "imports"


def _upload_paths(token: str) -> tuple[Path, Path]:
    folder = _uploads_directory()
    return folder / f"{token}.csv", folder / f"{token}.json"


def store_upload(data: bytes, what: str, filename: str, *, user_id: int) -> str:
    """Keep an uploaded file until its import is confirmed; returns the token naming it."""
    if what not in IMPORTERS:
        raise ValueError(what)
    folder = _uploads_directory()
    folder.mkdir(parents=True, exist_ok=True)
    max_age = current_app.config["IMPORT_UPLOAD_MAX_AGE_SECONDS"]
    for old in folder.glob("*"):
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > max_age:
                old.unlink()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _upload_paths(token)
    data_path.write_bytes(data)
    meta_path.write_text(
        json.dumps({"what": what, "filename": filename[:200], "user_id": user_id}), "utf-8"
    )
    return token


def load_upload(token: str, *, user_id: int) -> Upload | None:
    """The file an organiser uploaded, or None (unknown, expired, or someone else's)."""
    if not _TOKEN.match(token or ""):
        return None
    data_path, meta_path = _upload_paths(token)
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or meta.get("what") not in IMPORTERS:
        return None
    if (
        time.time() - data_path.stat().st_mtime
        > current_app.config["IMPORT_UPLOAD_MAX_AGE_SECONDS"]
    ):
        return None
    return Upload(token, meta["what"], meta.get("filename", ""), data)


def discard_upload(token: str) -> None:
    if _TOKEN.match(token or ""):
        for path in _upload_paths(token):
            path.unlink(missing_ok=True)

"""Bulk imports of organisations and past collaborations: checked row by row, all or nothing."""

from datetime import date

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Connection, MatchingChange, Organisation
from matchmaker.services import imports, matching
from tests.support.factories import make_organisation
from tests.support.matching import party, stored

HEADER = "external_id,name,kind,region,city,website,description,offer,looking_for,tags,focus_areas"


@pytest.fixture(autouse=True)
def english(app):
    """Messages outside requests speak the default language: English here, to read them."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()


def csv_bytes(*lines: str, bom: bool = False, encoding: str = "utf-8") -> bytes:
    text = "\n".join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def by_external_id(external_id: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.external_id == external_id))


GOOD = csv_bytes(
    HEADER,
    "lab-1,Laboratoire de radiochimie,university lab,Pays de la Loire,Nantes,"
    'radiochimie.example.org,"Radiochimie, radiomarquage.",Un cyclotron,Des partenaires,'
    "radiochimie;cyclotron,Radiopharmaceuticals",
    "co-1,Isotopia,Startup,bretagne,Rennes,,Radiopharmaceuticals for PET imaging.,,"
    "A nuclear medicine department,PET imaging,radiopharmaceuticals",
)


def test_an_import_creates_organisations_with_tags_focus_areas_and_codes(app):
    report = imports.import_organisations(GOOD)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    lab = by_external_id("lab-1")
    assert lab.name == "Laboratoire de radiochimie" and lab.kind == "university_lab"
    assert lab.region == "pays_de_la_loire" and lab.city == "Nantes"
    assert lab.website == "https://radiochimie.example.org"
    assert lab.description == "Radiochimie, radiomarquage."
    assert [tag.label for tag in lab.tags] == ["cyclotron", "radiochimie"]
    assert lab.focus_areas == ["radiopharmaceuticals"]
    # The directory's search finds them at once, by their description and tags.
    assert " radiomarquage " in lab.search_text and " cyclotron " in lab.search_text
    startup = by_external_id("co-1")
    assert startup.kind == "startup" and startup.region == "bretagne" and startup.website is None
    # Both are queued for the matching refresh.
    assert count(MatchingChange) == 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(app):
    data = csv_bytes(
        HEADER,
        "ok-1,Good Lab,hospital,other,,,,,,,",
        ",No id,startup,other,,,,,,,",  # line 3
        "x-2,,startup,other,,,,,,,",  # line 4
        "x-3,Unknown Kind,laboratory,other,,,,,,,",  # line 5
        "x-4,Bad Region,startup,Atlantis,,,,,,,",  # line 6
        "x-5,Bad Site,startup,other,,not a url,,,,,",  # line 7
        "x-6,Bad Focus,startup,other,,,,,,,astrology",  # line 8
        "ok-1,Twice,startup,other,,,,,,,",  # line 9
        "x-7,Too few,startup",  # line 10
        '"x-8","Long ""quoted""\nname over two lines",startup,other,,,,,,,',  # lines 11-12
        "x-9,Long tag,startup,other,,,,,," + "t" * 81 + ",",  # line 13
        "x-10,Long text,startup,other,,," + "d" * 20_001 + ",,,,",  # line 14
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_organisations(data)
    problems = {(p.line, p.column) for p in refused.value.report.errors}
    assert problems == {
        (3, "external_id"),
        (4, "name"),
        (5, "kind"),
        (6, "region"),
        (7, "website"),
        (8, "focus_areas"),
        (9, "external_id"),
        (10, None),
        (13, "tags"),
        (14, "description"),
    }
    messages = {p.line: p.message for p in refused.value.report.errors}
    assert "laboratory" in messages[5] and "university_lab" in messages[5]
    assert "line 2" in messages[9]
    assert "3 values" in messages[10]
    assert count(Organisation) == 0
    assert count(MatchingChange) == 0

    # With --skip-invalid, the valid rows go in (line 11-12 was fine: a quoted line break).
    report = imports.import_organisations(data, skip_invalid=True)
    assert report.created == 2 and report.invalid_rows == 10
    assert by_external_id("x-8").name == 'Long "quoted" name over two lines'


def test_byte_order_mark_semicolons_and_french_labels_are_understood(app):
    data = csv_bytes(
        HEADER.replace(",", ";"),
        "h-1;CHU de Nantes;Hôpital;Pays de la Loire;Nantes;;Médecine nucléaire, TEP;;;;"
        "Radiopharmaceutiques",
        "p-1;Plateforme Omics;plateforme technologique;Centre-Val de Loire;Tours;;;;;;"
        '"médecine régénérative; santé numérique"',
        bom=True,
    )
    report = imports.import_organisations(data)
    assert report.created == 2
    hospital = by_external_id("h-1")
    assert hospital.kind == "hospital" and hospital.region == "pays_de_la_loire"
    assert hospital.description == "Médecine nucléaire, TEP"
    assert hospital.focus_areas == ["radiopharmaceuticals"]
    platform = by_external_id("p-1")
    assert platform.kind == "technology_platform" and platform.region == "centre_val_de_loire"
    assert set(platform.focus_areas) == {"regenerative_medicine", "digital_health"}


def test_reimporting_updates_by_external_id_and_a_dry_run_writes_nothing(app):
    imports.import_organisations(GOOD)
    changed = GOOD.replace(b"Isotopia", b"Isotopia Pharma").replace(b"PET imaging,", b"PET,")
    dry = imports.import_organisations(changed, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (0, 1, 1)
    assert dry.planned[1].changes == ["name", "tags"]
    assert by_external_id("co-1").name == "Isotopia"

    db.session.execute(db.delete(MatchingChange))
    db.session.commit()
    report = imports.import_organisations(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert count(Organisation) == 2
    startup = by_external_id("co-1")
    assert startup.name == "Isotopia Pharma" and [t.label for t in startup.tags] == ["PET"]
    # Only the organisation that changed waits for a refresh.
    assert db.session.scalars(select(MatchingChange.party_id)).all() == [startup.id]

    again = imports.import_organisations(changed, dry_run=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_row_completes_an_organisation_registered_by_hand_with_the_same_name(app):
    existing = make_organisation(name="Isotopia", kind="startup", city="Rennes")
    report = imports.import_organisations(GOOD)
    assert (report.created, report.updated) == (1, 1)
    db.session.refresh(existing)
    assert existing.external_id == "co-1"
    assert existing.description == "Radiopharmaceuticals for PET imaging."


def test_missing_columns_keep_what_the_platform_says(app):
    imports.import_organisations(GOOD)
    report = imports.import_organisations(
        csv_bytes("external_id,name,kind", "co-1,Isotopia,startup")
    )
    assert report.unchanged == 1
    assert by_external_id("co-1").description == "Radiopharmaceuticals for PET imaging."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
        (HEADER.encode() + "\nx,Caf\xe9,startup,,,,,,,,\n".encode("latin-1"), "line 2"),
        (b"id,title\n1,x\n", "missing columns: external_id, name, kind"),
        (HEADER.encode() + b"\n", "no rows"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(app, data, message):
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_organisations(data, skip_invalid=True)
    assert message in str(refused.value) or message in refused.value.report.errors[0].message
    assert count(Organisation) == 0


def test_collaborations_become_connections_never_suggested(app):
    imports.import_organisations(
        csv_bytes(
            HEADER,
            "lab,Nuclear Lab,university lab,other,,,Nuclear medicine and dosimetry.,,,,",
            "co,Isotopia,startup,other,,,Radiopharmaceuticals for nuclear medicine.,,,,",
            "lab2,Other Lab,hospital,other,,,Nuclear medicine department.,,,,",
        )
    )
    data = csv_bytes(
        "source_external_id,candidate_external_id,year",
        "co,lab,2019",
        "co,ghost,2019",  # line 3
        "co,lab2,19",  # line 4
        "co,co,2020",  # line 5
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_collaborations(data)
    assert {p.line for p in refused.value.report.errors} == {3, 4, 5}
    assert count(Connection) == 0

    report = imports.import_collaborations(data, skip_invalid=True)
    assert report.created == 1
    connection = db.session.scalar(select(Connection))
    assert connection.via == "collaboration" and connection.occurred_on == date(2019, 1, 1)
    again = imports.import_collaborations(
        csv_bytes("source_external_id,candidate_external_id,year", "lab,co,2017")
    )
    assert (again.created, again.updated) == (0, 1)
    assert count(Connection) == 1
    assert db.session.scalar(select(Connection)).occurred_on == date(2017, 1, 1)

    run = matching.rebuild()
    assert run.collaborations == 1
    startup, lab, other = (by_external_id(x) for x in ("co", "lab", "lab2"))
    assert party(lab) not in stored(startup)
    assert stored(startup) == [party(other)]


def test_import_commands_report_rows_and_refuse_without_skip_invalid(runner, tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(csv_bytes(HEADER, "a,Alpha,startup,,,,,,,,", "b,,startup,,,,,,,,"))
    result = runner.invoke(args=["import", "organisations", str(path), "--quiet"])
    assert result.exit_code == 1
    assert "line 3 [name]" in result.output and "nothing was imported" in result.output
    assert count(Organisation) == 0

    dry = runner.invoke(args=["import", "organisations", str(path), "--dry-run", "--skip-invalid"])
    assert dry.exit_code == 0, dry.output
    assert "1 to create" in dry.output and count(Organisation) == 0

    done = runner.invoke(args=["import", "organisations", str(path), "--skip-invalid"])
    assert done.exit_code == 0, done.output
    assert "1 created" in done.output and count(Organisation) == 1

    collaborations = tmp_path / "collaborations.csv"
    collaborations.write_text("source_external_id;candidate_external_id;year\na;zzz;2020\n")
    result = runner.invoke(args=["import", "collaborations", str(collaborations), "--quiet"])
    assert result.exit_code == 1 and "line 2" in result.output and "zzz" in result.output

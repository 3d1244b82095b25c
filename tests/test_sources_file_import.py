"""The `import` connector: formats, encodings, presets, rejected rows and resuming from the cursor."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.file_import import ImportSource
from vigie.sources.mapping import load_mapping, parse_date, parse_number

IMPORTS = Path(__file__).parent / "data" / "imports"


def run(ctx, cursor=None, **config):
    cursor = {} if cursor is None else cursor
    return list(ImportSource(config, ctx).fetch(cursor)), cursor


def mentions(items):
    return [i for i in items if isinstance(i, Mention)]


def test_import_reads_semicolon_csv_with_bom(ctx):
    items, cursor = run(ctx, path=str(IMPORTS / "mentions_semicolon_bom.csv"))
    assert [m.external_id for m in items] == ["lp-1", "lp-2", "lp-3", "lp-4", "lp-5", "lp-6"]
    first, second, third, fourth = items[:4]
    assert first.title == "Hausse des tarifs d'électricité" and first.outlet == "La Presse"
    assert first.published_at == datetime(2024, 3, 12, 12, 15, tzinfo=UTC)
    assert first.engagement == {"likes": 12} and first.raw["external_id"] == "lp-1"
    # A quoted field may hold the delimiter and a line break.
    assert second.text == "Le chef de l'opposition parle d'un « choc tarifaire »; il demande un gel.\nDeuxième paragraphe."
    # Naive times are read in the workspace time zone (America/Toronto, UTC-4 in March 2024).
    assert second.published_at == datetime(2024, 3, 12, 18, 30, tzinfo=UTC)
    assert third.channel == "print_press" and third.published_at == datetime(2024, 3, 13, 4, tzinfo=UTC)
    assert fourth.channel == "forum"
    assert cursor["encoding"] == "utf-8-sig" and cursor["rows_done"] == 6


def test_import_detects_latin1_csv(ctx):
    items, cursor = run(ctx, path=str(IMPORTS / "press_clippings_latin1.csv"), mapping={"title": "Titre", "text": "Résumé"})
    assert cursor["encoding"] == "cp1252"
    assert items[0].title == "Hydro-Québec hausse ses tarifs"
    assert items[0].raw["Journaliste"] == "Julie Tremblay" and items[3].raw["Journaliste"] == "Sophie Côté"


def test_press_clippings_preset_reads_french_headers(ctx):
    items, _ = run(ctx, path=str(IMPORTS / "press_clippings_latin1.csv"), mapping="press_clippings")
    devoir, radio, tva, journal = items
    assert (devoir.outlet, devoir.author_name, devoir.outlet_audience) == ("Le Devoir", "Julie Tremblay", 350_000)
    assert devoir.text == "Les élus réagissent à la hausse de 3 %."
    assert devoir.channel == "print_press" and radio.channel == "broadcast" and tva.channel == "broadcast"
    # 12/03/2024 is 12 March in a French log, and "12 mars 2024" reads too.
    assert devoir.published_at.date() == radio.published_at.date() == datetime(2024, 3, 12).date()
    assert tva.url == "https://www.tvanouvelles.ca/2024/03/13/hausse"
    # An unreadable date keeps the row, without a date.
    assert journal.title == "Hausse : la colère gronde" and journal.published_at is None


def test_import_rejects_bad_rows_with_line_numbers_and_goes_on(ctx):
    items, cursor = run(ctx, path=str(IMPORTS / "bad_rows.csv"))
    assert [m.title for m in mentions(items)] == ["Premier article", "Quatrième article"]
    rejections = [(r.reason, r.detail) for r in items if isinstance(r, Rejection)]
    assert rejections == [
        ("wrong-field-count", "line 3: expected 4 fields, got 5"),
        ("bad-number", "line 4: likes: 'beaucoup' is not a number"),
        ("empty-row", "line 5: no text, title or url"),
    ]
    assert items[1].sample.endswith("https://example.org/2,6,extra")
    assert mentions(items)[1].engagement == {"likes": 1234}
    assert cursor["rows_done"] == 5


def test_import_reads_xlsx_with_youtube_studio_preset(ctx, tmp_path):
    path = tmp_path / "Table data.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table data"
    sheet.append(["Content", "Video title", "Video publish time", "Duration", "Views", "Likes"])
    sheet.append(["Total", None, None, None, 1500, 60])
    sheet.append(["dQw4w9WgXcQ", "Tarifs 2024 expliqués", datetime(2024, 3, 12, 9, 0), 312, 1200, 50])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["abc123XYZ_-", "Panne à Laval", "Sep 26, 2024", 95, "300", 10])
    book.save(path)
    items, cursor = run(ctx, path=str(path), mapping="youtube_studio")
    assert [m.external_id for m in items] == ["dQw4w9WgXcQ", "abc123XYZ_-"]
    video = items[0]
    assert video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ" and video.channel == "social"
    assert video.outlet == "YouTube" and video.engagement == {"views": 1200, "likes": 50}
    assert video.published_at == datetime(2024, 3, 12, 13, 0, tzinfo=UTC)
    assert video.raw["Video publish time"] == "2024-03-12T09:00:00"  # raw stays JSON-able
    assert items[1].published_at.date() == datetime(2024, 9, 26).date()
    assert "encoding" not in cursor and cursor["rows_done"] == 3  # Total row counted, empty row not
    with pytest.raises(NotConfigured, match="sheets: Table data"):
        run(ctx, path=str(path), mapping="youtube_studio", sheet="Feuil1")


def test_import_reads_json_records_at_json_path(ctx):
    mapping = {"external_id": "id", "url": "link", "text": "body", "published_at": "created",
               "author_name": "user.name", "likes": "stats.likes"}
    items, _ = run(ctx, path=str(IMPORTS / "mentions.json"), json_path="data.items", mapping=mapping, channel="forum")
    first, second, bad = items
    assert (first.external_id, first.author_name, first.engagement) == ("101", "Luc B.", {"likes": 4})
    assert first.channel == "forum" and first.raw["user"] == {"name": "Luc B."}
    assert second.published_at == datetime(2024, 3, 12, 13, 0, tzinfo=UTC)  # epoch seconds
    assert (bad.reason, bad.detail) == ("not-an-object", "record 3: expected an object, got str")


def test_import_json_path_that_does_not_exist_names_the_keys(ctx):
    with pytest.raises(FetchError, match="no 'records'.*items"):
        run(ctx, path=str(IMPORTS / "mentions.json"), json_path="data.records")


def test_import_reads_ndjson_and_rejects_broken_lines(ctx):
    items, _ = run(ctx, path=str(IMPORTS / "mentions.ndjson"))
    assert [m.author_handle for m in mentions(items)] == ["@a", "@c"]
    assert mentions(items)[0].engagement == {"views": 120} and mentions(items)[1].language == "fr"
    reasons = [(r.reason, r.detail.split(":")[0]) for r in items if isinstance(r, Rejection)]
    assert reasons == [("invalid-json", "line 2"), ("not-an-object", "line 4")]


def test_import_resumes_from_a_saved_cursor(ctx):
    path = str(IMPORTS / "mentions_semicolon_bom.csv")
    cursor: dict = {}
    fetch = ImportSource({"path": path}, ctx).fetch(cursor)
    first_run = [next(fetch).external_id for _ in range(3)]
    fetch.close()  # killed half way
    saved = json.loads(json.dumps(cursor))
    assert saved["rows_done"] == 2  # the third row was handed over but not yet covered by the cursor
    second_run = [m.external_id for m in ImportSource({"path": path}, ctx).fetch(saved)]
    assert second_run == ["lp-3", "lp-4", "lp-5", "lp-6"]
    assert sorted(set(first_run) | set(second_run)) == ["lp-1", "lp-2", "lp-3", "lp-4", "lp-5", "lp-6"]
    assert list(ImportSource({"path": path}, ctx).fetch(saved)) == []  # nothing left


def test_import_starts_over_when_the_file_changed(ctx, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("title,url\nUn,https://example.org/1\n", encoding="utf-8")
    _, cursor = run(ctx, path=str(path))
    path.write_text("title,url\nUn,https://example.org/1\nDeux,https://example.org/2\n", encoding="utf-8")
    items, cursor = run(ctx, cursor, path=str(path))
    assert [m.title for m in items] == ["Un", "Deux"] and cursor["rows_done"] == 2


def test_import_twice_gives_identical_hashed_ids(ctx):
    config = {"path": str(IMPORTS / "press_clippings_latin1.csv"), "mapping": "press_clippings"}
    once, _ = run(ctx, **config)
    twice, _ = run(ctx, **config)
    ids = [m.external_id for m in once]
    assert ids == [m.external_id for m in twice] and len(set(ids)) == 4 and all(len(i) == 64 for i in ids)


def test_meta_preset_matches_headers_whatever_their_case(ctx, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("POST ID,Account username,Description,Publish time,Permalink,Views,Reach,Likes,Shares,Comments\n"
                    "179,hydroquebec,Conseils pour l'hiver,03/27/2024 06:08,https://www.instagram.com/p/C1/,"
                    "\"1,500\",900,40,2,5\n", encoding="utf-8")
    (post,), _ = run(ctx, path=str(path), mapping="meta_posts", timezone="UTC")
    assert (post.external_id, post.author_handle, post.url) == ("179", "hydroquebec", "https://www.instagram.com/p/C1/")
    assert post.published_at == datetime(2024, 3, 27, 6, 8, tzinfo=UTC)
    assert post.engagement == {"likes": 40, "shares": 2, "comments": 5, "views": 1500}
    assert (post.reach, post.reach_kind) == (900, "measured")


def test_import_mapping_errors_name_what_is_known(ctx):
    with pytest.raises(NotConfigured, match="press_clippings"):
        load_mapping("meltwater")
    with pytest.raises(NotConfigured, match="unknown target field.*headline"):
        load_mapping({"headline": "Titre"})
    with pytest.raises(FetchError, match="'Headline' not in .*headers: title, text, url, likes"):
        run(ctx, path=str(IMPORTS / "bad_rows.csv"), mapping={"title": "Headline"})
    with pytest.raises(NotConfigured, match="set 'path'"):
        ImportSource({}, ctx)


@pytest.mark.parametrize(("value", "expected"), [
    ("1 234", 1234), ("1,234", 1234), ("12.5K", 12500), ("3,2 M", 3_200_000), (7.0, 7), ("", None), ("n/a", None),
])
def test_parse_number_reads_export_styles(value, expected):
    assert parse_number(value) == expected


def test_parse_date_reads_french_dates_and_keeps_iso_when_dayfirst():
    assert parse_date("mardi 12 mars 2024 à 14 h 30", dayfirst=True) == datetime(2024, 3, 12, 14, 30, tzinfo=UTC)
    assert parse_date("2024-03-04", dayfirst=True) == datetime(2024, 3, 4, tzinfo=UTC)
    assert parse_date("1er févr. 2024") == datetime(2024, 2, 1, tzinfo=UTC)
    assert parse_date("pas une date") is None


def test_import_keeps_html_text_as_plain_text_and_clean_html(ctx, tmp_path):
    path = tmp_path / "export.ndjson"
    path.write_text(json.dumps({"url": "https://example.org/a", "text": "<p>Panne <b>majeure</b></p><script>x()</script>"}) + "\n")
    (mention,), _ = run(ctx, path=str(path))
    assert mention.text == "Panne majeure" and "<b>majeure</b>" in mention.html and "script" not in mention.html

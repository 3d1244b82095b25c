"""The `pdf` connector: one mention per clipping, text from pypdf, files remembered by their hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.pdf_clipping import PdfClippingSource


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica: just enough structure for pypdf to read."""
    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = ("BT /F1 12 Tf 72 720 Td " + "".join(f"({escape(x)}) Tj 0 -16 Td " for x in lines) + "ET").encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_source_extracts_title_and_text(ctx, tmp_path):
    data = make_pdf(["", "Hydro-Québec : hausse des tarifs", "Les élus réagissent (vivement).", "Suite en page A4."])
    path = tmp_path / "clipping.pdf"
    path.write_bytes(data)
    (mention,) = PdfClippingSource({"path": str(path), "outlet": "Le Devoir", "published_at": "12/03/2024"}, ctx).fetch({})
    assert mention.title == "Hydro-Québec : hausse des tarifs"
    assert mention.text == "Les élus réagissent (vivement).\nSuite en page A4."
    assert mention.external_id == hashlib.sha256(data).hexdigest()
    assert (mention.outlet, mention.channel, mention.raw["pages"]) == ("Le Devoir", "print_press", 1)
    # A French workspace reads 12/03/2024 as 12 March, at midnight in America/Toronto.
    assert mention.published_at == datetime(2024, 3, 12, 4, tzinfo=UTC)


def test_pdf_source_reads_a_folder_once_and_rejects_bad_files(ctx, tmp_path):
    (tmp_path / "mars").mkdir()
    (tmp_path / "mars" / "2024-03-13 La Presse.pdf").write_bytes(make_pdf(["Tarifs : la colère gronde"]))
    (tmp_path / "LeSoleil_20240314.PDF").write_bytes(make_pdf(["Hausse des tarifs", "Texte."]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "scan.pdf").write_bytes(make_pdf([]))
    (tmp_path / "notes.txt").write_text("ignored")
    source = PdfClippingSource({"path": str(tmp_path), "channel": "print"}, ctx)
    cursor: dict = {}
    items = list(source.fetch(cursor))
    found = {i.raw["file"]: i for i in items if isinstance(i, Mention)}
    assert set(found) == {"mars/2024-03-13 La Presse.pdf", "LeSoleil_20240314.PDF"}
    assert found["LeSoleil_20240314.PDF"].published_at == datetime(2024, 3, 14, 4, tzinfo=UTC)
    assert sorted(r.reason for r in items if isinstance(r, Rejection)) == ["no-text", "unreadable-pdf"]
    assert list(source.fetch(cursor)) == []  # every file is remembered by its hash
    (tmp_path / "new.pdf").write_bytes(make_pdf(["Nouvel article"]))
    assert [m.title for m in source.fetch(cursor)] == ["Nouvel article"]


def test_pdf_source_reports_missing_path_and_bad_date(ctx, tmp_path):
    with pytest.raises(FetchError, match="no such file"):
        list(PdfClippingSource({"path": str(tmp_path / "absent")}, ctx).fetch({}))
    with pytest.raises(NotConfigured, match="published_at"):
        PdfClippingSource({"path": str(tmp_path), "published_at": "hier"}, ctx)

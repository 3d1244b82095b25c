"""The `pdf` connector: press clippings as PDF files, one mention per file, text extracted with pypdf. See docs/imports.md"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pypdf import PdfReader

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Channel, Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, read_options
from vigie.sources.mapping import parse_date

# A date in a file name such as "2024-03-12 La Presse.pdf" or "LeDevoir_20240312.pdf".
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
TITLE_MAX = 300  # a PDF without line breaks would otherwise make its whole text the title


def pdf_text(data: bytes) -> tuple[str, int, dict[str, str]]:
    """The text of a PDF (pages separated by blank lines), its page count and its metadata."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted with a password")
    pages = [page.extract_text() or "" for page in reader.pages]
    metadata = {str(k).lstrip("/"): str(v)[:200] for k, v in (reader.metadata or {}).items()}
    lines = [line.rstrip() for line in "\n\n".join(pages).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, len(pages), metadata


class PdfClippingSource:
    """Reads a PDF file or every PDF under a folder; the cursor remembers the files already read."""

    name: ClassVar[str] = "pdf"
    channel: ClassVar[str] = "print_press"
    options: ClassVar[tuple[Option, ...]] = (
        Option("path", "A PDF file, or a folder of PDF clippings (subfolders included)", required=True),
        Option("outlet", "The outlet the clippings come from, e.g. Le Devoir"),
        Option("channel", "Channel of the clippings", default="print_press"),
        Option("published_at", "Publication date; default: a date in the file name (2024-03-12, 20240312)"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.path = Path(str(opts["path"])).expanduser()
        self.outlet = opts["outlet"]
        try:
            self.channel_value = Channel.parse(opts["channel"] or self.channel).value
        except ValueError as exc:
            raise NotConfigured(f"pdf: channel: {exc}") from None
        try:
            self.tz = ZoneInfo(ctx.workspace.get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self.tz = ZoneInfo("UTC")
        self.published_at = None
        if opts["published_at"]:
            # French workspaces write 12/03/2024 for 12 March.
            self.published_at = parse_date(opts["published_at"], tz=self.tz,
                                           dayfirst=ctx.workspace.get("language") == "fr")
            if self.published_at is None:
                raise NotConfigured(f"pdf: cannot read published_at {opts['published_at']!r}; use 2024-03-12")

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        if self.path.is_file():
            files = [self.path]
        elif self.path.is_dir():
            files = sorted(p for p in self.path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        else:
            raise FetchError(f"pdf: no such file or folder: {self.path}")
        seen: list[str] = cursor.setdefault("seen", [])
        known = set(seen)
        for file in files:
            data = file.read_bytes()  # pypdf needs random access; clippings are small
            digest = hashlib.sha256(data).hexdigest()
            if digest in known:
                continue
            yield self._item(file, data, digest)
            # Rejected files are remembered too: the same bytes would fail the same way next run.
            known.add(digest)
            seen.append(digest)

    def _item(self, file: Path, data: bytes, digest: str) -> Item:
        label = file.name if file == self.path else str(file.relative_to(self.path))
        try:
            text, pages, metadata = pdf_text(data)
        except Exception as exc:  # pypdf raises many kinds on damaged files; one file must not stop the rest
            return Rejection(reason="unreadable-pdf", detail=f"{label}: {exc}", sample=repr(data[:200]))
        if not text:
            return Rejection(reason="no-text", detail=f"{label}: no text layer (a scanned image? run OCR first)",
                             sample=label)
        title, _, body = text.partition("\n")
        return Mention(
            source=self.name, channel=self.channel_value, external_id=digest,
            title=title.strip()[:TITLE_MAX], text=body.strip(), outlet=self.outlet,
            published_at=self.published_at or self._name_date(file),
            raw={"file": label, "pages": pages, "metadata": metadata},
        )

    def _name_date(self, file: Path) -> datetime | None:
        match = _NAME_DATE.search(file.stem)
        if not match:
            return None
        year, month, day = map(int, match.groups())
        try:
            return parse_date(datetime(year, month, day), tz=self.tz)
        except ValueError:  # 2024-02-31
            return None


@hookimpl
def register_sources() -> list[type]:
    return [PdfClippingSource]

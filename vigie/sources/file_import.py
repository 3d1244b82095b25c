"""The `import` connector: mentions from CSV, TSV, XLSX, JSON and NDJSON files via a column mapping. See docs/imports.md"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charset_normalizer import from_bytes

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Channel, Mention, RawJSON, Rejection
from vigie.sanitize import clean_html, html_to_text
from vigie.sources.base import Item, Option, SourceContext, read_options
from vigie.sources.base import sample as _sample
from vigie.sources.mapping import (
    ENGAGEMENT_FIELDS,
    Extractor,
    Mapping,
    cell_text,
    header_key,
    load_mapping,
    parse_channel,
    parse_date,
    parse_language,
    parse_number,
)

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}
_CHUNK = 1 << 20
_HTML = re.compile(r"<(p|br|div|span|a|b|i|em|strong|ul|li|h\d)\b[^>]*>", re.I)


@dataclass(slots=True)
class _Record:
    """One record as read from the file: a row dict, or why it could not be read."""

    where: str  # "line 12", "row 4", "record 3": what the operator looks for in the file
    row: dict[str, Any] | None = None
    reason: str = ""
    detail: str = ""
    sample: str = ""
    text: str | None = None  # the row's JSON text when it was one NDJSON line: kept as the raw payload


_DECODER = json.JSONDecoder()
_JSON_SPACE = " \t\n\r"


def _loads_line(line: str) -> Any:
    """json.loads(line), with the same value or error, minus its two whitespace regex passes when
    the line starts with its value (a line starting with a BOM or a space goes through json.loads)."""
    if not line or line[0] in _JSON_SPACE or line[0] == "\ufeff":
        return json.loads(line)
    value, end = _DECODER.raw_decode(line)
    extra = line[end:].lstrip(_JSON_SPACE)
    if extra:
        raise json.JSONDecodeError("Extra data", line, len(line) - len(extra))
    return value


def _json_safe(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | time) else value



def _headers(cells: list[Any]) -> list[str]:
    """Header names made usable as dict keys: blanks named column_N, duplicates suffixed."""
    names: list[str] = []
    for i, cell in enumerate(cells, start=1):
        name = (cell_text(cell) or f"column_{i}").lstrip("\ufeff")
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _guess_delimiter(first_line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])  # ties keep the order above
    return best if counts[best] else ","


class ImportSource:
    """Reads a local file row by row; the cursor remembers the file's hash and how far it got."""

    name: ClassVar[str] = "import"
    channel: ClassVar[str] = "online_press"
    options: ClassVar[tuple[Option, ...]] = (
        Option("path", "Local file to import (CSV, TSV, XLSX, JSON, NDJSON)", required=True),
        Option("format", "csv, tsv, xlsx, json or ndjson; default: from the file extension"),
        Option("mapping", "A preset name or {target field: column}; see docs/imports.md", default="generic"),
        Option("channel", "Channel of rows that do not say; default: the preset's, else online_press"),
        Option("outlet", "Outlet of rows that do not say"),
        Option("delimiter", "CSV field separator; default: guessed from the header line"),
        Option("encoding", "Text encoding; default: detected (BOM, UTF-8, then a guess)"),
        Option("sheet", "XLSX sheet name; default: the active sheet"),
        Option("json_path", 'Dotted path to the list of records in a JSON document, e.g. "data.items"'),
        Option("dayfirst", "Read 03/04/2024 as 3 April; default: the preset's choice"),
        Option("date_format", "strptime format of the date column, e.g. %d/%m/%Y %H:%M"),
        Option("timezone", "Time zone of dates that carry none; default: the workspace's"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.path = Path(str(opts["path"])).expanduser()
        fmt = str(opts["format"] or FORMATS.get(self.path.suffix.lower(), "")).lower()
        fmt = {"jsonl": "ndjson", "tab": "tsv"}.get(fmt, fmt)
        if fmt not in set(FORMATS.values()):
            raise NotConfigured(f"import: cannot tell the format of {self.path.name}; set format to one "
                                "of csv, tsv, xlsx, json, ndjson (old .xls files: save as .xlsx first)")
        self.format = fmt
        self.mapping: Mapping = load_mapping(opts["mapping"])
        try:
            self.default_channel = Channel.parse(opts["channel"] or self.mapping.channel or self.channel)
        except ValueError as exc:
            raise NotConfigured(f"import: channel: {exc}") from None
        self.outlet = opts["outlet"] or self.mapping.outlet
        delimiter = opts["delimiter"] or ("\t" if fmt == "tsv" else None)
        if delimiter in ("\\t", "tab"):
            delimiter = "\t"
        if delimiter is not None and len(delimiter) != 1:
            raise NotConfigured(f"import: delimiter must be one character, got {delimiter!r}")
        self.delimiter: str | None = delimiter
        self.encoding: str | None = opts["encoding"]
        if self.encoding:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise NotConfigured(f"import: unknown encoding {self.encoding!r}") from None
        self.sheet = opts["sheet"]
        self.json_path = opts["json_path"]
        dayfirst = opts["dayfirst"]
        self.dayfirst = self.mapping.dayfirst if dayfirst is None else str(dayfirst).lower() in ("1", "true", "yes")
        self.date_format = opts["date_format"]
        zone = opts["timezone"] or ctx.workspace.get("timezone") or "UTC"
        try:
            self.tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise NotConfigured(f"import: unknown time zone {zone!r}") from None
        self._extractors: dict[tuple[str, ...], Extractor] = {}
        self._skip = tuple((target, frozenset(header_key(s) for s in skipped))
                           for target, skipped in self.mapping.skip.items())
        self._channels: dict[str, str] = {}  # channel cell -> channel, for str cells already seen
        self._unknown_channels: set[str] = set()

    # -- the run ---------------------------------------------------------------------------------

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        if not self.path.is_file():
            raise FetchError(f"import: no such file: {self.path}")
        digest, encoding = self._scan()
        if cursor.get("sha256") != digest:
            # A different file (or an edited one): start over; the store drops rows it already has.
            cursor.update(sha256=digest, rows_done=0)
        if encoding:
            cursor["encoding"] = encoding
            self.ctx.log.info("import: %s read as %s", self.path.name, encoding)
        done = int(cursor.get("rows_done") or 0)
        readers = {"csv": self._csv, "tsv": self._csv, "xlsx": self._xlsx, "json": self._json, "ndjson": self._ndjson}
        for n, record in enumerate(readers[self.format](encoding or "utf-8"), start=1):
            if n <= done:
                continue
            item = self._convert(record)
            if item is not None:
                yield item
            cursor["rows_done"] = n

    def _scan(self) -> tuple[str, str | None]:
        """One streaming pass: the file's sha256 and, for text formats, its encoding."""
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8, head, bad = True, b"", b""
        with self.path.open("rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                digest.update(chunk)
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        utf8, bad = False, chunk[max(0, exc.start - 32768): exc.start + 32768]
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
        if self.format == "xlsx":
            return digest.hexdigest(), None
        return digest.hexdigest(), self.encoding or self._detect(head, utf8, bad)

    @staticmethod
    def _detect(head: bytes, utf8: bool, bad: bytes) -> str:
        for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
            if head.startswith(bom):
                return name
        if utf8:
            return "utf-8"
        matches = from_bytes(head + b"\n" + bad)
        best = matches.best()
        if best is None:
            return "cp1252"
        # NOTE: on short French samples charset_normalizer may rank mac_latin2 first; Western exports
        # that are not UTF-8 are nearly always Windows-1252, so take it whenever it reads nearly as well.
        for match in matches:
            if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + 0.05:
                return "cp1252"
        return best.encoding

    # -- readers: each yields one _Record per data record, in file order -------------------------

    def _csv(self, encoding: str) -> Iterator[_Record]:
        with self.path.open(newline="", encoding=encoding, errors="replace") as f:
            delimiter = self.delimiter
            if delimiter is None:
                delimiter = _guess_delimiter(f.readline())
                f.seek(0)
            reader = csv.reader(f, delimiter=delimiter)
            headers: list[str] | None = None
            previous = 0
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    previous = reader.line_num
                    yield _Record(f"line {reader.line_num}", reason="unreadable-csv",
                                  detail=f"line {reader.line_num}: {exc}")
                    continue
                start, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in fields):
                    continue
                if headers is None:
                    headers = _headers(list(fields))
                    self._check_columns(headers)
                    continue
                if len(fields) > len(headers) and not any(c.strip() for c in fields[len(headers):]):
                    fields = fields[: len(headers)]  # trailing empty cells some spreadsheets add
                if len(fields) != len(headers):
                    yield _Record(f"line {start}", reason="wrong-field-count",
                                  detail=f"line {start}: expected {len(headers)} fields, got {len(fields)}",
                                  sample=delimiter.join(fields)[:500])
                    continue
                yield _Record(f"line {start}", dict(zip(headers, fields, strict=True)))

    def _xlsx(self, encoding: str) -> Iterator[_Record]:
        import openpyxl

        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged or misnamed file
            raise FetchError(f"import: cannot open {self.path.name} as XLSX: {exc}") from exc
        try:
            if self.sheet and str(self.sheet) not in book.sheetnames:
                raise NotConfigured(f"import: no sheet {self.sheet!r}; sheets: {', '.join(book.sheetnames)}")
            sheet = book[str(self.sheet)] if self.sheet else (book.active or book.worksheets[0])
            headers: list[str] | None = None
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if all(v is None or cell_text(v) is None for v in values):
                    continue
                if headers is None:
                    headers = _headers(list(values))
                    while headers and headers[-1].startswith("column_"):
                        headers.pop()  # formatted but empty columns at the right
                    self._check_columns(headers)
                    continue
                row = {h: _json_safe(v) for h, v in zip(headers, values, strict=False)}
                for i, extra in enumerate(values[len(headers):], start=len(headers) + 1):
                    if cell_text(extra) is not None:
                        row[f"column_{i}"] = _json_safe(extra)
                yield _Record(f"row {number}", row)
        finally:
            book.close()

    def _json(self, encoding: str) -> Iterator[_Record]:
        # A JSON document has to be parsed whole; NDJSON is the streaming format for big exports.
        with self.path.open(encoding=encoding, errors="replace") as f:
            try:
                document = json.load(f)
            except json.JSONDecodeError as exc:
                raise FetchError(f"import: {self.path.name} is not valid JSON: {exc}") from None
        for number, element in enumerate(self._records_in(document), start=1):
            if isinstance(element, dict):
                yield _Record(f"record {number}", element)
            else:
                yield _Record(f"record {number}", reason="not-an-object",
                              detail=f"record {number}: expected an object, got {type(element).__name__}",
                              sample=_sample(element))

    def _records_in(self, document: Any) -> list[Any]:
        node = document
        if self.json_path:
            for part in str(self.json_path).split("."):
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    keys = ", ".join(map(str, node)) if isinstance(node, dict) else type(node).__name__
                    raise FetchError(f"import: json_path {self.json_path!r}: no {part!r} (found: {keys})")
        elif isinstance(node, dict):
            lists = [k for k, v in node.items() if isinstance(v, list)]
            if len(lists) != 1:
                raise FetchError(f"import: {self.path.name} is an object; set json_path to its list of "
                                 f"records (lists found: {', '.join(lists) or 'none'})")
            node = node[lists[0]]
        if not isinstance(node, list):
            raise FetchError(f"import: json_path {self.json_path!r} leads to a {type(node).__name__}, not a list")
        return node

    def _ndjson(self, encoding: str) -> Iterator[_Record]:
        with self.path.open(encoding=encoding, errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if line.isspace():  # a line is never empty: it has its newline or some text
                    continue
                try:
                    element = _loads_line(line)
                except json.JSONDecodeError as exc:
                    yield _Record(f"line {number}", reason="invalid-json",
                                  detail=f"line {number}: {exc.msg} at column {exc.colno}", sample=line[:500])
                    continue
                if not isinstance(element, dict):
                    yield _Record(f"line {number}", reason="not-an-object",
                                  detail=f"line {number}: expected an object, got {type(element).__name__}",
                                  sample=line[:500])
                    continue
                yield _Record(f"line {number}", element, text=line)

    # -- rows to mentions ------------------------------------------------------------------------

    def _check_columns(self, headers: list[str]) -> None:
        """Fail early, naming the headers, rather than reject every row of a file the mapping does not fit."""
        resolved = self.mapping.resolve(headers)
        missing = self.mapping.missing(resolved)
        if missing:
            raise FetchError(f"import: column(s) {', '.join(map(repr, missing))} not in {self.path.name}; "
                             f"headers: {', '.join(headers)}")
        has_url = "url" in resolved or (self.mapping.url_template and "external_id" in resolved)
        if not ({"text", "title"} & set(resolved) or has_url):
            raise FetchError(f"import: mapping {self.mapping.name!r} finds no text, title or url column in "
                             f"{self.path.name}; headers: {', '.join(headers)}")

    def _extractor(self, row: dict[str, Any]) -> Extractor:
        keys = tuple(row)
        extractor = self._extractors.get(keys)
        if extractor is None:  # JSON records may differ in keys; CSV rows all share the header
            extractor = self._extractors[keys] = self.mapping.extractor(keys)
        return extractor

    def _convert(self, record: _Record) -> Item | None:
        if record.row is None:
            return Rejection(reason=record.reason, detail=record.detail, sample=record.sample)
        row = record.row
        extractor = self._extractor(row)
        values = row if extractor.row_is_values else extractor.values(row)  # only read by target name
        for target, skipped in self._skip:
            if header_key(values.get(target) or "") in skipped:
                return None  # a summary row such as YouTube Studio's "Total"
        numbers: dict[str, int] = {}  # the counts the row gives; only columns the file has are parsed
        for name in extractor.numeric:
            try:
                number = parse_number(values.get(name))
            except ValueError:
                return Rejection(reason="bad-number", sample=_sample(row),
                                 detail=f"{record.where}: {name}: {values.get(name)!r} is not a number")
            if number is not None:
                numbers[name] = number
        title, text, url = cell_text(values.get("title")), cell_text(values.get("text")), cell_text(values.get("url"))
        if text and "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # CRLF kept inside quoted CSV fields
        external_id = cell_text(values.get("external_id"))
        if not url and external_id and self.mapping.url_template:
            url = self.mapping.url_template.format(external_id=quote(external_id, safe=""))
        if not (title or text or url):
            return Rejection(reason="empty-row", detail=f"{record.where}: no text, title or url",
                             sample=_sample(row))
        if not external_id:
            external_id = self.mapping.row_id(row, values)
        html = None
        if text and "<" in text and _HTML.search(text):
            html, text = clean_html(text), html_to_text(text)
        channel = self._channel(values.get("channel"))
        author_handle, author_name = cell_text(values.get("author_handle")), cell_text(values.get("author_name"))
        outlet = cell_text(values.get("outlet")) or self.outlet
        published_at = parse_date(values.get("published_at"), dayfirst=self.dayfirst, tz=self.tz,
                                  fmt=self.date_format)
        language = parse_language(values.get("language"))
        engagement = {k: numbers[k] for k in ENGAGEMENT_FIELDS if k in numbers}
        reach = numbers.get("reach")
        reach_kind = "measured" if reach is not None else None
        # An NDJSON line is stored as it came: the dict would only be encoded again.
        raw = row if record.text is None else RawJSON(record.text.strip(" \t\r\n"))
        # Positional (in field order, see vigie.items): keywords cost twice as much on this hot path.
        return Mention(self.name, channel, external_id, url, title, text or "", html, author_handle,
                       author_name, numbers.get("author_followers"), outlet, numbers.get("outlet_audience"),
                       published_at, language, engagement, reach, reach_kind, raw)

    def _channel(self, value: Any) -> str:
        known = self._channels.get(value) if type(value) is str else None
        if known is None:
            known = self._parse_channel(value)
            if type(value) is str and len(self._channels) < 1024:  # an export repeats a few labels
                self._channels[value] = known
        return known

    def _parse_channel(self, value: Any) -> str:
        channel = parse_channel(value)
        if channel is None:
            label = cell_text(value)
            if label and label not in self._unknown_channels:
                # Keep the row: a channel label we do not know is no reason to lose a clipping.
                self._unknown_channels.add(label)
                self.ctx.log.warning("import: unknown channel %r in %s; using %s", label,
                                     self.path.name, self.default_channel.value)
            channel = self.default_channel
        return channel.value


@hookimpl
def register_sources() -> list[type]:
    return [ImportSource]

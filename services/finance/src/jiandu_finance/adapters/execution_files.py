"""Streamed readers of the files execution data and budget lines arrive in: CSV, NDJSON and a
JSON array. Each yields ``(line number, row)`` one row at a time, never holding the file.

A row that cannot be read (an NDJSON line that is not JSON, a CSV record with the wrong number
of fields) is yielded as its reason (a ``str``) so the import reports it with its line; a file
that cannot be read on (not UTF-8 in a CSV, a broken JSON array, a CSV without the required
columns) raises :class:`MalformedFile` naming the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from typing import IO, Any

from jiandu_finance.domain.execution import ImportFormat

Row = dict[str, Any]
Read = tuple[int, Row | str]

CHUNK = 1 << 20
MAX_ELEMENT = 1 << 20  # a JSON element larger than this is not a row of execution data
_SPACE = re.compile(r"\s*")
# Numbers stay text, so no amount ever passes through a float.
_DECODER = json.JSONDecoder(parse_float=str, parse_int=str)


class MalformedFile(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def sniff_format(head: bytes) -> ImportFormat | None:
    """CSV, NDJSON or a JSON array, from the first bytes of a file (None when unclear)."""
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return ImportFormat.JSON
    if text.startswith(b"{"):
        return ImportFormat.NDJSON
    return ImportFormat.CSV if text else None


def read_rows(source: IO[bytes], format: ImportFormat, required: Sequence[str]) -> Iterator[Read]:
    if format is ImportFormat.CSV:
        return _csv_rows(source, required)
    if format is ImportFormat.NDJSON:
        return _ndjson_rows(source)
    return _json_array_rows(source)


def _csv_rows(source: IO[bytes], required: Sequence[str]) -> Iterator[Read]:
    physical = 0

    def lines() -> Iterator[str]:
        # Decoded line by line, so a byte that is not UTF-8 is reported on its own line.
        nonlocal physical
        for raw in source:
            physical += 1
            if physical == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedFile(physical, f"not UTF-8 text ({exc.reason})") from None

    reader = csv.reader(lines())
    last = 0
    try:
        header: list[str] | None = None
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if header is None:
                header = [name.strip().lower() for name in record]
                missing = [name for name in required if name not in header]
                if missing:
                    raise MalformedFile(
                        start, f"the CSV header lacks the column(s) {', '.join(missing)}"
                    )
                if len(set(header)) != len(header):
                    raise MalformedFile(start, "the CSV header names a column twice")
                continue
            if len(record) != len(header):
                yield start, f"expected {len(header)} fields, found {len(record)}"
                continue
            yield start, dict(zip(header, record, strict=True))
        if header is None:
            raise MalformedFile(1, "the file is empty: a CSV needs a header line")
    except csv.Error as exc:
        raise MalformedFile(last + 1, f"not CSV: {exc}") from None


def _ndjson_rows(source: IO[bytes]) -> Iterator[Read]:
    line_no = 0
    for raw in source:
        line_no += 1
        if line_no == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        try:
            value = _DECODER.decode(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield line_no, f"not UTF-8 text ({exc.reason})"
            continue
        except json.JSONDecodeError as exc:
            yield line_no, f"not valid JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(value, dict):
            yield line_no, f"expected a JSON object, got {type(value).__name__}"
            continue
        yield line_no, value


def _json_array_rows(source: IO[bytes]) -> Iterator[Read]:
    """The elements of one JSON array, decoded one at a time from a sliding buffer."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig")
    buf, pos, line, eof = "", 0, 1, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        try:
            chunk = text.read(CHUNK)
        except UnicodeDecodeError as exc:
            raise MalformedFile(line, f"not UTF-8 text ({exc.reason})") from None
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_space() -> None:
        nonlocal pos, line
        while True:
            end = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]
            line += buf.count("\n", pos, end)
            pos = end
            if pos < len(buf) or not more():
                return

    def expect(char: str, what: str) -> None:
        nonlocal pos
        skip_space()
        if pos >= len(buf) or buf[pos] != char:
            found = "the end of the file" if pos >= len(buf) else repr(buf[pos])
            raise MalformedFile(line, f"expected {what}, found {found}")
        pos += 1

    try:
        expect("[", "a JSON array ('[')")
        first = True
        while True:
            skip_space()
            if pos < len(buf) and buf[pos] == "]":
                pos += 1
                skip_space()
                if pos < len(buf):
                    raise MalformedFile(line, "more data after the end of the JSON array")
                return
            if not first:
                expect(",", "',' or ']'")
                skip_space()
            first = False
            while True:
                try:
                    value, end = _DECODER.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if len(buf) - pos < MAX_ELEMENT and more():
                        continue
                    raise MalformedFile(
                        line + buf.count("\n", pos, exc.pos), f"not valid JSON: {exc.msg}"
                    ) from None
                if end == len(buf) and more():
                    continue  # a number may go on in the next chunk
                break
            start = line
            line += buf.count("\n", pos, end)
            pos = end
            if isinstance(value, dict):
                yield start, value
            else:
                yield start, f"expected a JSON object, got {type(value).__name__}"
    finally:
        text.detach()

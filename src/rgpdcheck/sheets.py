"""Reading spreadsheets: a CSV file or a workbook (XLSX, ODS, XLS) as sheets of text cells.

Every cell keeps where it came from (sheet, row, column) so that whatever the import cannot
carry over is reported where the user can find it. Bytes are read through the project's one
bounded reader (`loader.read_bytes`); workbooks are parsed by calamine (python-calamine), which
reads all three formats without running anything they contain.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from .errors import InputError, InputErrors
from .loader import read_bytes
from .sanitize import csv_uncell

MAX_SHEET_BYTES = 32 * 1024 * 1024
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls"}
_DELIMITERS = ";,\t|"


@dataclass
class Sheet:
    """One table of text cells; `name` is None for a CSV file (a single, unnamed table)."""

    name: str | None
    rows: list[tuple[int, list[str]]]  # (line or row number, cells), blank rows included


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def where(sheet: Sheet, row: int, column: int | None = None, heading: str | None = None) -> str:
    """`feuille « Registre », ligne 4, colonne C « Finalité »` (CSV: without the sheet nor the letter,
    the line is the file's)."""
    parts = [f"feuille « {sheet.name} »"] if sheet.name is not None else []
    parts.append(f"ligne {row}")
    if column is not None or heading:
        letter = f"{column_letter(column)} " if sheet.name is not None and column is not None else ""
        if heading:
            parts.append(f"colonne {letter}« {heading} »")
        else:  # a workbook names columns by letter, a CSV file by number
            parts.append(f"colonne {letter.strip()}" if letter else f"colonne {column + 1}")
    return ", ".join(parts)


def is_workbook(path: str, raw: bytes | None = None) -> bool:
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    head = raw[:8] if raw is not None else b""
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def read_sheets(path: str) -> list[Sheet]:
    """The sheets of a CSV file or a workbook, whatever its encoding, separator or format."""
    raw = read_bytes(path, MAX_SHEET_BYTES, "tableur (CSV, XLSX, ODS)")
    if is_workbook(path, raw):
        return _workbook(path, raw)
    return [_csv(path, raw)]


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # what French spreadsheets save as "CSV"


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text: csv.Sniffer on its first lines (it knows quotes: a comma in
    a quoted heading is not a separator); else the most frequent candidate outside quotes."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = _outside_quotes(text.splitlines()[0])
        return max(_DELIMITERS, key=first.count)


def _outside_quotes(line: str) -> str:
    out, quoted = [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            out.append(char)
    return "".join(out)


# NEL and the Unicode line and paragraph separators break lines for some readers and not for
# others (and are refused in a register): in a cell they become spaces.
UNICODE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def _csv(path: str, raw: bytes) -> Sheet:
    text = decode(raw).translate(UNICODE_BREAKS)
    if not text.strip():
        raise InputErrors([InputError(path, 1, "fichier vide : la première ligne doit nommer les colonnes")])
    if "\x00" in text:  # a spreadsheet's binary file given as CSV
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputErrors([InputError(path, line, "octet nul : ce n'est pas un fichier CSV texte (enregistrez le "
                                                  "tableur au format CSV, séparateur « ; », ou donnez le XLSX ou l'ODS)")])
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, [csv_uncell(cell) for cell in cells]))  # our export's formula guard undone
            line = reader.line_num + 1
    except csv.Error as exc:
        reason = (f"cellule de plus de {csv.field_size_limit():,} caractères".replace(",", " ")
                  if "field larger" in str(exc) else f"CSV illisible ({exc})")
        raise InputErrors([InputError(path, line, reason)]) from None
    return Sheet(None, rows)


def _workbook(path: str, raw: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = []
        for name in book.sheet_names:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name, [(i + 1, [cell_text(v) for v in row]) for i, row in enumerate(values)]))
    except Exception as exc:  # calamine raises its own errors, zip and XML ones included
        raise InputErrors([InputError(path, 0, f"classeur illisible (XLSX, ODS ou XLS attendu) : {exc}")]) from None
    if not sheets:
        raise InputErrors([InputError(path, 0, "classeur sans feuille")])
    return sheets


def cell_text(value: Any) -> str:
    """A cell as text: dates in ISO 8601, whole numbers without `.0`, booleans as oui/non."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.translate(UNICODE_BREAKS)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value).strip()

"""Outputs that cannot be turned against their reader.

A register's texts (`nom`, `motif`…) reach reports, and YAML's double-quoted escapes let
them hold any character (`"\\e]0;titre\\a"`): raw, they would drive the terminal that shows
a text report, break a JUnit XML file, or run as a formula in the spreadsheet that opens an
export. Each output applies its rule here:
- `terminal_safe`: C0 and C1 control characters (ESC, OSC, CR, BEL…) but new line and tab,
  DEL, and the bidirectional overrides are shown escaped (`\\x1b`, `\\u202e`), never sent;
- `xml_safe`: the same for JUnit XML, whose 1.0 grammar forbids most control characters even
  escaped as entities: the document stays well-formed;
- `csv_cell`: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with
  `'` (OWASP's advice against CSV injection), so a spreadsheet shows it as text.
"""

from __future__ import annotations

import re

# new line and tab are layout; everything else in C0, DEL, C1, and the bidi controls that
# reorder what is displayed ("Trojan source")
_UNSAFE = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufffe\\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character shown escaped (new lines and tabs kept)."""
    return _UNSAFE.sub(_visible, text)


def xml_safe(text: str) -> str:
    """`text` (a serialised XML document) with the characters XML 1.0 forbids shown escaped
    (the control characters terminal_safe escapes: the same set)."""
    return terminal_safe(text)


def csv_uncell(text: str) -> str:
    """What `csv_cell` wrote, read back: the `'` it put before a formula-like cell removed."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will not evaluate: text that could start a formula is prefixed `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

"""Colours in the text output, on a terminal only.

The text formatter writes plain text (its width measured without any escape code); `paint`
colours it afterwards, when the CLI writes it to a terminal: each finding's severity in its
colour (erreur red, avertissement yellow, info cyan), the rule id after it and treatment
headings in bold, an overdue deadline in red. Never in a file (`--output`), a pipe or a CI
log; never when `NO_COLOR` is set to anything but the empty string (https://no-color.org);
`FORCE_COLOR` set to anything but the empty string or `0` colours a stream that is not a
terminal (`NO_COLOR` wins over it). Register texts cannot bring their own escape codes: the
formatter has escaped every control character before the colours are added.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import IO, Any

RESET = "\033[0m"
BOLD = "\033[1m"
SEVERITY_COLOURS = {"erreur": "\033[31m", "avertissement": "\033[33m", "info": "\033[36m"}
OVERDUE = "\033[31m"
ESCAPE = re.compile(r"\033\[[0-9;]*m")

# `ligne 172 · avertissement · va2-finalite-vague`: a severity between two ` · ` separators (or
# ending the line), then the rule id.
_SEVERITY = re.compile(r"(?<=· )(erreur|avertissement|info)(?= ·|$)(?: · ([a-z0-9][a-z0-9-]*))?", re.MULTILINE)
_HEADING = re.compile(r"^((?:Traitement|Registre) .*)$", re.MULTILINE)
_LATE = re.compile(r"(?<![^\s·])(dépassée de \d+ jours?)(?= ·)")


def wanted(stream: IO[Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether text written to `stream` is coloured."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    try:
        return stream.isatty() and environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def paint(text: str) -> str:
    """`text`, a text report, with its colours."""
    def severity(match: re.Match[str]) -> str:
        coloured = f"{SEVERITY_COLOURS[match[1]]}{match[1]}{RESET}"
        return f"{coloured} · {BOLD}{match[2]}{RESET}" if match[2] else coloured

    text = _SEVERITY.sub(severity, text)
    text = _LATE.sub(lambda m: f"{OVERDUE}{m[1]}{RESET}", text)
    return _HEADING.sub(lambda m: f"{BOLD}{m[1]}{RESET}", text)


def visible(text: str) -> str:
    """`text` without its colours: what the terminal shows (and measures)."""
    return ESCAPE.sub("", text)

"""A progress line for long audits on a terminal, and nothing anywhere else.

Shown on stderr when it is a terminal, whatever the report's format (a JSON report piped
to jq, or on the same terminal: the line is erased before the report is written), for
several registers or a register large enough to be evaluated in several partitions.
Pipes and CI logs get no progress at all.
"""

from __future__ import annotations

import time
from typing import TextIO

_INTERVAL = 0.1  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO, files: int, enabled: bool):
        self.stream = stream
        self.files = files
        self.enabled = enabled
        self.drawn = False
        self.last = 0.0
        self.index = 0
        self.path = ""

    @classmethod
    def for_terminal(cls, stream: TextIO, files: int) -> Progress:
        """Enabled only when `stream` is a terminal."""
        return cls(stream, files, bool(getattr(stream, "isatty", lambda: False)()))

    def start_file(self, index: int, path: str, large: bool = False) -> None:
        """A register is being read; `large` when reading it takes long enough to say so."""
        self.index, self.path = index, path
        if self.files > 1 or large:
            where = f"registre {index}/{self.files} : " if self.files > 1 else ""
            self._draw(f"{where}{path} — lecture", force=True)

    def file_done(self, done: int) -> None:
        """Registers audited in worker processes (`--jobs`): `done` of them are in."""
        if self.files > 1:
            self._draw(f"registres audités : {done}/{self.files}", force=done == self.files)

    def partitions(self, done: int, total: int) -> None:
        """Called by the audit after each partition of a large register."""
        if total > 1:
            where = f"registre {self.index}/{self.files} : " if self.files > 1 else ""
            self._draw(f"{where}{self.path} — évaluation {done * 100 // total} % ({done}/{total} parties)",
                       force=done == total)

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

    def _draw(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and self.drawn and now - self.last < _INTERVAL:
            return
        self.last = now
        self.stream.write(f"\r\033[Krgpdcheck : {text}")
        self.stream.flush()
        self.drawn = True

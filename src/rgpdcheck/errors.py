"""Input errors: problems that stop an audit before it starts (exit code 2).

A finding is about the commune's compliance; an input error is about the file itself
(not YAML, a wrong type, a dangling reference...). They are never mixed up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class InputError:
    """One problem in one input file, located by line (1-based) and column when known."""

    file: str
    line: int
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class InputErrors(Exception):
    """All the input errors of one file, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class RuleFileError(Exception):
    """A rule file that cannot be used (a project bug, reported like an input error)."""

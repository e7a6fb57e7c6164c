"""Input errors: problems that stop an audit before it starts (exit code 2).

A finding is about the commune's compliance; an input error is about the file itself
(not YAML, a wrong type, a dangling reference...). They are never mixed up.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from .sanitize import terminal_safe


@dataclass(frozen=True, order=True)
class InputError:
    """One problem in one input file, located by line (1-based) and column when known."""

    file: str
    line: int
    message: str
    column: int | None = None

    def __str__(self) -> str:
        file = printable_path(self.file)
        where = f"{file}:{self.line}" if self.line else file
        if self.column:
            where += f":{self.column}"
        return terminal_safe(f"{where}: {self.message}")


class InputErrors(Exception):
    """All the input errors of one file, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class RuleFileError(Exception):
    """A rule file that cannot be used (a project bug, reported like an input error)."""


def printable_path(path: str) -> str:
    """`path` as it can be printed: bytes that are not UTF-8 in a file name (kept by Python as
    surrogates) are shown as `\\xff`, never raised on while printing an error."""
    return os.fsencode(path).decode("utf-8", "backslashreplace") if isinstance(path, str) else str(path)


# The system's reasons, in French (strerror is in the C locale's English), by errno name.
_REASONS_BY_NAME = {
    "ENOENT": "fichier introuvable",
    "EACCES": "droits insuffisants",
    "EPERM": "opération non permise",
    "EROFS": "système de fichiers en lecture seule",
    "ENOSPC": "plus de place sur le disque",
    "EDQUOT": "quota disque dépassé",
    "ELOOP": "liens symboliques en boucle",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "est un dossier",
    "ENAMETOOLONG": "nom de fichier trop long",
    "EIO": "erreur d'entrée-sortie du disque",
    "ENXIO": "aucun lecteur à l'autre bout du tube",
    "EPIPE": "le lecteur a fermé le tube",
    "EFBIG": "fichier trop gros pour le système de fichiers",
    "EXDEV": "autre système de fichiers",
    "EBUSY": "fichier occupé",
    "ETXTBSY": "fichier occupé",
    "EAGAIN": "ressource momentanément indisponible",
}
# by number, for the names this system has (Windows has no EDQUOT, ETXTBSY…)
_OS_REASONS = {getattr(errno, name): reason for name, reason in _REASONS_BY_NAME.items() if hasattr(errno, name)}


def describe_os_error(exc: OSError, action: str) -> str:
    """A French one-line reason for a failed `action` (« lecture », « écriture »)."""
    if exc.errno == errno.ENOENT and action == "lecture":
        return "fichier introuvable"
    if exc.errno in (errno.EACCES, errno.EPERM) and action == "lecture":
        return "lecture refusée (droits insuffisants)"
    reason = _OS_REASONS.get(exc.errno or 0, f"erreur système {errno.errorcode.get(exc.errno or 0, exc.errno)}")
    return f"{action} impossible ({reason})"

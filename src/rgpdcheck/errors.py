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


# The system's reasons, in French (strerror is in the C locale's English).
_OS_REASONS = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota disque dépassé",
    errno.ELOOP: "liens symboliques en boucle",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "est un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ENXIO: "aucun lecteur à l'autre bout du tube",
    errno.EPIPE: "le lecteur a fermé le tube",
    errno.EFBIG: "fichier trop gros pour le système de fichiers",
    errno.EXDEV: "autre système de fichiers",
    errno.EBUSY: "fichier occupé",
    errno.ETXTBSY: "fichier occupé",
    errno.EAGAIN: "ressource momentanément indisponible",
}


def describe_os_error(exc: OSError, action: str) -> str:
    """A French one-line reason for a failed `action` (« lecture », « écriture »)."""
    if exc.errno == errno.ENOENT and action == "lecture":
        return "fichier introuvable"
    if exc.errno in (errno.EACCES, errno.EPERM) and action == "lecture":
        return "lecture refusée (droits insuffisants)"
    reason = _OS_REASONS.get(exc.errno or 0, f"erreur système {errno.errorcode.get(exc.errno or 0, exc.errno)}")
    return f"{action} impossible ({reason})"

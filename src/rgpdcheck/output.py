"""Writing reports: atomically, and never over a file being audited.

A report is written to a temporary file beside its target, then renamed over it, so a
reader (CI uploading SARIF) never sees half a report and an interrupted run leaves the
previous report intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, InputErrors


def check_targets(targets: list[str], inputs: list[str]) -> None:
    """Refuse an output path that is one of the inputs, a directory, or given twice."""
    problems = []
    seen: set[Path] = set()
    protected = {Path(p).resolve() for p in inputs}
    for target in targets:
        resolved = Path(target).resolve()
        if resolved in protected:
            problems.append(InputError(target, 0, "--output désigne un fichier audité : rgpdcheck ne le remplacera pas"))
        elif resolved.is_dir():
            problems.append(InputError(target, 0, "--output désigne un répertoire"))
        elif resolved in seen:
            problems.append(InputError(target, 0, "--output donné deux fois pour le même fichier"))
        elif not resolved.parent.is_dir():
            problems.append(InputError(target, 0, f"répertoire {resolved.parent} introuvable"))
        seen.add(resolved)
    if problems:
        raise InputErrors(problems)


def write_atomic(target: str, text: str) -> None:
    path = Path(target)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

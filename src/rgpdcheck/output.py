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


def write_atomic(target: str, text: str | bytes) -> None:
    """Write `text` (or bytes: a workbook) to `target` whole, replacing it if it exists (its mode kept)."""
    path = Path(target)
    temp = _temporary(path, text, path.stat().st_mode & 0o777 if path.exists() else None)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_new(target: str, text: str) -> bool:
    """Create `target` whole with `text`; False, and nothing written, if it already exists.

    The complete temporary file is hard-linked to its name, which fails rather than
    replace a file created meanwhile (rename would replace it)."""
    path = Path(target)
    temp = _temporary(path, text, None)
    try:
        os.link(temp, path)
        return True
    except FileExistsError:
        return False
    finally:
        temp.unlink(missing_ok=True)


def _temporary(path: Path, text: str | bytes, mode: int | None) -> Path:
    """A complete copy of `text` beside `path`, with `mode` (else the umask's default)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as raw:
                raw.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

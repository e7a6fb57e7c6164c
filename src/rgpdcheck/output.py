"""Writing reports: atomically, never over a file being audited, never over what is not a file.

One writer for every report and baseline (`write_atomic`):
- a regular file (or a new one) is written to a temporary file beside it, then renamed
  over it, so a reader (CI uploading SARIF) never sees half a report and an interrupted
  run leaves the previous report intact; through a symbolic link, the file it points to
  is replaced and the link kept;
- a character device (`/dev/null`, `/dev/full`, a terminal) or a FIFO is written to as a
  stream: opened without creating or truncating, it stays what it was; so is a regular
  file reached through `/dev/stdout`, `/dev/fd/N` or `/proc/…/fd/N` (a redirection);
- anything else (a folder, a socket, a block device) is refused, nothing written.
Signals are deferred while a report is written (see `interrupt`): an interrupted run
leaves the previous report or the new one, whole, and no temporary file.
A failed write (read-only folder, full disk, symbolic link loop…) is a one-line French
error with exit code 2 (`WriteError`), never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import click

from . import interrupt
from .errors import InputError, InputErrors, describe_os_error, printable_path

EXIT_WRITE = 2
# Paths under which a regular file is someone's open stream, not a report to replace.
_STREAM_PREFIXES = ("/dev/", "/proc/")


class WriteError(click.ClickException):
    """A report could not be written: one French line on stderr, exit code 2."""

    exit_code = EXIT_WRITE

    def __init__(self, target: str, reason: str):
        super().__init__(f"{printable_path(target)}: {reason} ; le rapport précédent, s'il existe, est intact")

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"rgpdcheck : {self.message}", err=True)


def check_targets(targets: list[str], inputs: list[str], options: dict[str, str] | None = None) -> None:
    """Refuse, before any work, an output path that is one of the inputs, a directory, given
    twice, in a missing or read-only folder, or that cannot even be looked up. Errors name
    the option that gave the path: `options[path]` (`--write-baseline`), else `--output`."""
    problems = []
    seen: set[str] = set()
    protected = {os.path.realpath(p) for p in inputs}
    for target in targets:
        option = (options or {}).get(target, "--output")
        resolved = os.path.realpath(target)
        try:
            info: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            problems.append(InputError(target, 0, f"{option} : {describe_os_error(exc, 'écriture')}"))
            continue
        parent = os.path.dirname(resolved)
        if resolved in protected:
            problems.append(InputError(target, 0, f"{option} désigne un fichier audité : rgpdcheck ne le remplacera pas"))
        elif info is not None and stat.S_ISDIR(info.st_mode):
            problems.append(InputError(target, 0, f"{option} désigne un répertoire"))
        elif resolved in seen:
            problems.append(InputError(target, 0, f"{option} : ce fichier reçoit déjà une autre sortie"))
        elif not os.path.isdir(parent):
            problems.append(InputError(target, 0, f"répertoire {printable_path(parent)} introuvable"))
        elif (info is None or stat.S_ISREG(info.st_mode)) and not _stream_alias(target) and not os.access(parent, os.W_OK):
            problems.append(InputError(target, 0, f"{option} : écriture impossible dans {printable_path(parent)} "
                                                  "(dossier en lecture seule ou droits insuffisants)"))
        seen.add(resolved)
    if problems:
        raise InputErrors(problems)


def write_atomic(target: str, text: str | bytes) -> None:
    """Write `text` (or bytes: a workbook) to `target` whole: replace a regular file (its mode
    kept) or create one; write a device or a FIFO as a stream. Raises WriteError."""
    data = _encode(text)
    with interrupt.deferred():
        try:
            _write(target, data)
        except OSError as exc:
            raise WriteError(target, describe_os_error(exc, "écriture")) from None


def write_new(target: str, text: str) -> bool:
    """Create `target` whole with `text`; False, and nothing written, if it already exists.

    The complete temporary file is hard-linked to its name, which fails rather than
    replace a file created meanwhile (rename would replace it). Raises WriteError."""
    path = Path(target)
    data = _encode(text)
    with interrupt.deferred():
        try:
            temp = _temporary(path.parent, path.name, data, None)
        except OSError as exc:
            raise WriteError(target, describe_os_error(exc, "écriture")) from None
        try:
            os.link(temp, path)
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            raise WriteError(target, describe_os_error(exc, "écriture")) from None
        finally:
            temp.unlink(missing_ok=True)


def _encode(text: str | bytes) -> bytes:
    # A file name that is not UTF-8 reaches the report as `\udcff`: shown, never a crash.
    return text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")


def _write(target: str, data: bytes) -> None:
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            _write_stream(target, data, fifo=stat.S_ISFIFO(info.st_mode))
            return
        raise WriteError(target, "n'est ni un fichier ordinaire, ni un périphérique, ni un tube : rien n'a été écrit")
    if info is not None and _stream_alias(target):
        _write_stream(target, data, fifo=False)
        return
    real = Path(os.path.realpath(target))  # through a symbolic link: replace its target, keep the link
    temp = _temporary(real.parent, real.name, data, info.st_mode & 0o777 if info is not None else None)
    try:
        os.replace(temp, real)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _stream_alias(target: str) -> bool:
    """`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`…: a name for an open stream."""
    return os.path.abspath(target).startswith(_STREAM_PREFIXES)


def _write_stream(target: str, data: bytes, fifo: bool) -> None:
    """Write to a device, a FIFO or an open stream as it is: no creation, no replacement."""
    for fd in (1, 2):  # our own stdout or stderr, whatever its open mode (`>>` appends)
        try:
            if os.path.samestat(os.stat(target), os.fstat(fd)):
                (sys.stdout if fd == 1 else sys.stderr).flush()
                _write_all(fd, data)
                return
        except OSError:
            continue
    flags = os.O_WRONLY | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    if fifo:
        flags |= os.O_NONBLOCK  # no reader: ENXIO at once, instead of waiting forever
    else:
        flags |= os.O_TRUNC if stat.S_ISREG(os.stat(target).st_mode) else 0
    fd = os.open(target, flags)
    try:
        if not fifo and not stat.S_ISREG(os.fstat(fd).st_mode) and not stat.S_ISCHR(os.fstat(fd).st_mode):
            raise OSError(errno.EBUSY, "changed while opening")
        os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _temporary(folder: Path, name: str, data: bytes, mode: int | None) -> Path:
    """A complete copy of `data` in `folder`, with `mode` (else the umask's default)."""
    import tempfile  # only when a report is written to a file (it imports shutil, bz2, lzma, random)

    fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""A cache of the compiled rules, so a run does not parse, validate and compile every rule file.

Loading the rules (about 180 KB of YAML under rules/ parsed by PyYAML's Python constructor,
each rule validated by its pydantic spec, its condition compiled and checked) cost about
0.15 s of every run, most of a small register's audit. The result depends only on the rule
files and on the code that compiles them, so it is kept between runs:

- **Where**: `$RGPDCHECK_CACHE_DIR` (absolute), else `$XDG_CACHE_HOME/rgpdcheck/` (an
  absolute XDG_CACHE_HOME), else `~/.cache/rgpdcheck/`, one file `rules.pickle`. The directory is created with mode 0700.
- **What**: the loaded rules pickled. Unpickling can run code, so the file is read only when
  the directory is a real directory (not a link) owned by the current user with no access
  for group or others (0700, as created), and the file a regular file (opened without
  following links) owned by the user and writable by nobody else. Anything else (a shared
  or foreign location, another user's file) is neither read nor written: the rules are
  compiled as without a cache. Pickle is never read from a location someone else can write.
- **Key**: a SHA-256 of rgpdcheck's version, the Python, pydantic and pydantic_core versions, the rules
  directory's path (as given and resolved), every rule file's relative path and bytes,
  data/clauses.yaml (rules are checked against it) and every module of the package (the
  code that compiles rules and the classes pickled). The key is stored at the head of the file, then a SHA-256 of the pickle
  (a damaged file is not unpickled); a file with another key (a rule edited, a new version)
  is rebuilt and replaced.
- **Written atomically** (a temporary file in the same directory, then `os.replace`);
  a file that cannot be read or unpickled, or whose content is not what `check` accepts,
  is ignored and rebuilt. Failures to write are ignored: the cache only saves time.
- **Disabled** by `RGPDCHECK_NO_CACHE` set to anything but empty or `0`, and on systems
  without POSIX owners (Windows).

Only successful loads are cached: a broken rule file raises every time.

`cached` is the same store for anything else that depends only on the code (`code_key`):
validators.py keeps pydantic's register validators there, in their own file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ENV_DISABLE = "RGPDCHECK_NO_CACHE"
FILE_NAME = "rules.pickle"
_MAGIC = b"rgpdcheck-rules-cache 1\n"
_PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get(ENV_DISABLE, "") in ("", "0") and hasattr(os, "geteuid")


def directory() -> Path:
    """Where the cache lives (not created here)."""
    own = os.environ.get("RGPDCHECK_CACHE_DIR", "")
    if own and os.path.isabs(own):
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "rgpdcheck"


def key(rules_dir: Path, files: Iterable[Path]) -> bytes:
    """What the compiled rules depend on, hashed (hex, 64 bytes)."""
    h = hashlib.sha256()
    part = _hasher(h)
    part("code", code_key())
    part("rules-dir", f"{rules_dir}\0{rules_dir.resolve()}".encode())  # rules keep their file's path
    for path in files:
        part("rule:" + path.relative_to(rules_dir).as_posix(), path.read_bytes())
    part("clauses", (_PACKAGE / "data" / "clauses.yaml").read_bytes())
    return h.hexdigest().encode()


def code_key() -> bytes:
    """What a cached object that depends only on the code depends on, hashed (hex, 64 bytes):
    the versions of rgpdcheck, Python, pydantic and pydantic_core, and every module of the
    package (validators.py keeps pydantic's register validators under it). Read once per
    process: both caches use it."""
    return _code_key(_PACKAGE)


@cache
def _code_key(package: Path) -> bytes:
    import pydantic
    import pydantic_core

    from . import __version__

    h = hashlib.sha256()
    part = _hasher(h)
    part("rgpdcheck", __version__.encode())
    part("python", f"{sys.version}\0{sys.implementation.cache_tag}".encode())
    part("pydantic", pydantic.VERSION.encode())
    part("pydantic_core", pydantic_core.__version__.encode())
    for module in sorted(package.glob("*.py")):
        part("module:" + module.name, module.read_bytes())
    return h.hexdigest().encode()


def _hasher(h: Any) -> Callable[[str, bytes], None]:
    def part(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)
    return part


def _private_dir(path: Path, create: bool) -> bool:
    """Whether `path` is a directory of ours that nobody else can enter (created 0700 if asked)."""
    if create:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def _read(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file of ours that only we can write, else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def load(rules_dir: Path, files: list[Path], build: Callable[[], T], check: Callable[[Any], bool]) -> T:
    """`build()`'s result, from the cache when a valid entry for these rule files is there."""
    return cached(FILE_NAME, _MAGIC, lambda: key(rules_dir, files), build, check)


def cached(file_name: str, magic: bytes, wanted_key: Callable[[], bytes], build: Callable[[], T],
           check: Callable[[Any], bool]) -> T:
    """`build()`'s result, read back from `file_name` in the cache directory when that file is
    ours, starts with `magic` and the key `wanted_key()` computes, is undamaged and unpickles
    to something `check` accepts; else built, then written there (the same rules as the rules)."""
    if not enabled():
        return build()
    try:
        wanted = wanted_key()
        where = directory()
    except (OSError, RuntimeError):  # a file unreadable; no home directory to be found
        return build()
    if _private_dir(where, create=False):
        raw = _read(where / file_name)
        head = magic + wanted + b"\n"
        if raw is not None and raw.startswith(head):
            digest, _, payload = raw[len(head):].partition(b"\n")
            if digest == hashlib.sha256(payload).hexdigest().encode():  # else damaged: rebuilt below
                try:
                    value = pickle.loads(payload)
                except Exception:
                    value = None
                if value is not None and check(value):
                    return value  # type: ignore[no-any-return]
    value = build()
    if not check(value):
        return value  # not something this cache keeps (it would not be read back)
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: served, not kept
        return value
    _write(where, file_name, magic + wanted + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    return value


def _write(where: Path, file_name: str, data: bytes) -> None:
    if not _private_dir(where, create=True):
        return
    import tempfile  # only when writing (it imports shutil, bz2, lzma, random)

    try:
        fd, temporary = tempfile.mkstemp(dir=where, prefix="." + file_name.partition(".")[0] + "-", suffix=".tmp")  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, where / file_name)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass

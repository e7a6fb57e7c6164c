"""The `rgpdcheck` console command (and `python -m rgpdcheck`): cli.py's click group,
started and ended fast.

- `rgpdcheck --help` and `--version` are printed without importing click, pydantic or the
  engine: the group's help is kept in group_help.py (generated from cli.py by
  tools/group_help.py, checked stale by tests/test_entry.py), used when the terminal is at
  least 80 columns wide, the width click renders it at; narrower, click prints it.
- pydantic's plugin discovery (a scan of every installed distribution's metadata) is
  skipped: rgpdcheck's models have nothing for a plugin to observe, and the scan cost as
  much as validating a small register. A PYDANTIC_DISABLE_PLUGINS already set is kept.
- The cyclic garbage collector is off from the start (the commands pause it anyway): the
  imports of pydantic, the models and click ran dozens of collections over objects that
  all stay alive.
- Once the command has ended and its output is flushed, the process leaves with
  `os._exit`: a large register leaves millions of live objects, and freeing them one by
  one at interpreter shutdown took 150-190 ms for nothing. Reports are written and their
  temporary files removed inside the command (`finally` blocks), before this point; when
  flushing fails (a closed pipe), the interpreter's own exit runs instead, as before.

Only the real entry point does this; click's CliRunner (the tests) invokes `cli.main`
directly and keeps ordinary exits.
"""

from __future__ import annotations

import gc
import os
import sys

from .terminal import terminal_columns

WIDTH = 80  # the columns click renders help at, at most (its default max_content_width)


def click_group_help(prog: str, columns: int) -> str:
    """The group's help as click prints it for `prog --help` on a terminal `columns` wide."""

    from .cli import main

    with main.context_class(main, info_name=prog, terminal_width=max(min(columns, WIDTH) - 2, 50), **main.context_settings) as ctx:
        return ctx.get_help() + "\n"


def _program_name() -> str:
    """The name click shows in the usage line (click.utils._detect_program_name, on POSIX)."""
    path = sys.argv[0]
    package = getattr(sys.modules.get("__main__"), "__package__", None)
    if not package or os.name == "nt":
        return os.path.basename(path)  # the console script (Windows: let click decide)
    name = os.path.splitext(os.path.basename(path))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def _fast_output(args: list[str]) -> str | None:
    """What `rgpdcheck --help` / `--version` print, when it can be said without click."""
    if args == ["--version"]:
        from . import __version__

        return f"rgpdcheck, version {__version__}\n"
    if args not in (["--help"], ["-h"]):
        return None
    if os.name == "nt" or terminal_columns() < WIDTH:
        return None  # click wraps to a narrower terminal: let it
    from . import group_help

    prog = _program_name()
    usage = f"{group_help.USAGE_HEAD}{prog} {group_help.USAGE_TAIL}"
    if len(usage) > WIDTH - 2:
        return None  # click would wrap a long program name
    return usage + "\n" + group_help.BODY


def run() -> None:
    """The console entry point."""
    text = _fast_output(sys.argv[1:]) if sys.stdout is not None else None
    if text is not None:
        sys.stdout.write(text)
        _leave(0)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Every command already runs with the cyclic collector paused (cli.py, gcpause.py); the
    # imports before it (pydantic, the model classes, click) ran ~70 collections for nothing
    # (about 10 ms of a small audit). The process ends with os._exit below.
    gc.disable()
    from .cli import main

    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    _leave(code)


def _leave(code: object) -> None:
    """Flush and exit at once, or let the interpreter exit when that is not safe."""
    if code is None:
        code = 0
    if not isinstance(code, int):
        raise SystemExit(code)  # a message: the interpreter prints it and exits 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(code) from None  # the interpreter reports it as it always did
    os._exit(code)

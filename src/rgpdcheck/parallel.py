"""Several registers audited at once, one worker process per register (`audit --jobs N`).

A métropole's 28 registers took one core for 36 s; the machine had more. Here the parent
keeps up to N children running, each auditing one register and sending back its result,
and hands the results on in the order the files were given, so that every report is the
one a sequential run writes, byte for byte (tests/test_parallel.py).

Choices, and why:
- **A fresh process per register**, started from the parent's main thread, no pool:
  durable_rules' C engine never frees its memory (engine.py), so a worker that audited
  several registers would keep the peak of all of them; one register per process bounds
  a worker's memory by its register. And no helper thread runs in the parent (a pool has
  three), so forking cannot catch a lock held by another thread.
- **fork where it is safe** (Linux and other Unixes but macOS): the child starts with
  the rules already compiled and the modules imported, in a few milliseconds. The parent
  has evaluated nothing when it forks (the engine's C state is created per evaluation,
  and the parent runs none while children work), so no engine state is shared. What every
  audit builds once per process (the register's validators, validators.py) the parent
  builds before the first fork: each child would otherwise build its own, N times the
  work of a sequential run, which builds it once.
  Elsewhere (macOS, Windows) `spawn`: each child imports rgpdcheck and loads the rules.
- **Signals**: Ctrl-C reaches the whole process group. Children ignore SIGINT and die on
  SIGTERM; the parent alone acts (interrupt.py: it raises `Interrupted`), terminates and
  reaps the children in a `finally`, and the run ends with « rgpdcheck : interrompu »,
  exit 130 (143 for SIGTERM). Signals are blocked while a child is forked, so none can
  reach a child before it has set its own handlers.
- **Errors**: a register's input errors come back as data and are raised in the parent
  as the sequential run raises them, in file order; a child that dies without answering
  is a fault of rgpdcheck, reported as such.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import InputErrors
from .interrupt import SIGNALS as _SIGNALS

if TYPE_CHECKING:
    from .audit import AuditResult
    from .rulebook import Rule

def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _start_method() -> str:
    import multiprocessing

    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _child(conn: Any, path: str, as_of: date | None, today: date, rules: tuple[Rule, ...] | None,
           waivers: bool) -> None:
    """Audit one register and send ("ok", result), ("errors", [InputError]) or ("fault", text)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    try:
        from . import rulebook
        from .audit import audit_file

        answer: tuple[str, Any] = ("ok", audit_file(path, as_of, today, rules or rulebook.load("audit"), waivers=waivers))
    except InputErrors as errors:
        answer = ("errors", errors.errors)
    except BaseException:
        answer = ("fault", traceback.format_exc())
    conn.send(answer)
    conn.close()


class WorkerFault(RuntimeError):
    """A worker failed other than on bad input (a fault of rgpdcheck)."""


def audit_in_workers(paths: Iterable[str], jobs: int, as_of: date | None, today: date, rules: tuple[Rule, ...],
                     waivers: bool = True) -> Iterator[AuditResult | InputErrors]:
    """Each register's AuditResult (or its InputErrors), in the order of `paths`, audited by
    up to `jobs` processes at a time. Close the iterator (or let it end) to reap them all."""
    import multiprocessing
    from multiprocessing.connection import wait

    paths = list(paths)
    context = multiprocessing.get_context(_start_method())
    shipped_rules = rules if context.get_start_method() == "fork" else None  # spawn: children load them
    if shipped_rules is not None:
        from .validators import validators

        validators()  # inherited by every child
    running: dict[Any, tuple[int, Any]] = {}  # connection -> (index, process)
    done: dict[int, Any] = {}
    following = 0  # the next index to hand on
    started = 0
    try:
        while following < len(paths):
            while started < len(paths) and len(running) < jobs:
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(sender, paths[started], as_of, today, shipped_rules, waivers),
                                          name=f"rgpdcheck-audit-{started + 1}", daemon=True)
                with _signals_held():  # the child sets its own handlers before any signal reaches it
                    process.start()
                    running[receiver] = (started, process)  # reaped below, whatever comes next
                sender.close()
                started += 1
            while following not in done:
                for receiver in wait(list(running)):
                    index, process = running.pop(receiver)
                    try:
                        done[index] = receiver.recv()
                    except EOFError:
                        process.join()
                        done[index] = ("fault", f"le processus d'audit s'est arrêté sans répondre (code {process.exitcode})")
                    receiver.close()
                    process.join()
            while following in done:
                kind, value = done.pop(following)
                if kind == "fault":
                    raise WorkerFault(f"{paths[following]} : {value}")
                yield value if kind == "ok" else InputErrors(value)
                following += 1
    finally:
        for receiver, (_, process) in running.items():
            if process.is_alive():
                process.terminate()
        for receiver, (_, process) in running.items():
            process.join()
            receiver.close()


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held for the block; one that came meanwhile is acted on after it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)

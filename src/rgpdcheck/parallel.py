"""Several registers audited at once by worker processes (`audit --jobs N`).

A métropole's 28 registers took one core for 36 s; the machine had more. Here the parent
keeps up to N workers running, gives each the next register as it sends one result back,
and hands the results on in the order the files were given, so that every report is the
one a sequential run writes, byte for byte (tests/test_parallel.py).

Choices, and why:
- **Workers of our own**, started from the parent's main thread, no pool: each audits
  register after register (in the heap it has already grown: a fresh process per register
  paid that growth every time, about a tenth of a métropole's run) and is replaced once it
  has read WORKER_BYTES of registers: durable_rules' C engine never frees its memory
  (engine.py), so that bounds a worker's memory. And no helper thread runs in the parent
  (a pool has three), so forking cannot catch a lock held by another thread.
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
from .loader import file_size

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


def _worker(tasks: Any, results: Any, as_of: date | None, today: date, rules: tuple[Rule, ...] | None,
            waivers: bool) -> None:
    """Audit the registers the parent sends, one at a time, until told to stop (None); send
    back (index, ("ok", result)), (index, ("errors", [InputError])) or (index, ("fault", text))."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    from . import rulebook
    from .audit import audit_file

    rules = rules or rulebook.load("audit")
    while True:
        try:
            task = tasks.recv()
        except EOFError:  # the parent is gone
            break
        if task is None:
            break
        index, path = task
        try:
            answer: tuple[str, Any] = ("ok", audit_file(path, as_of, today, rules, waivers=waivers))
        except InputErrors as errors:
            answer = ("errors", errors.errors)
        except BaseException:
            answer = ("fault", traceback.format_exc())
        results.send((index, answer))
    results.close()


class WorkerFault(RuntimeError):
    """A worker failed other than on bad input (a fault of rgpdcheck)."""


# A worker is replaced once it has read this many bytes of registers (about 10,000
# treatments): durable_rules keeps the C memory of every evaluation (engine.py), so a worker
# grows with what it audited (about three times the YAML's size); a fresh one starts small.
# Until then it audits register after register in the heap it has grown: a new process per
# register paid that growth every time (a 1,000-treatment audit took 0.29 s longer in a fresh
# child than in a warm process, the --jobs 2 run of a métropole about 10 % of its time).
WORKER_BYTES = 16 * 1024 * 1024


class _Worker:
    """One worker process, the pipes to and from it, and what it was given."""

    def __init__(self, context: Any, number: int, args: tuple[Any, ...]):
        self.tasks, self._tasks_child = context.Pipe(duplex=False)[::-1]
        self.results, self._results_child = context.Pipe(duplex=False)
        self.process = context.Process(target=_worker, args=(self._tasks_child, self._results_child, *args),
                                       name=f"rgpdcheck-audit-{number}", daemon=True)
        self.current: int | None = None  # the index of the register it is auditing
        self.bytes = 0

    def start(self, workers: dict[Any, _Worker]) -> None:
        """Start it and enter it in `workers` (to be reaped whatever comes next)."""
        with _signals_held():  # the child sets its own handlers before any signal reaches it
            self.process.start()
            workers[self.results] = self
        self._tasks_child.close()
        self._results_child.close()

    def give(self, index: int, path: str) -> None:
        self.current = index
        self.bytes += file_size(path)
        self.tasks.send((index, path))

    def stop(self) -> None:
        """Let it end after its register (it exits on None), then reap it."""
        try:
            self.tasks.send(None)
        except OSError:
            pass
        self.close()

    def close(self, terminate: bool = False) -> None:
        if terminate and self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.tasks.close()
        self.results.close()


def audit_in_workers(paths: Iterable[str], jobs: int, as_of: date | None, today: date, rules: tuple[Rule, ...],
                     waivers: bool = True) -> Iterator[AuditResult | InputErrors]:
    """Each register's AuditResult (or its InputErrors), in the order of `paths`, audited by
    up to `jobs` worker processes at once. Close the iterator (or let it end) to reap them all."""
    import multiprocessing
    from multiprocessing.connection import wait

    paths = list(paths)
    context = multiprocessing.get_context(_start_method())
    shipped_rules = rules if context.get_start_method() == "fork" else None  # spawn: children load them
    if shipped_rules is not None:
        from .validators import validators

        validators()  # inherited by every child
    args = (as_of, today, shipped_rules, waivers)
    workers: dict[Any, _Worker] = {}  # results pipe -> worker
    done: dict[int, Any] = {}
    following = 0  # the next index to hand on
    given = 0  # the next index to give a worker
    started = 0

    def fill() -> None:
        """Workers started, each given a register, while registers wait and cores are free."""
        nonlocal given, started
        while given < len(paths) and len(workers) < jobs:
            started += 1
            worker = _Worker(context, started, args)
            worker.start(workers)
            worker.give(given, paths[given])
            given += 1

    try:
        while following < len(paths):
            fill()
            while following not in done:
                for results in wait(list(workers)):
                    worker = workers[results]
                    try:
                        index, answer = results.recv()
                    except EOFError:
                        del workers[results]
                        worker.close()
                        assert worker.current is not None
                        done[worker.current] = ("fault", ("le processus d'audit s'est arrêté sans répondre "
                                                          f"(code {worker.process.exitcode})"))
                        continue
                    done[index] = answer
                    if given < len(paths) and worker.bytes < WORKER_BYTES:
                        worker.give(given, paths[given])
                        given += 1
                    else:
                        del workers[results]
                        worker.stop()
                fill()  # in place of a worker that ended, while the others work on
            while following in done:
                kind, value = done.pop(following)
                if kind == "fault":
                    raise WorkerFault(f"{paths[following]} : {value}")
                yield value if kind == "ok" else InputErrors(value)
                following += 1
    finally:
        for worker in workers.values():
            worker.close(terminate=True)


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

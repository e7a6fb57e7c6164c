"""Ctrl-C and SIGTERM: stop between two steps, never inside one, and say so.

durable_rules' C engine must not be interrupted mid-call: a KeyboardInterrupt raised in an
action called back from C, or between asserting facts and deleting the state, ended in
segmentation faults, `free(): invalid size` aborts and `Could not delete state` errors.
And the default SIGTERM kills the process at once, leaving a report's temporary file.

So the CLI installs one handler for SIGINT and SIGTERM (`InterruptibleGroup`). Inside a
`deferred()` block (an engine evaluation, the writing of a report) a signal is only noted;
it is acted on when the block ends. Outside, it raises `Interrupted` at once. Either way
the run ends with « rgpdcheck : interrompu » on stderr and exit code 128 + the signal's
number (130 for Ctrl-C, 143 for SIGTERM), after the `finally` blocks have removed any
temporary file. Without the handler installed (rgpdcheck used as a library), `deferred()`
does nothing and signals behave as Python's defaults.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal (a BaseException: no `except Exception` swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_state = threading.local()
_installed = False
_pending: list[int] = []


def _depth() -> int:
    return getattr(_state, "depth", 0)


def _handler(signum: int, frame: Any) -> None:
    if _depth() > 0:
        _pending.append(signum)
        return
    raise Interrupted(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold signals until the block ends (nested blocks: until the outermost ends)."""
    _state.depth = _depth() + 1
    try:
        yield
    finally:
        _state.depth -= 1
    if _state.depth == 0 and _pending and _installed and threading.current_thread() is threading.main_thread():
        raise Interrupted(_pending.pop(0))


@contextmanager
def handled() -> Iterator[None]:
    """Install the handler for the block (main thread only), restore the previous ones after."""
    global _installed
    if threading.current_thread() is not threading.main_thread() or _installed:
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    _pending.clear()
    for s in SIGNALS:
        signal.signal(s, _handler)
    _installed = True
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
        _installed = False
        _pending.clear()


class InterruptibleGroup(click.Group):
    """A click group whose commands end cleanly on Ctrl-C or SIGTERM (exit 128 + signal)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with handled():
                return super().invoke(ctx)
        except Interrupted as stop:
            click.echo("\nrgpdcheck : interrompu", err=True)
            ctx.exit(128 + stop.signum)

"""Shared helpers: audit a register file or text with a fixed date, run the CLI."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings

from rgpdcheck.audit import audit_file
from rgpdcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 1, 1)  # "today" for audits whose register gives no date_reference

# Property tests: bounded and reproducible in CI; `HYPOTHESIS_PROFILE=long pytest` explores more.
# CI does not shrink a counterexample (shrinking a failing register took minutes here); run the
# failing test again with the long profile to get the smallest one.
CI_PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, phases=CI_PHASES,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def _private_rule_cache(tmp_path_factory):
    """The compiled-rules cache (rulecache.py) of the tests, subprocesses too, in a directory of
    their own: never the user's ~/.cache."""
    # (RGPDCHECK_CACHE_DIR, not XDG_CACHE_HOME: pip and pre-commit keep their own caches)
    before = os.environ.get("RGPDCHECK_CACHE_DIR")
    os.environ["RGPDCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache") / "rgpdcheck")
    yield
    if before is None:
        os.environ.pop("RGPDCHECK_CACHE_DIR", None)
    else:
        os.environ["RGPDCHECK_CACHE_DIR"] = before


@pytest.fixture(autouse=True)
def _no_github_step_summary(monkeypatch):
    """`--format github` appends to $GITHUB_STEP_SUMMARY: never to the one of a CI running the tests."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def audit_text(tmp_path):
    """Audit YAML text written to a temporary registre.yaml; return the AuditResult."""

    def run(text: str, as_of: date | None = None, rules=None):
        path = tmp_path / "registre.yaml"
        path.write_text(text, encoding="utf-8")
        return audit_file(str(path), as_of, TODAY, rules)

    return run


def read_terminal(master: int) -> bytes:
    """All a child wrote to the terminal whose master end is `master` (a pty), until it closed
    it; the master is closed after."""
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    return b"".join(chunks)


@pytest.fixture
def cli():
    """Run `rgpdcheck ARGS...`; return the click Result (stdout and stderr apart)."""

    def run(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run

"""The console entry point (entry.py): `--help` without the heavy imports, the same
output and exit codes as click's own run, and a fast exit that loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from rgpdcheck import group_help
from rgpdcheck.entry import click_group_help

BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"


def _python(*args: str, columns: int | None = 100, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120, **kwargs)


def test_group_help_is_not_stale():
    """group_help.py is what click prints now; else run `python tools/group_help.py`."""
    expected = click_group_help("rgpdcheck", 100)
    stored = f"{group_help.USAGE_HEAD}rgpdcheck {group_help.USAGE_TAIL}\n{group_help.BODY}"
    assert stored == expected, "src/rgpdcheck/group_help.py est périmé : lancez « python tools/group_help.py »"


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_help_is_clicks_and_imports_nothing_heavy(option):
    run = _python("-X", "importtime", "-m", "rgpdcheck", option)
    assert run.returncode == 0
    assert run.stdout == click_group_help("python -m rgpdcheck", 100)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    heavy = {name for name in imported if name.split(".")[0] in {"click", "pydantic", "durable", "yaml", "rgpdcheck"}}
    assert heavy <= {"rgpdcheck", "rgpdcheck.entry", "rgpdcheck.group_help", "rgpdcheck.terminal"}, heavy


def test_a_narrow_terminal_gets_clicks_own_wrapping():
    run = _python("-m", "rgpdcheck", "--help", columns=60)
    assert run.returncode == 0
    assert run.stdout == click_group_help("python -m rgpdcheck", 60)
    assert run.stdout != click_group_help("python -m rgpdcheck", 100)


def test_version():
    run = _python("-m", "rgpdcheck", "--version")
    assert (run.returncode, run.stdout) == (0, "rgpdcheck, version 0.1.0\n")


def test_the_real_entry_point_prints_and_exits_as_click_does(tmp_path):
    """Output flushed before the fast exit, exit codes kept, the report file complete and no
    temporary file left beside it."""
    from click.testing import CliRunner

    from rgpdcheck.cli import main

    expected = CliRunner().invoke(main, ["audit", "--format", "json", str(BRUGES)])
    run = _python("-m", "rgpdcheck", "audit", "--format", "json", str(BRUGES))
    assert (run.returncode, run.stdout) == (expected.exit_code, expected.output) and run.returncode == 1
    report = tmp_path / "rapport.sarif"
    run = _python("-m", "rgpdcheck", "audit", "-f", "sarif", "-o", str(report), "-f", "text", str(BRUGES))
    assert run.returncode == 1 and "constat" in run.stdout
    assert report.read_text(encoding="utf-8") == CliRunner().invoke(main, ["audit", "-f", "sarif", str(BRUGES)]).output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.sarif"]
    run = _python("-m", "rgpdcheck", "audit", str(tmp_path / "absent.yaml"))
    assert run.returncode == 2 and "absent.yaml" in run.stderr and "Traceback" not in run.stderr


def test_output_larger_than_a_pipe_buffer_is_not_cut():
    run = _python("-m", "rgpdcheck", "schema")
    assert run.returncode == 0 and len(run.stdout) > 65536
    assert run.stdout.rstrip().endswith("}")


@pytest.mark.parametrize("columns", [None, "", "0", "-3", "abc", "100", "132"])
@pytest.mark.parametrize("lines", [None, "0", "40"])
@pytest.mark.parametrize("fallback", [80, 120])
def test_the_terminal_width_is_shutils(monkeypatch, columns, lines, fallback):
    """terminal.terminal_columns (the fast --help's and the text report's width) is shutil.get_terminal_size's,
    read without importing shutil."""
    import shutil

    from rgpdcheck.terminal import terminal_columns

    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert terminal_columns(fallback) == shutil.get_terminal_size((fallback, 24)).columns

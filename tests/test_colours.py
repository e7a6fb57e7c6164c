"""Colours on a terminal only: NO_COLOR honoured, FORCE_COLOR optional, never in a file; the
width of the coloured text is the width of the plain one."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest
from conftest import ROOT, read_terminal

from rgpdcheck.colour import (
    BOLD,
    ESCAPE,
    OVERDUE,
    RESET,
    SEVERITY_COLOURS,
    paint,
    visible,
    wanted,
)

REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml"))
BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
OURS = {RESET, BOLD, OVERDUE, *SEVERITY_COLOURS.values()}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "environ", "expected"), [
    (Terminal(), {}, True),
    (io.StringIO(), {}, False),  # a pipe, a file, a CI log
    (Terminal(), {"NO_COLOR": "1"}, False),
    (Terminal(), {"NO_COLOR": "0"}, False),  # any non-empty value (no-color.org)
    (Terminal(), {"NO_COLOR": ""}, True),  # empty: as if unset
    (Terminal(), {"TERM": "dumb"}, False),
    (io.StringIO(), {"FORCE_COLOR": "1"}, True),
    (io.StringIO(), {"FORCE_COLOR": "0"}, False),
    (io.StringIO(), {"FORCE_COLOR": ""}, False),
    (Terminal(), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # the refusal wins
])
def test_when_colours_are_wanted(stream, environ, expected):
    assert wanted(stream, environ) is expected


def test_paint_colours_severities_rule_ids_headings_and_overdue_deadlines():
    text = ("Traitement T-1 « Paie »\n  ligne 12 · erreur · va4-rectification-absente\n    Un message · info · ici.\n"
            "  2019-01-20 · dépassée de 3 jours · T-1 · ligne 9\n")
    painted = paint(text)
    assert f"{BOLD}Traitement T-1 « Paie »{RESET}" in painted
    assert f"{SEVERITY_COLOURS['erreur']}erreur{RESET} · {BOLD}va4-rectification-absente{RESET}" in painted
    assert f"{OVERDUE}dépassée de 3 jours{RESET}" in painted
    assert visible(painted) == text


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.parent.name)
def test_coloured_lines_fit_the_terminal(cli, monkeypatch, forced, path, width):
    """The width test of test_text_output, colours forced: escape codes take no column."""
    monkeypatch.setenv("COLUMNS", str(width))
    for command in (["audit", str(path)], ["echeances", str(path), "--within", "400"]):
        coloured = cli(*command).stdout
        monkeypatch.setenv("NO_COLOR", "1")
        plain = cli(*command).stdout
        monkeypatch.delenv("NO_COLOR")
        assert ESCAPE.search(plain) is None
        assert visible(coloured) == plain
        assert set(ESCAPE.findall(coloured)) <= OURS
        too_wide = [line for line in coloured.splitlines() if len(visible(line)) > width]
        assert too_wide == []
    audit = cli("audit", str(path)).stdout
    assert any(colour in audit for colour in SEVERITY_COLOURS.values()) or "Aucun constat" in audit


def test_never_in_a_file_nor_in_a_machine_format(cli, forced, tmp_path):
    target = tmp_path / "rapport.txt"
    assert cli("audit", BRUGES, "-o", str(target)).stdout == ""
    assert "\033" not in target.read_text(encoding="utf-8")
    for fmt in ("json", "parsable", "sarif", "github"):
        assert "\033" not in cli("audit", BRUGES, "-f", fmt).stdout


def test_register_text_cannot_bring_its_own_escape_codes(cli, forced, tmp_path):
    register = (ROOT / "fixtures" / "bruges" / "registre.yaml").read_text(encoding="utf-8")
    line = "nom: Gestion du personnel et de la paie"
    assert line in register
    hostile = tmp_path / "registre.yaml"
    hostile.write_text(register.replace(line, 'nom: "Gestion \\e[5m du personnel"'), encoding="utf-8")
    out = cli("audit", str(hostile)).stdout
    assert "Gestion \\x1b[5m du personnel" in visible(out)  # shown escaped, not obeyed
    assert set(ESCAPE.findall(out)) <= OURS


def _on_a_terminal(*args: str, environ: dict[str, str]) -> str:
    """What `rgpdcheck ARGS` writes to stdout when stdout is a real terminal (a pty)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100", **environ}
    env.pop("FORCE_COLOR", None)
    master, slave = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "rgpdcheck", *args], stdout=slave, stderr=subprocess.DEVNULL,
                          env=env):
        os.close(slave)
        return read_terminal(master).decode()


def test_a_real_terminal_gets_colours_unless_no_color(tmp_path):
    coloured = _on_a_terminal("audit", BRUGES, environ={"NO_COLOR": "", "TERM": "xterm"})
    assert SEVERITY_COLOURS["erreur"] in coloured and BOLD in coloured
    plain = _on_a_terminal("audit", BRUGES, environ={"NO_COLOR": "1", "TERM": "xterm"})
    assert "constats" in plain and "\033" not in plain
    target = tmp_path / "rapport.txt"
    _on_a_terminal("audit", BRUGES, "-o", str(target), environ={"NO_COLOR": "", "TERM": "xterm"})
    assert "constats" in target.read_text(encoding="utf-8") and "\033" not in target.read_text(encoding="utf-8")

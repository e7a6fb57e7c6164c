"""The progress line: on a terminal for long audits, whatever the format; never in pipes."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from conftest import ROOT, read_terminal

from rgpdcheck.progress import Progress

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_partitions_of_a_large_register_are_shown_then_cleared():
    stream = Terminal()
    progress = Progress.for_terminal(stream, files=1)
    progress.start_file(1, "registre.yaml", large=True)
    for done in range(1, 6):
        progress.partitions(done, 5)
    assert "registre.yaml — lecture" in stream.getvalue()
    assert "évaluation 100 % (5/5 parties)" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r\033[K")  # the line is erased before the report


def test_several_registers_are_counted():
    stream = Terminal()
    progress = Progress.for_terminal(stream, files=3)
    progress.start_file(2, "b.yaml")
    assert "registre 2/3 : b.yaml" in stream.getvalue()


def test_silent_off_a_terminal():
    stream = io.StringIO()  # a pipe or a CI log
    progress = Progress.for_terminal(stream, files=3)
    progress.start_file(1, "a.yaml", large=True)
    progress.partitions(1, 4)
    progress.file_done(2)
    progress.finish()
    assert stream.getvalue() == ""


def test_registers_done_by_workers_are_counted():
    stream = Terminal()
    progress = Progress.for_terminal(stream, files=4)
    progress.file_done(1)
    progress.file_done(4)
    assert "registres audités : 1/4" in stream.getvalue() and "registres audités : 4/4" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r\033[K")


def test_small_single_register_shows_nothing():
    stream = Terminal()
    progress = Progress.for_terminal(stream, files=1)
    progress.start_file(1, "registre.yaml")
    progress.partitions(1, 1)
    progress.finish()
    assert stream.getvalue() == ""


def _run(tmp_path, *args, stderr_tty: bool) -> tuple[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "rgpdcheck", "audit", *args]
    if not stderr_tty:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return done.stdout, done.stderr
    master, slave = pty.openpty()
    out = tmp_path / "stdout.txt"
    with out.open("wb") as sink, subprocess.Popen(command, stdout=sink, stderr=slave, env=env):
        os.close(slave)
        written = read_terminal(master)
    return out.read_text(encoding="utf-8"), written.decode()


def test_the_cli_shows_progress_on_a_real_terminal_only(tmp_path):
    register = tmp_path / "registre.yaml"
    register.write_text(generate.register(800), encoding="utf-8")  # ~8,300 facts: several partitions
    stdout, terminal = _run(tmp_path, str(register), stderr_tty=True)
    assert "évaluation 100 %" in terminal and "constat" in stdout
    assert "évaluation" not in stdout  # the report itself stays clean
    stdout, stderr = _run(tmp_path, str(register), stderr_tty=False)
    assert stderr == "" and "constat" in stdout
    for fmt in ("json", "sarif"):  # a machine format on stdout: the progress still on the terminal
        stdout, terminal = _run(tmp_path, str(register), "--format", fmt, stderr_tty=True)
        assert "évaluation 100 %" in terminal and terminal.endswith("\r\033[K")
        assert "évaluation" not in stdout and stdout.rstrip().endswith("}")


def test_workers_show_the_registers_done_on_a_terminal(tmp_path):
    files = []
    for i in range(3):
        path = tmp_path / f"r{i}.yaml"
        path.write_text(generate.register(30, seed=i), encoding="utf-8")
        files.append(str(path))
    stdout, terminal = _run(tmp_path, "-j", "2", "-f", "json", *files, stderr_tty=True)
    assert "registres audités : 3/3" in terminal and terminal.endswith("\r\033[K")
    assert stdout.rstrip().endswith("}") and "registres" not in stdout

"""`audit --jobs N`: several registers audited in worker processes give the very report a
sequential run gives (every format, errors included), and Ctrl-C still ends cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from rgpdcheck.cli import main
from rgpdcheck.formatters import formats

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

BUNDLED = sorted(str(p) for p in ROOT.glob("fixtures/*/registre.yaml"))


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> list[str]:
    """The bundled registers and generated ones of several sizes and seeds, mixed."""
    folder = tmp_path_factory.mktemp("metropole")
    generated = []
    for i, n in enumerate((40, 120, 7, 60)):
        path = folder / f"commune-{i}.yaml"
        path.write_text(generate.register(n, seed=i), encoding="utf-8")
        generated.append(str(path))
    return [BUNDLED[0], generated[0], *BUNDLED[1:], *generated[1:]]


def _audit(*args: str):
    return CliRunner().invoke(main, ["audit", "--as-of", "2026-01-01", *args], catch_exceptions=False)


@pytest.mark.parametrize("fmt", formats("audit"))
def test_workers_write_the_sequential_report_in_every_format(registers, fmt, tmp_path):
    sequential = _audit("-j", "1", "-f", fmt, *registers)
    parallel = _audit("-j", "3", "-f", fmt, *registers)
    assert parallel.exit_code == sequential.exit_code == 1
    assert parallel.output == sequential.output and parallel.output


def test_the_default_uses_the_cores_and_says_the_same(registers, monkeypatch):
    from rgpdcheck import parallel

    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    default = _audit("-f", "json", *registers)
    assert default.output == _audit("-j", "1", "-f", "json", *registers).output


def test_by_default_workers_only_for_registers_large_enough_to_repay_them(tmp_path, monkeypatch):
    from rgpdcheck import cli, parallel

    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    small = tuple(BUNDLED)
    assert sum(os.path.getsize(p) for p in small) < cli._WORTH_WORKERS
    assert cli._workers(None, small) == 1  # one process is faster for them
    assert cli._workers(3, small) == 3  # --jobs is obeyed
    large = []
    for i in range(3):
        path = tmp_path / f"commune-{i}.yaml"
        path.write_text(generate.register(70, seed=i), encoding="utf-8")
        large.append(str(path))
    assert sum(os.path.getsize(p) for p in large) >= cli._WORTH_WORKERS
    assert cli._workers(None, tuple(large)) == 3  # the cores, at most one per file
    assert cli._workers(None, tuple(large[:1])) == cli._workers(8, tuple(large[:1])) == 1


def test_input_errors_are_reported_as_a_sequential_run_reports_them(registers, tmp_path):
    bad_commune = tmp_path / "a.yaml"
    bad_commune.write_text("version: 1\ncommune: Bad Name\n", encoding="utf-8")
    bad_value = tmp_path / "b.yaml"
    bad_value.write_text("version: 1\ncommune: bruges\ntraitements:\n  - id: t\n    nom: n\n    base_legale: x\n",
                         encoding="utf-8")
    files = [str(bad_commune), registers[1], str(tmp_path / "absent.yaml"), registers[0], str(bad_value)]
    runner = CliRunner()
    sequential = runner.invoke(main, ["audit", "-j", "1", *files])
    parallel = runner.invoke(main, ["audit", "-j", "2", *files])
    assert parallel.exit_code == sequential.exit_code == 2
    assert (parallel.stdout, parallel.stderr) == (sequential.stdout, sequential.stderr)
    assert parallel.stderr.count("rien n'a été audité") == 3 and "absent.yaml" in parallel.stderr


def test_the_children_inherit_the_validators_the_parent_built(registers, tmp_path, monkeypatch):
    from rgpdcheck import parallel, validators

    if parallel._start_method() != "fork":
        pytest.skip("only forked children inherit the parent's memory")
    built = tmp_path / "built"
    original = validators.build

    def build():
        with built.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return original()

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)  # validators() then calls build()
    monkeypatch.setattr(validators, "build", build)
    validators.validators.cache_clear()
    try:
        assert _audit("--jobs", "2", *registers[:4]).exit_code in (0, 1)
    finally:
        validators.validators.cache_clear()
    assert built.read_text().split() == [str(os.getpid())]  # once, by the parent, before forking


def _audited_by(monkeypatch, tmp_path) -> Path:
    """A log of the process that audits each register (forked workers inherit the patch)."""
    from rgpdcheck import audit

    log = tmp_path / "audited-by"
    original = audit.audit_file

    def audit_file(path, *args, **kwargs):
        with log.open("a") as out:
            out.write(f"{os.getpid()} {path}\n")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(audit, "audit_file", audit_file)
    return log


@pytest.mark.parametrize("budget, processes", [(None, 2), (1, 6)], ids=["several-each", "replaced-each-time"])
def test_a_worker_audits_register_after_register_until_its_budget(registers, tmp_path, monkeypatch, budget, processes):
    from rgpdcheck import parallel

    if parallel._start_method() != "fork":
        pytest.skip("the log is patched into forked workers")
    if budget is not None:
        monkeypatch.setattr(parallel, "WORKER_BYTES", budget)  # every register fills a worker's budget
    log = _audited_by(monkeypatch, tmp_path)
    files = registers[:6]
    assert _audit("--jobs", "2", "-f", "json", *files).output == _audit("-j", "1", "-f", "json", *files).output
    lines = [line.split(" ", 1) for line in log.read_text().splitlines()]
    workers = [pid for pid, path in lines if pid != str(os.getpid())]
    assert sorted(path for _, path in lines if _ != str(os.getpid())) == sorted(files)  # each once, by a worker
    assert len(set(workers)) == processes


def test_jobs_must_be_positive():
    result = CliRunner().invoke(main, ["audit", "-j", "0", BUNDLED[0]])
    assert result.exit_code == 2 and "--jobs" in result.output


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listing:
            return [int(p) for p in listing.read().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the workers from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_during_a_parallel_run_ends_cleanly(tmp_path, signum):
    files = []
    for i in range(6):
        path = tmp_path / f"r{i}.yaml"
        path.write_text(generate.register(400, seed=i), encoding="utf-8")
        files.append(str(path))
    out = tmp_path / "rapport.json"
    # Its own process group, as a shell runs it: Ctrl-C reaches the parent and the workers alike.
    process = subprocess.Popen([sys.executable, "-m", "rgpdcheck", "audit", "-j", "2", "-f", "json", "-o", str(out),
                                *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) == 2  # two registers are being audited at once
    os.killpg(process.pid, signum) if signum == signal.SIGINT else process.send_signal(signum)
    _stdout, stderr = process.communicate(timeout=120)
    text = stderr.decode("utf-8", "replace")
    assert process.returncode == 128 + signum, text
    assert text.rstrip().endswith("rgpdcheck : interrompu") and "Traceback" not in text
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    for pid in workers:  # every worker was reaped: none is left running
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]

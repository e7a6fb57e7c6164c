"""`-o` and `--write-baseline`: what is not a regular file stays what it was, and every
failed write is one French line with exit code 2, the previous report kept."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from rgpdcheck import interrupt, output

ROOT = Path(__file__).resolve().parents[1]
BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")


def _kind(path: str) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_character_device_is_written_to_and_stays_a_device(cli, device):
    before = os.lstat(device)
    result = cli("audit", BRUGES, "-f", "json", "-o", device)
    assert result.exit_code == 1, result.output
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_a_full_disk_is_a_french_error_and_dev_full_stays_a_device(cli):
    result = cli("audit", BRUGES, "-f", "json", "-o", "/dev/full")
    assert result.exit_code == 2
    assert "rgpdcheck : /dev/full: écriture impossible (plus de place sur le disque)" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_fifo_with_a_reader_receives_the_report_and_stays_a_fifo(tmp_path, cli):
    fifo = tmp_path / "rapport"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)
    result = cli("audit", BRUGES, "-f", "json", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 1, result.output
    assert received and received[0].startswith(b"{") and received[0].rstrip().endswith(b"}")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport"]


def test_a_fifo_without_reader_is_refused_at_once(tmp_path, cli):
    fifo = tmp_path / "rapport"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = cli("audit", BRUGES, "-f", "json", "-o", str(fifo))
    assert result.exit_code == 2
    assert "aucun lecteur" in result.stderr
    assert time.monotonic() - started < 20
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dev_stdout_stays_a_link_and_the_report_reaches_the_redirection(tmp_path):
    redirected = tmp_path / "sortie.json"
    redirected.write_text("", encoding="utf-8")
    with redirected.open("a", encoding="utf-8") as handle:
        handle.write("avant\n")
        handle.flush()
        done = subprocess.run([sys.executable, "-m", "rgpdcheck", "audit", BRUGES, "-f", "json", "-o", "/dev/stdout"],
                              stdout=handle, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 1, done.stderr
    assert os.path.islink("/dev/stdout")
    text = redirected.read_text(encoding="utf-8")
    assert text.startswith("avant\n{")  # appended to, as the redirection asked, not replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie.json"]


def test_through_a_symbolic_link_the_file_is_replaced_and_the_link_kept(tmp_path, cli):
    real = tmp_path / "rapports" / "r.json"
    real.parent.mkdir()
    real.write_text("ancien", encoding="utf-8")
    link = tmp_path / "lien.json"
    link.symlink_to(real)
    assert cli("audit", BRUGES, "-f", "json", "-o", str(link)).exit_code == 1
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("{")


def test_a_folder_socket_or_block_device_is_never_written(tmp_path):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(output.WriteError) as caught:
            output.write_atomic(str(path), "rapport")
        assert "n'est ni un fichier ordinaire" in caught.value.message
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_a_symlink_loop_as_output_is_refused_before_the_audit(tmp_path, cli):
    loop = tmp_path / "r.json"
    loop.symlink_to(loop)
    result = cli("audit", BRUGES, "-f", "json", "-o", str(loop))
    assert result.exit_code == 2
    assert f"{loop}: --output : écriture impossible (liens symboliques en boucle)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("where", "code", "reason"), [
    ("mkstemp", errno.EROFS, "système de fichiers en lecture seule"),
    ("mkstemp", errno.EACCES, "droits insuffisants"),
    ("write", errno.ENOSPC, "plus de place sur le disque"),
    ("replace", errno.EDQUOT, "quota disque dépassé"),
])
def test_a_failed_write_keeps_the_previous_report_and_leaves_no_temporary(tmp_path, cli, monkeypatch, where, code, reason):
    report = tmp_path / "rapport.json"
    report.write_text("ancien rapport", encoding="utf-8")

    def fail(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    if where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", fail)  # (imported by output.py when it writes)
    elif where == "write":
        monkeypatch.setattr(output, "_write_all", fail)
    else:
        monkeypatch.setattr(output.os, "replace", fail)
    result = cli("audit", BRUGES, "-f", "json", "-o", str(report))
    assert result.exit_code == 2
    assert result.stderr == f"rgpdcheck : {report}: écriture impossible ({reason}) ; le rapport précédent, s'il existe, est intact\n"
    assert report.read_text(encoding="utf-8") == "ancien rapport"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.json"]


def test_a_file_name_that_is_not_utf8(tmp_path, cli):
    folder = os.fsencode(tmp_path)
    target = os.fsdecode(folder + b"/rapport-\xff.json")
    result = cli("audit", BRUGES, "-f", "json", "-o", target)
    assert result.exit_code == 1, result.output
    assert os.path.exists(target)
    missing = os.fsdecode(folder + b"/registre-\xe9.yaml")
    result = cli("audit", missing)
    assert result.exit_code == 2
    assert "registre-\\xe9.yaml: fichier introuvable" in result.stderr
    (tmp_path / "ok.yaml").write_bytes(Path(BRUGES).read_bytes())
    named = os.fsdecode(folder + b"/registre-\xe9.yaml")
    os.link(tmp_path / "ok.yaml", named)
    for fmt in ("json", "sarif", "junit", "text", "html", "github"):
        result = cli("audit", named, "-f", fmt, "-o", str(tmp_path / f"r.{fmt}"))
        assert result.exit_code == 1, (fmt, result.output)
        assert (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")  # valid UTF-8
    assert "registre-\\udce9.yaml" in (tmp_path / "r.json").read_text(encoding="utf-8")  # shown, escaped


def test_sigterm_between_the_temporary_write_and_the_rename_leaves_the_new_report_whole(tmp_path, monkeypatch):
    report = tmp_path / "rapport.json"
    report.write_text("ancien rapport", encoding="utf-8")
    real_replace = os.replace

    def replace_after_a_signal(src, dst):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives after the temporary file is complete
        time.sleep(0.05)
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace_after_a_signal)
    with interrupt.handled(), pytest.raises(interrupt.Interrupted) as caught:
        output.write_atomic(str(report), "nouveau rapport")
    assert caught.value.signum == signal.SIGTERM
    assert report.read_text(encoding="utf-8") == "nouveau rapport"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.json"]


def test_an_error_during_the_rename_removes_the_temporary_even_when_interrupted(tmp_path, monkeypatch):
    report = tmp_path / "rapport.json"
    report.write_text("ancien rapport", encoding="utf-8")

    def crash(*_):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        raise KeyboardInterrupt  # what the default handler would raise here

    monkeypatch.setattr(output.os, "replace", crash)
    with interrupt.handled(), pytest.raises((KeyboardInterrupt, interrupt.Interrupted)):
        output.write_atomic(str(report), "nouveau rapport")
    assert report.read_text(encoding="utf-8") == "ancien rapport"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.json"]

"""Nothing lost, nothing touched: the register and its folder stay as they were unless a
report or a baseline is asked for, and those are written atomically, never over a register.

Two witnesses: a snapshot of the folder (names, bytes, modes, mtimes) before and after, and a
Python audit hook that records every file opened for writing — so even a temporary file
created and removed again in the register's folder is caught.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from rgpdcheck import output

ROOT = Path(__file__).resolve().parents[1]
BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"

_WRITES: list[str] = []
_WATCHING: list[Path] = []


def _spy(event: str, args: tuple) -> None:
    if event != "open" or not _WATCHING:
        return
    path, mode, flags = args
    writing = (mode is not None and any(c in mode for c in "wax+")) or (
        mode is None and flags is not None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    if writing and isinstance(path, (str, bytes, os.PathLike)):
        resolved = Path(os.fsdecode(path)).resolve()
        if any(resolved.is_relative_to(folder) for folder in _WATCHING):
            _WRITES.append(str(resolved))


sys.addaudithook(_spy)  # audit hooks cannot be removed; _spy is inert unless a test watches


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture
def register_folder(tmp_path):
    folder = tmp_path / "depot"
    folder.mkdir()
    shutil.copy2(BRUGES, folder / "registre.yaml")
    (folder / ".registre.yaml.swp").write_bytes(b"an editor's file")  # hidden files count too
    return folder


@pytest.fixture
def watch(register_folder):
    _WRITES.clear()
    _WATCHING.append(register_folder.resolve())
    yield _WRITES
    _WATCHING.clear()


COMMANDS = [
    ["audit", "{r}"],
    *(["audit", "{r}", "--format", fmt] for fmt in ("json", "sarif", "junit", "github")),
    ["audit", "{r}", "--as-of", "2018-06-01", "--no-waivers", "--fail-on", "info"],
    ["validate", "{r}"],
    ["liability", "{r}", "--treatment", "T-SIECLE"],
    ["liability", "{r}", "--treatment", "T-SIECLE", "--format", "json"],
    ["liability", "{r}", "--treatment", "T-INCONNU"],  # an error path too
    ["echeances", "{r}", "--within", "60"],
    ["echeances", "{r}", "--format", "html"],
    ["export", "{r}"],
    ["export", "--registre", "sous-traitant", "{r}"],
    ["rules", "--format", "markdown"],
    ["explain", "V-k"],
    ["schema"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_commands_leave_the_register_folder_untouched(cli, register_folder, watch, monkeypatch, args):
    monkeypatch.chdir(register_folder)  # even run from inside the folder
    before = snapshot(register_folder)
    result = cli(*(a.format(r=register_folder / "registre.yaml") for a in args))
    # the Bruges register has findings, and one deadline ahead of its date_reference, none overdue
    expected = 2 if "T-INCONNU" in args else (1 if args[0] == "audit" else 0)
    assert result.exit_code == expected, result.output
    assert watch == []
    assert snapshot(register_folder) == before


def test_reports_and_baseline_go_only_where_asked(cli, register_folder, watch, tmp_path):
    before = snapshot(register_folder)
    elsewhere = tmp_path / "rapports"
    elsewhere.mkdir()
    register = str(register_folder / "registre.yaml")
    result = cli("audit", register, "-f", "sarif", "-o", str(elsewhere / "r.sarif"),
                 "-f", "junit", "-o", str(elsewhere / "r.xml"))
    assert result.exit_code == 1
    assert cli("audit", register, "--write-baseline", str(elsewhere / "base.json")).exit_code == 0
    assert watch == []
    assert snapshot(register_folder) == before
    assert sorted(p.name for p in elsewhere.iterdir()) == ["base.json", "r.sarif", "r.xml"]


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_never_written_over_a_register_even_by_another_name(cli, register_folder, watch, option):
    register = register_folder / "registre.yaml"
    alias = register_folder / "lien.yaml"
    alias.symlink_to(register)
    before = snapshot(register_folder)
    args = ["-f", "json", "-o", str(alias)] if option == "-o" else ["--write-baseline", str(alias)]
    result = cli("audit", str(register), *args)
    assert result.exit_code == 2
    assert "fichier audité" in result.stderr
    assert watch == []
    assert snapshot(register_folder) == before


def test_an_interrupted_write_keeps_the_previous_report_and_leaves_no_temporary(tmp_path, monkeypatch):
    report = tmp_path / "rapport.json"
    report.write_text("ancien rapport", encoding="utf-8")

    def crash(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(str(report), "nouveau rapport")
    assert report.read_text(encoding="utf-8") == "ancien rapport"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.json"]


def test_a_report_replaces_the_previous_one_whole_and_keeps_its_mode(tmp_path):
    report = tmp_path / "rapport.json"
    report.write_text("x" * 10_000, encoding="utf-8")
    report.chmod(0o640)
    output.write_atomic(str(report), "court")
    assert report.read_text(encoding="utf-8") == "court"
    assert report.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.json"]


def test_the_witnesses_see_a_report_asked_for_inside_the_folder(cli, register_folder, watch):
    """Guards the two witnesses above: a write they should see, they do see."""
    before = snapshot(register_folder)
    result = cli("audit", str(register_folder / "registre.yaml"), "-f", "json", "-o", str(register_folder / "r.json"))
    assert result.exit_code == 1
    assert any(Path(w).name.startswith(".r.json.") for w in watch)  # the temporary file, then renamed
    assert set(snapshot(register_folder)) == set(before) | {"r.json"}


def test_a_new_file_is_never_written_over_one_created_meanwhile(tmp_path):
    target = tmp_path / "registre.yaml"
    assert output.write_new(str(target), "brouillon\n")
    assert target.read_text(encoding="utf-8") == "brouillon\n"
    assert not output.write_new(str(target), "autre brouillon\n")  # it exists now: refused, untouched
    assert target.read_text(encoding="utf-8") == "brouillon\n"
    assert [p.name for p in tmp_path.iterdir()] == ["registre.yaml"]  # no temporary left behind

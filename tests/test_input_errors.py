"""Every input-error class of the format spec: exit 2, `file:line: message`, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import TODAY

from rgpdcheck.errors import InputErrors
from rgpdcheck.loader import load_document
from rgpdcheck.validate import validate

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "attendu.yaml").read_text(encoding="utf-8"))
HEAD = "version: 1\ncommune: bruges\n"
T = "traitements:\n  - id: T-1\n    nom: Test\n"


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.name != "attendu.yaml"}
    assert files == set(EXPECTED), files ^ set(EXPECTED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_located(name, cli):
    path = CORPUS / name
    before = path.read_bytes()
    result = cli("audit", str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    expected = EXPECTED[name]
    first = result.stderr.splitlines()[0]
    # the first error is the expected one: its line and its message (naming the key itself)
    assert re.match(rf"{re.escape(str(path))}:{expected['ligne']}(:\d+)?: ", first), result.stderr
    assert expected["message"] in first, result.stderr
    assert len(result.stderr.splitlines()) <= 25  # one screen
    assert path.read_bytes() == before


def test_huge_file_is_refused_without_reading_it(tmp_path, cli):
    path = tmp_path / "registre.yaml"
    with path.open("wb") as handle:  # a sparse 200 MB file: nothing is written to disk
        handle.truncate(200 * 1024 * 1024)
    result = cli("audit", str(path))
    assert result.exit_code == 2
    assert "fichier trop volumineux (200 Mo" in result.stderr


def test_python_tag_is_never_executed(tmp_path, cli):
    marker = tmp_path / "pwned"
    path = tmp_path / "registre.yaml"
    path.write_text(HEAD + f"traitements: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert cli("audit", str(path)).exit_code == 2
    assert not marker.exists()


def test_directory_and_missing_path(tmp_path, cli):
    result = cli("audit", str(tmp_path))
    assert result.exit_code == 2 and "dossier" in result.stderr
    result = cli("audit", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 2 and "introuvable" in result.stderr


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(HEAD + T + "    base_legal: contrat\n    statut: ouvert\n  - id: T-1\n    nom: Doublon\n    responsable: brugse\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        validate(load_document(str(path)), None, TODAY)
    lines = sorted(e.line for e in caught.value.errors)
    assert lines == [6, 7, 8, 10]


def test_unknown_commune_with_contract_block_is_accepted(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("version: 1\ncommune: villeneuve\ncontrat: {avenant: 1, date_effet: 2019-01-01}\n", encoding="utf-8")
    register = validate(load_document(str(path)), None, TODAY)
    assert register.contract.date_effet.isoformat() == "2019-01-01"
    assert register.contract.source == "registre"

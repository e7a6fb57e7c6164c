"""Every input-error class of the format spec: exit 2, `file:line: message`, no traceback."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
import yaml
from conftest import TODAY

from rgpdcheck import loader
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
    path.write_text("version: 1\ncommune: villeneuve\ncontrat: {avenant: 1, date_effet: 2019-01-01, "
                    "violations_confiees_metropole: true, dpo_mutualise: false}\n", encoding="utf-8")
    register = validate(load_document(str(path)), None, TODAY)
    assert register.contract.date_effet.isoformat() == "2019-01-01"
    assert register.contract.source == "registre"
    assert (register.contract.violations_confiees_metropole, register.contract.dpo_mutualise) == (True, False)


def test_unknown_commune_must_state_the_deliberation_options(tmp_path):
    """Breach delegation and a shared DPO are each commune's choice: never assumed."""
    path = tmp_path / "registre.yaml"
    path.write_text("version: 1\ncommune: villeneuve\ncontrat: {avenant: 1, date_effet: 2019-01-01, "
                    "dpo_mutualise: true}\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        validate(load_document(str(path)), None, TODAY)
    [error] = caught.value.errors
    assert error.line == 3 and "« violations_confiees_metropole »" in error.message
    assert "dpo_mutualise" not in error.message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_without_reading_it(cli, device):
    result = cli("audit", device)
    assert result.exit_code == 2
    assert f"{device}: n'est pas un fichier ordinaire" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_without_writer_is_refused_at_once(tmp_path, cli):
    fifo = tmp_path / "registre.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = cli("validate", str(fifo))
    assert result.exit_code == 2
    assert "n'est pas un fichier ordinaire" in result.stderr
    assert time.monotonic() - started < 5


def test_the_size_bound_holds_for_what_is_read_not_what_stat_says(tmp_path, monkeypatch):
    path = tmp_path / "registre.yaml"
    path.write_bytes(b"version: 1\n" + b"#" * 5000)
    real_fstat = loader.os.fstat

    class Lying:  # a file that grows after stat (or a /proc file, whose size is 0)
        def __init__(self, fd):
            self._info = real_fstat(fd)

        def __getattr__(self, name):
            return 0 if name == "st_size" else getattr(self._info, name)

    monkeypatch.setattr(loader.os, "fstat", Lying)
    with pytest.raises(InputErrors) as caught:
        loader.read_bytes(str(path), max_bytes=1000)
    assert "fichier trop volumineux" in str(caught.value)



def test_a_symlink_loop_as_register_is_a_french_error(tmp_path, cli):
    loop = tmp_path / "registre.yaml"
    loop.symlink_to(loop)
    result = cli("audit", str(loop))
    assert result.exit_code == 2
    assert f"{loop}: lecture impossible (liens symboliques en boucle)" in result.stderr


def test_ids_are_compared_by_the_normaliser_the_facts_use(tmp_path):
    """The facts key treatments by the model's id: the validation must see the same ids."""
    from rgpdcheck.facts import build_facts
    from rgpdcheck.idents import ident

    path = tmp_path / "registre.yaml"
    path.write_text(HEAD + "acteurs:\n  - id: \"ccas \"\n    type: etablissement_public\n"
                    "traitements:\n  - id: \"1.1 \"\n    nom: A\n    responsable: ccas\n  - id: 1.10\n    nom: B\n",
                    encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        validate(load_document(str(path)), None, TODAY)
    assert [e.message for e in caught.value.errors] == ["identifiant de traitement « 1.1 » déjà utilisé (ligne 7)"]
    path.write_text(HEAD + "acteurs:\n  - id: \"ccas \"\n    type: etablissement_public\n"
                    "traitements:\n  - id: 1.10\n    nom: A\n    responsable: ccas\n", encoding="utf-8")
    register = validate(load_document(str(path)), None, TODAY)  # "ccas " and ccas are one actor
    facts = build_facts(register).facts
    [treatment] = [f for f in facts if f["kind"] == "traitement"]
    assert treatment["tid"] == ident(1.10) == "1.1"
    assert treatment["responsable_type"] == "etablissement_public"

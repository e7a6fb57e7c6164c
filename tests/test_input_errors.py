"""Every input-error class of the format spec: exit 2, `file:line: message`, no traceback."""

from __future__ import annotations

import pytest
from conftest import TODAY

from rgpdcheck.errors import InputErrors
from rgpdcheck.loader import load_document
from rgpdcheck.validate import validate

HEAD = "version: 1\ncommune: bruges\n"
T = "traitements:\n  - id: T-1\n    nom: Test\n"

CASES = [
    # (case, file content, expected line, fragment of the French message)
    ("unterminated-string", HEAD + 'traitements:\n  - id: "T-1\n    nom: x\n', 4, "guillemets"),
    ("tab-indentation", HEAD + "traitements:\n\t- id: T-1\n", 4, "tabulation"),
    ("bad-indentation", HEAD + "traitements:\n  - id: T-1\n     nom: x\n   finalites: []\n", 5, ""),
    ("empty-file", "", 1, "fichier vide"),
    ("list-at-top", "- version: 1\n", 1, "dictionnaire"),
    ("unknown-key-typo", HEAD + T + "    base_legal: contrat\n", 6, "vouliez-vous dire « base_legale »"),
    ("unknown-top-key", HEAD + "traitement: []\n", 3, "vouliez-vous dire « traitements »"),
    ("wrong-type", HEAD + T + "    finalites: 3\n", 6, "attend une liste"),
    ("wrong-bool", HEAD + T + "    procedure_rectification: peut-etre\n", 6, "true ou false"),
    ("unknown-enum", HEAD + T + "    base_legale: interet_public\n", 6, "valeurs permises : consentement, contrat"),
    ("impossible-date", HEAD + T + "    cree_le: 2018-02-30\n", 6, "date impossible"),
    ("bad-duration", HEAD + T + "    duree_conservation: 3 ans\n", 6, "durée ISO 8601"),
    ("missing-version", "commune: bruges\n", 1, "« version » manquant"),
    ("missing-nom", HEAD + "traitements:\n  - id: T-1\n", 4, "« nom » manquant"),
    ("duplicate-treatment-id", HEAD + T + "  - id: T-1\n    nom: Autre\n", 6, "déjà utilisé (ligne 4)"),
    ("duplicate-key", HEAD + T + "    nom: Encore\n", 6, "répétée"),
    ("dangling-event-treatment", HEAD + T + "evenements:\n  - type: mise_en_oeuvre\n    date: 2018-09-01\n    traitement: T-2\n", 9, "traitement « T-2 » inconnu"),
    ("dangling-dpo", HEAD + T + "evenements:\n  - type: saisine_dpo\n    date: 2018-09-01\n    dpo: dpo-x\n", 9, "DPO « dpo-x » inconnu"),
    ("dangling-actor", HEAD + T + "    sous_traitants:\n      - acteur: abelum\n", 7, "sous-traitant (acteur) « abelum » inconnu"),
    ("notification-before-detection", HEAD + T + "evenements:\n  - type: violation\n    detectee_le: 2018-10-02T09:30\n    notifiee_cnil_le: 2018-10-01T10:00\n", 9, "notifiée à la CNIL avant d'être détectée"),
    ("answer-before-request", HEAD + T + "evenements:\n  - type: demande_droit\n    recue_le: 2018-10-02\n    repondue_le: 2018-09-30\n", 9, "réponse datée d'avant la réception"),
    ("undated-event", HEAD + T + "evenements:\n  - type: mise_en_oeuvre\n    traitement: T-1\n", 7, "« mise_en_oeuvre » sans date"),
    ("unknown-event-type", HEAD + "evenements:\n  - type: incident\n    date: 2018-01-01\n", 4, "type d'événement « incident » inconnu"),
    ("unknown-commune", "version: 1\ncommune: villeneuve\n", 2, "commune « villeneuve » inconnue"),
    ("waiver-without-reason", HEAD + T + "derogations:\n  - regle: va4-rectification-absente\n    jusqu_au: 2019-06-30\n", 7, "« motif » manquant"),
    ("waiver-without-expiry", HEAD + T + "derogations:\n  - regle: va4-rectification-absente\n    motif: plan d'action\n", 7, "« jusqu_au » manquant"),
    ("waiver-unknown-rule", HEAD + T + "derogations:\n  - regle: va4-rectification\n    motif: x\n    jusqu_au: 2019-06-30\n", 7, "règle « va4-rectification » inconnu"),
    ("python-tag", HEAD + "traitements: !!python/object/apply:os.system [echo pwned]\n", 3, "étiquette YAML non autorisée"),
    ("version-2", "version: 2\ncommune: bruges\n", 1, "valeur « 2 » non permise pour « version »"),
]


@pytest.mark.parametrize("case,content,line,fragment", CASES, ids=[c[0] for c in CASES])
def test_input_error_is_located(case, content, line, fragment, tmp_path, cli):
    path = tmp_path / "registre.yaml"
    path.write_text(content, encoding="utf-8")
    result = cli("audit", str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert f"{path}:{line}" in result.stderr, result.stderr
    assert fragment in result.stderr, result.stderr


def test_not_utf8_names_the_line(tmp_path, cli):
    path = tmp_path / "registre.yaml"
    path.write_bytes((HEAD + T + "    editeur: Soci").encode() + b"\xe9t\xe9\n")
    result = cli("audit", str(path))
    assert result.exit_code == 2
    assert f"{path}:6" in result.stderr and "UTF-8" in result.stderr


def test_python_tag_is_never_executed(tmp_path, cli):
    marker = tmp_path / "pwned"
    path = tmp_path / "registre.yaml"
    path.write_text(HEAD + f"traitements: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert cli("audit", str(path)).exit_code == 2
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(tmp_path, cli):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = tmp_path / "registre.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("audit", str(path))
    assert result.exit_code == 2
    assert "bombe d'alias" in result.stderr


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

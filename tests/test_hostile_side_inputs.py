"""The other inputs — `--baseline`, the CSV of `import`, its `--correspondance` — are read by
the same bounded reader as registers, and every bad one is a French error, exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
ENTRY = '{"format": "rgpdcheck-baseline/1", "constats": [{"commune": "bruges", "regle": "x", "traitement": null, "nombre": %s}]}'


@pytest.mark.parametrize(("text", "message"), [
    (ENTRY % "1e400", "entrée n°1 invalide"),
    (ENTRY % "Infinity", "nombre trop long ou infini"),
    (ENTRY % ("9" * 5001), "nombre trop long ou infini"),
    (ENTRY % "2.5", "entrée n°1 invalide"),
    (ENTRY % "true", "entrée n°1 invalide"),
    ("[" * 100_000 + "]" * 100_000, "JSON imbriqué trop profondément"),
    ('{"format":\n  "rgpdcheck-baseline/1",\n  "constats": [', "JSON mal formé"),
    ("\udcff", "pas en UTF-8"),
])
def test_a_bad_baseline_is_a_french_error(tmp_path, cli, text, message):
    baseline = tmp_path / "base.json"
    baseline.write_bytes(text.encode("utf-8", "surrogateescape"))
    result = cli("audit", BRUGES, "--baseline", str(baseline))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith(str(baseline))


def test_a_malformed_baseline_is_located(tmp_path, cli):
    baseline = tmp_path / "base.json"
    baseline.write_text('{"format":\n  "rgpdcheck-baseline/1",\n  "constats": [', encoding="utf-8")
    assert cli("audit", BRUGES, "--baseline", str(baseline)).stderr.startswith(f"{baseline}:3:")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_baseline_or_csv_is_refused_without_reading(tmp_path, cli, device):
    result = cli("audit", BRUGES, "--baseline", device)
    assert result.exit_code == 2 and "n'est pas un fichier ordinaire" in result.stderr
    result = cli("import", device, "--commune", "bruges", "-o", str(tmp_path / "r.yaml"))
    assert result.exit_code == 2 and "n'est pas un fichier ordinaire" in result.stderr
    assert not (tmp_path / "r.yaml").exists()


def test_a_fifo_as_mapping_is_refused_at_once(tmp_path, cli):
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("Nom;Finalités\nCantine;Repas\n", encoding="utf-8")
    fifo = tmp_path / "correspondance.yaml"
    os.mkfifo(fifo)
    result = cli("import", str(csv_file), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"), "--correspondance", str(fifo))
    assert result.exit_code == 2 and "n'est pas un fichier ordinaire" in result.stderr


@pytest.mark.parametrize(("content", "line", "message"), [
    (b"Nom;Finalit\xe9s\n" + b"\x00\x01\x02PK\x03\x04" * 50, 2, "octet nul : ce n'est pas un fichier CSV texte"),
    (("Nom;Finalités\nCantine;" + "x" * 200_000 + "\n").encode(), 2, "cellule de plus de 131 072 caractères"),
])
def test_a_binary_or_oversized_csv_is_a_located_error(tmp_path, cli, content, line, message):
    csv_file = tmp_path / "t.csv"
    csv_file.write_bytes(content)
    result = cli("import", str(csv_file), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{csv_file}:{line}: {message}")
    assert not (tmp_path / "r.yaml").exists()


@pytest.mark.parametrize(("mapping", "line", "message"), [
    ("colonnes:\n  Nom: [nom]\n", 2, "« Nom » : un champ s'écrit comme un nom"),
    ("colonnes:\n  Application: nom\n  Nom: {a: b}\n", 3, "« Nom » : un champ s'écrit comme un nom"),
    ("colonnes: " + "[" * 20_000 + "]" * 20_000 + "\n", 1, "imbriquée trop profondément"),
    ("colonnes: !!python/object/apply:os.system ['true']\n", 1, "étiquette YAML non autorisée"),
    ("colonnes:\n  Nom: !!int abc\n", 2, "« abc » n'est pas un nombre entier"),
    ("colonnes:\n  Nom: nom\n  Nom: application\n", 3, "répétée"),
])
def test_a_bad_mapping_is_a_located_french_error(tmp_path, cli, mapping, line, message):
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("Nom;Finalités\nCantine;Repas\n", encoding="utf-8")
    path = tmp_path / "correspondance.yaml"
    path.write_text(mapping, encoding="utf-8")
    result = cli("import", str(csv_file), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"), "--correspondance", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{path}:{line}"), result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_csv_date_outside_the_accepted_range_is_listed_not_imported(tmp_path, cli):
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("Nom du traitement;Date de création;AIPD\nCantine;31/12/9999;01/01/0999\n", encoding="utf-8")
    result = cli("import", str(csv_file), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"))
    assert result.exit_code == 0, result.output
    assert "« 31/12/9999 »" in result.stderr and "« 01/01/0999 »" in result.stderr  # listed as not kept
    assert "cree_le" not in (tmp_path / "r.yaml").read_text(encoding="utf-8").split("traitements:")[1]

"""`rgpdcheck export`: the art. 30 register as a spreadsheet, and BM's processor register."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import ROOT, TODAY

from rgpdcheck.export import CONTROLLER_COLUMNS, PROCESSOR_HEADERS, duration_fr
from rgpdcheck.liability import determine
from rgpdcheck.loader import load_document
from rgpdcheck.rulebook import load as load_rules
from rgpdcheck.validate import validate

BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"
BORDEAUX = ROOT / "fixtures" / "bordeaux" / "registre.yaml"
RULE_IDS = {r.id for r in load_rules()}


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # spreadsheets then read it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_one_row_per_treatment_with_the_cnil_columns(cli):
    result = cli("export", str(BRUGES))
    assert result.exit_code == 0
    rows = read_csv(result.output)
    assert list(rows[0]) == [name for name, _ in CONTROLLER_COLUMNS]
    register = validate(load_document(str(BRUGES)), None, TODAY, RULE_IDS)
    existing = sorted(t.id for t in register.model.traitements if t.cree_le is None or t.cree_le <= register.as_of)
    assert [r["N° / REF"] for r in rows] == existing
    assert "T-VIDEO" not in existing  # created after the register's date: not in it yet
    cogito = next(r for r in rows if r["N° / REF"] == "T-COGITO")
    assert cogito["Nom / sigle"] == "Inscriptions scolaires et périscolaires"
    assert cogito["Base légale"] == "mission d'intérêt public (art. 6(1)(e))"
    assert cogito["Durée de conservation"] == "3 ans à compter de fin de scolarité dans la commune"
    assert cogito["Données sensibles ?"] == "aucune" and cogito["Transferts hors UE ?"] == "aucun"
    assert cogito["Sous-traitants"] == "ABELIUM Collectivités"
    assert cogito["Responsable du traitement"] == "Bruges"
    assert cogito["Délégué à la protection des données"] == "DPO mutualisé de Bordeaux Métropole"
    assert cogito["Finalité principale"] == "Gestion des inscriptions scolaires et périscolaires"
    assert cogito["Sous-finalités"] == "Facturation de la restauration scolaire"
    assert {r["Sort final"] for r in rows} >= {"archivage définitif", "archivage intermédiaire"}  # human labels, with their accents


def test_processor_register_lists_what_the_liability_rules_make_bm_process(cli):
    result = cli("export", "--registre", "sous-traitant", str(BRUGES), str(BORDEAUX))
    assert result.exit_code == 0
    rows = read_csv(result.output)
    assert list(rows[0]) == PROCESSOR_HEADERS
    listed = {(r["Responsable du traitement (commune)"], r["N° / REF"]) for r in rows}
    expected = set()
    for path in (BRUGES, BORDEAUX):
        register = validate(load_document(str(path)), None, TODAY, RULE_IDS)
        for t in register.model.traitements:
            if (t.cree_le is None or t.cree_le <= register.as_of) and "metropole" in determine(register, t.id, None).roles["processors"]:
                expected.add((register.contract.nom, t.id))
    assert listed == expected
    assert ("Bordeaux (et son CCAS)", "T-ETAT-CIVIL") in listed  # run by the shared service, for Bordeaux
    assert ("Bordeaux (et son CCAS)", "T-CCAS-AIDES") not in listed  # BM is joint controller there


@pytest.mark.parametrize(("iso", "french"), [
    ("P5Y", "5 ans"), ("P1Y", "1 an"), ("P1Y6M", "1 an 6 mois"), ("P6M", "6 mois"), ("P30D", "30 jours"),
    ("PT5H", "PT5H"), ("", ""),
])
def test_durations_in_words(iso, french):
    assert duration_fr(iso) == french


def test_output_file_and_refusals(cli, tmp_path):
    target = tmp_path / "registre-art30.csv"
    result = cli("export", str(BRUGES), "-o", str(target))
    assert result.exit_code == 0 and "lignes écrites" in result.stderr
    assert read_csv(target.read_text(encoding="utf-8"))
    copy = tmp_path / "registre.yaml"
    copy.write_bytes(BRUGES.read_bytes())
    refused = cli("export", str(copy), "-o", str(copy))
    assert refused.exit_code == 2 and copy.read_bytes() == BRUGES.read_bytes()
    bad = tmp_path / "mauvais.yaml"
    bad.write_text("version: 1\ncommune: bruges\ntraitements: [{id: T-1}]\n", encoding="utf-8")
    failed = cli("export", str(bad))
    assert failed.exit_code == 2 and f"{bad}:3" in failed.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_cnil_workbook_has_a_list_then_one_fiche_per_treatment(cli, tmp_path, fmt):
    from rgpdcheck.sheets import read_sheets

    target = tmp_path / f"registre.{fmt}"
    result = cli("export", str(BRUGES), "-o", str(target))
    assert result.exit_code == 0 and "10 fiches écrites" in result.stderr
    sheets = read_sheets(str(target))
    listing = sheets[0]
    assert listing.name == "Registre" and listing.rows[0][1][:3] == ["N° / REF", "Nom / sigle", "Date de création"]
    assert [s.name for s in sheets[1:]] == [f"Fiche {row[1][0]}" for row in listing.rows[1:]]
    cogito = next(s for s in sheets if s.name == "Fiche T-COGITO")
    rows = {cells[0]: cells[1:] for _, cells in cogito.rows if cells and cells[0]}
    assert rows["Acteurs"][:4] == ["Nom", "Adresse", "Téléphone", "Adresse de messagerie"]
    assert rows["Délégué à la protection des données"][0] == "DPO mutualisé de Bordeaux Métropole"
    assert rows["Sous-finalité 1"][0] == "Facturation de la restauration scolaire"
    assert rows["Sort final"][0] == "effacement"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_processor_register_as_a_workbook(cli, tmp_path, fmt):
    from rgpdcheck.sheets import read_sheets

    target = tmp_path / f"sous-traitant.{fmt}"
    assert cli("export", "--registre", "sous-traitant", str(BRUGES), str(BORDEAUX), "-o", str(target)).exit_code == 0
    csv_rows = read_csv(cli("export", "--registre", "sous-traitant", str(BRUGES), str(BORDEAUX)).output)
    sheets = read_sheets(str(target))
    assert sheets[0].rows[0][1] == PROCESSOR_HEADERS and len(sheets) == 1 + len(csv_rows)
    assert {cells[0] for _, cells in sheets[1].rows if cells and cells[0]} >= {"N° / REF", "Sous-traitants ultérieurs"}


def test_a_workbook_needs_an_output_file(cli):
    result = cli("export", str(BRUGES), "--format", "ods")
    assert result.exit_code == 2 and "donnez --output" in result.stderr and not result.stdout

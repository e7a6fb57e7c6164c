"""Reading spreadsheets: separators, headings by their words, yes/no columns, workbooks."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from rgpdcheck.columns import field_of
from rgpdcheck.sheets import read_sheets


def imported(cli, tmp_path, name: str, content: str | bytes, *args: str):
    sheet = tmp_path / name
    if isinstance(content, str):
        sheet.write_text(content, encoding="utf-8")
    else:
        sheet.write_bytes(content)
    target = tmp_path / "registre.yaml"
    result = cli("import", str(sheet), "--commune", "bruges", "-o", str(target), *args)
    assert result.exit_code == 0, result.stderr
    return result, yaml.safe_load(target.read_text(encoding="utf-8")), target


def test_a_comma_inside_a_quoted_heading_does_not_split_it(cli, tmp_path):
    _, data, _ = imported(cli, tmp_path, "t.csv",
                          'Nom du traitement;"Finalités (principale, secondaire, autre)"\n'
                          'Paie;"Paie des agents, déclarations sociales"\n')
    assert data["traitements"] == [{"id": "T-001", "nom": "Paie",
                                    "finalites": ["Paie des agents, déclarations sociales"]}]


def test_the_cnil_list_headings_are_read_and_a_yes_is_never_dropped(cli, tmp_path):
    result, data, target = imported(
        cli, tmp_path, "liste.csv",
        "N° / REF;Nom / sigle;Dernière mise à jour;Responsable du traitement;Finalité principale;Sous-finalité 1;"
        "Transferts hors UE ?;Données sensibles ?\n"
        "REF-7;Cantine;2024-02-01;Bruges;Restauration scolaire;Facturation;Non;Oui\n")
    [t] = data["traitements"]
    assert t["id"] == "REF-7"  # kept, not regenerated
    assert t["finalites"] == ["Restauration scolaire", "Facturation"]
    assert t["donnees_sensibles"] == ["non_precisee"] and t["transferts_hors_ue"] == []
    assert "responsable" not in t  # the commune itself
    for text in ("ligne 2, colonne « Dernière mise à jour » : « 2024-02-01 »",
                 "ligne 2, colonne « Données sensibles ? » : « Oui »"):
        assert text in target.read_text(encoding="utf-8") and text in result.stderr
    audit = json.loads(cli("audit", str(target), "--format", "json", "--as-of", "2025-01-01").output)
    rules = {f["rule_id"] for f in audit["findings"] if f["treatment"] == "REF-7"}
    assert "va3-minimisation-non-justifiee" in rules  # the declared-but-unspecified data is reported


@pytest.mark.parametrize(("heading", "field"), [
    ("nomDuTraitement", "nom"), ("NOM_TRAITEMENT", "nom"), ("base_legale", "base_legale"), ("Libellé", "nom"),
    ("Catégories de données sensibles", "donnees_sensibles"), ("Finalités (principale, secondaire)", "finalites"),
    ("Date de création du traitement", "cree_le"), ("Justification de la base légale", None),
    ("Structure - Nom", "_madis"), ("Service référent", None),
])
def test_headings_are_matched_by_their_words(heading, field):
    assert field_of(heading) == field


def test_a_broken_workbook_is_an_input_error_naming_the_file(cli, tmp_path):
    sheet = tmp_path / "registre.xlsx"
    sheet.write_bytes(b"PK\x03\x04 pas vraiment un classeur")
    result = cli("import", str(sheet), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"))
    assert result.exit_code == 2 and f"{sheet}:" in result.stderr and "classeur illisible" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "r.yaml").exists()


def test_a_workbook_export_keeps_text_as_text(cli, tmp_path):
    source = tmp_path / "registre.yaml"
    source.write_text("version: 1\ncommune: bruges\ntraitements:\n  - {id: T-1, nom: \"=1+1\", finalites: [\"@SOMME(A1)\"]}\n",
                      encoding="utf-8")
    for fmt in ("xlsx", "ods"):
        out = tmp_path / f"r.{fmt}"
        assert cli("export", str(source), "-o", str(out)).exit_code == 0
        sheets = read_sheets(str(out))
        assert [s.name for s in sheets] == ["Registre", "Fiche T-1"]
        assert sheets[0].rows[1][1][:2] == ["T-1", "=1+1"]  # a name, not a formula


def test_the_previous_export_imports_back(cli, tmp_path):
    """What `rgpdcheck export` wrote before the CNIL headings: every column is read back."""
    header = ["Référence", "Nom du traitement", "Date de création", "Statut", "Responsable du traitement",
              "Responsable conjoint", "Délégué à la protection des données", "Finalités", "Base légale",
              "Catégories de personnes concernées", "Catégories de données", "Données sensibles", "Destinataires",
              "Sous-traitants", "Transferts hors UE et garanties", "Durée de conservation", "Sort final",
              "Mesures de sécurité", "Information des personnes", "Analyse d'impact (AIPD)"]
    row = ["T-CCAS", "Aides sociales", "2017-01-02", "actif", "Bruges", "Bordeaux Métropole", "DPO mutualisé",
           "Instruction ; Versement", "mission d'intérêt public (art. 6(1)(e))", "demandeurs", "identite",
           "santé — art. 9(2)(h)", "CCAS", "ARPEGE ; OPERIS (ultérieur)", "US (clauses_types)",
           "3 ans à compter de : fin de l'aide", "archivage definitif", "habilitations", "oui", "non réalisée"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, row])
    result, data, target = imported(cli, tmp_path, "ancien.csv", "\ufeff" + buffer.getvalue())
    text = target.read_text(encoding="utf-8")
    assert "non repris" not in result.stderr and "Colonnes non reconnues" not in text
    [t] = data["traitements"]
    assert t["id"] == "T-CCAS" and t["metropole"] == {"role_declare": "responsable_conjoint"}
    assert t["donnees_sensibles"] == ["sante"] and t["exception_art9"] == "art. 9(2)(h)"
    assert t["transferts_hors_ue"] == [{"pays": "US", "garantie": "clauses_types"}]
    assert t["duree_conservation"] == {"duree": "P3Y", "point_de_depart": "fin de l'aide"}  # no leading « : »
    assert t["sort_final"] == "archivage_definitif" and "aipd" not in t
    providers = {a["id"]: a["nom"] for a in data["acteurs"]}
    assert [(providers[s["acteur"]], s.get("rang")) for s in t["sous_traitants"]] == [("ARPEGE", None), ("OPERIS", "ulterieur")]
    assert data["dpo"][0]["nom"] == "DPO mutualisé"


def test_titles_and_stray_cells_are_listed(cli, tmp_path):
    result, data, target = imported(cli, tmp_path, "t.csv", "Mon registre;;\nNom;Base légale\nPaie;contrat;à voir\n")
    text = target.read_text(encoding="utf-8")
    assert data["traitements"][0]["base_legale"] == "contrat"
    assert "ligne 1, colonne 1 : « Mon registre » — au-dessus des en-têtes, non repris" in text
    assert "ligne 3, colonne 3 : « à voir » — cellule hors des colonnes nommées" in result.stderr


def test_joint_controllers_contacts_stay_in_their_order(cli, tmp_path):
    """The first joint controller without details, the second with: the cell starts with « | »."""
    content = ("Nom / sigle;Responsables conjoints;Coordonnées des responsables conjoints\n"
               "Aides;\"Bordeaux Métropole ; CCAS\";| ccas@bruges.example\n")
    result, data, _ = imported(cli, tmp_path, "t.csv", content)
    assert "non repris" not in result.stderr
    [t] = data["traitements"]
    assert t["metropole"] == {"role_declare": "responsable_conjoint"} and t["responsables_conjoints"] == ["ccas"]
    assert next(a for a in data["acteurs"] if a["id"] == "ccas")["courriel"] == "ccas@bruges.example"
    assert all(a["id"] != "metropole" for a in data["acteurs"])  # BM not listed: it had no details

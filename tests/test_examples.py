"""`rgpdcheck explain`: references accepted as the outputs print them, and each rule's
annotated example, shipped in the package (data/exemples.yaml) since an installed package
has no tests folder."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from rgpdcheck import catalogue, rulebook

spec = importlib.util.spec_from_file_location("exemples_tool", ROOT / "tools" / "exemples.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

RULES = rulebook.load("audit") + rulebook.load("echeance")


def test_committed_examples_are_current():
    committed = (ROOT / "src" / "rgpdcheck" / "data" / "exemples.yaml").read_text(encoding="utf-8")
    assert committed == tool.render(), "src/rgpdcheck/data/exemples.yaml est périmé : python tools/exemples.py"


def test_every_audit_and_deadline_rule_has_an_example_firing_and_silent():
    shipped = catalogue._examples()
    for rule in RULES:
        kinds = {case["attendu"] for item in shipped.get(rule.id, []) for case in item["cas"]}
        assert kinds == {"constat", "aucun"}, f"{rule.id}: exemple sans constat ou sans cas conforme"


def test_an_example_marks_the_annotated_line_inside_its_entry(tmp_path):
    (tmp_path / "tests" / "rules").mkdir(parents=True)
    (tmp_path / "tests" / "rules" / "essai.yaml").write_text(
        "version: 1\nderogations:\n  - regle: x\n    # commentaire\n    motif: y\n    # ruleid: essai\n"
        "    jusqu_au: 2019-02-28\n  - regle: z\n    # ok: essai\n    jusqu_au: 2019-03-01\n"
        "    # ruleid: autre-regle\n    motif: w\n", encoding="utf-8")
    [item] = tool.examples(tmp_path)["essai"]
    assert item["fichier"] == "tests/rules/essai.yaml"
    assert item["cas"] == [
        {"attendu": "constat", "ligne": 7, "extrait": ["- regle: x", "  motif: y", "  jusqu_au: 2019-02-28"], "cible": 2},
        {"attendu": "aucun", "ligne": 10, "extrait": ["- regle: z", "  jusqu_au: 2019-03-01", "  motif: w"], "cible": 1},
    ]


@pytest.mark.parametrize("subject, clause", [
    ("Avenant V-d (violations)", "V-d/violations"),
    ("V-d (violations)", "V-d/violations"),
    ("avenant v-d (VIOLATIONS)", "V-d/violations"),
    ("Avenant V-a règle d'or n°7", "V-a/7"),
    ("V-A REGLE D’OR N° 7", "V-a/7"),
    ("règle d'or n°3", "V-a/3"),
    ("Avenant V-e/3", "V-e/3"),
    ("v-e/3", "V-e/3"),
    ("  V-k ", "V-k"),
    ("Avenant V-d (sous-traitants)", "V-d/sous-traitants"),
])
def test_references_are_accepted_as_printed(subject, clause):
    assert catalogue.resolve(subject) == ("clause", clause)


@pytest.mark.parametrize("subject", ["V-d (violation)", "Avenant V-a règle d'or n°8", "V-z", "rgpd", "vd-violation"])
def test_unknown_references_resolve_to_nothing(subject):
    assert catalogue.resolve(subject) is None


def test_every_printed_citation_of_a_clause_is_accepted_back():
    for rule in RULES:
        for ref in rule.spec.references.avenant:
            assert catalogue.resolve(rulebook.cite_clause(ref)) == ("clause", ref)


def test_explain_a_clause_as_printed_lists_its_rules(cli):
    result = cli("explain", "Avenant V-d (violations)")
    assert result.exit_code == 0
    assert result.stdout.startswith("Avenant V-d (violations) — ")
    assert "vd-violation-non-inscrite" in result.stdout and "vd-demande-sans-reponse" not in result.stdout
    # the deadline rules citing it too
    assert "  echeance-violation-notification (échéance, " in result.stdout


@pytest.mark.parametrize("subject", ["RGPD art. 35", "rgpd ART. 35", "article 35", "art. 35"])
def test_explain_a_gdpr_article_lists_the_rules_citing_it(cli, subject):
    result = cli("explain", subject)
    assert result.exit_code == 0
    assert result.stdout.startswith("RGPD art. 35\n")
    assert "va7-aipd-manquante" in result.stdout and "[art. 35(1), art. 35(3)]" in result.stdout


def test_a_gdpr_article_matches_its_paragraphs_not_a_longer_number():
    ids = {r.id for r in catalogue.rules_of_article("3", RULES)}
    assert ids == set()  # art. 30, 32, 33… are not art. 3
    assert {r.id for r in catalogue.rules_of_article("33", RULES)} >= {"vd-violation-non-notifiee"}
    assert "va1-interet-legitime-autorite-publique" in {r.id for r in catalogue.rules_of_article("6(1)", RULES)}
    assert catalogue.explain("RGPD art. 99", RULES).endswith("Aucune règle ne cite cet article du RGPD.\n")


def test_explain_a_rule_shows_its_annotated_example(cli):
    result = cli("explain", "VA7-TRANSFERT-SANS-GARANTIE")
    assert result.exit_code == 0
    text = result.stdout
    assert "Exemple annoté" in text and "tests/rules/va7-transfert-sans-garantie.yaml" in text
    assert "ligne 27 : constat attendu\n    → - {<<: *conforme, id: T-1, transferts_hors_ue: [{pays: US}]}" in text
    assert "ligne 29 : pas de constat\n    → - {<<: *conforme, id: T-2, transferts_hors_ue: [{pays: US, garantie: clauses_types}]}" in text


def test_explain_a_deadline_rule(cli):
    result = cli("explain", "echeance-violation-notification")
    assert result.exit_code == 0 and "tests/echeances/echeance-violation-notification.yaml" in result.stdout


def test_explain_something_else_is_a_french_error(cli):
    result = cli("explain", "V-d (violation)")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "ni un article du RGPD" in result.stderr and "V-d/violations" in result.stderr


def test_explain_works_from_an_installed_package_without_the_tests_folder(tmp_path):
    """As `pip install .` lays it out: the package with its data and its copy of the rules,
    no checkout around it (no pyproject.toml, no tests/)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "rgpdcheck", site / "rgpdcheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", site / "rgpdcheck" / "rules")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "rgpdcheck", "explain", "vd-violation-non-inscrite"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Exemple annoté" in result.stdout and "constat attendu" in result.stdout
    assert not (tmp_path / "tests").exists()

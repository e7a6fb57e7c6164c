"""Every requirement of section V is checked by rules or says why a register cannot show it;
every rule serves a requirement; docs/couverture.md is the rendering of the catalogue."""

from __future__ import annotations

from conftest import ROOT

from rgpdcheck.catalogue import render_rules
from rgpdcheck.clauses import clauses, requirements
from rgpdcheck.rulebook import load as load_rules

RULE_IDS = {r.id for r in load_rules()}


def test_each_requirement_has_rules_or_a_stated_limit():
    for req in requirements():
        assert req.regles or req.limite.strip(), f"{req.id}: ni règle ni limite"
        assert set(req.regles) <= RULE_IDS, f"{req.id}: règles inconnues {set(req.regles) - RULE_IDS}"
        assert req.clause in clauses(), f"{req.id}: clause {req.clause} absente de clauses.yaml"
        assert req.lignes and all(part.replace("-", "").isdigit() for part in req.lignes), req.id


def test_requirement_ids_are_unique():
    ids = [req.id for req in requirements()]
    assert len(ids) == len(set(ids))


def test_every_rule_serves_a_requirement():
    listed = {rule for req in requirements() for rule in req.regles}
    assert RULE_IDS - listed == set(), f"règles hors catalogue : {sorted(RULE_IDS - listed)}"


def test_every_clause_of_section_v_from_b_to_k_has_requirements():
    covered = {req.clause.split("/")[0] for req in requirements()}
    wanted = {c.split("/")[0] for c in clauses()}
    assert wanted <= covered, f"clauses sans exigence : {sorted(wanted - covered)}"


def test_requirement_lines_lie_inside_their_clause():
    def span(parts):
        numbers = [int(n) for part in parts for n in part.split("-")]
        return min(numbers), max(numbers)

    for req in requirements():
        low, high = span(req.lignes)
        clause_low, clause_high = span(clauses()[req.clause].lignes)
        parent = clauses()[req.clause.split("/")[0]]
        parent_low, parent_high = span(parent.lignes)
        assert min(clause_low, parent_low) <= low and high <= max(clause_high, parent_high), req.id


def test_committed_coverage_doc_is_current(cli):
    committed = (ROOT / "docs" / "couverture.md").read_text(encoding="utf-8")
    assert committed == render_rules(load_rules(), "markdown"), (
        "docs/couverture.md est périmé : rgpdcheck rules --format markdown > docs/couverture.md")
    assert cli("rules", "--format", "markdown").stdout == committed

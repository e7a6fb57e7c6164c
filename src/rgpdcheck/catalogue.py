"""The rule catalogue for people: `rgpdcheck rules` and `rgpdcheck explain`.

Rules and clauses are both data; this module only lays them out (text, JSON, Markdown)
and links them: a rule cites clause ids, a clause lists the rules that cite it.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from tabulate import tabulate

from .clauses import Clause, clauses, find
from .clauses import requirements as load_requirements
from .rulebook import Rule


def rules_of_clause(clause_id: str, rules: tuple[Rule, ...]) -> list[Rule]:
    """Rules citing the clause or one of its parts (`V-d` lists the `V-d/violations` rules)."""
    return [r for r in rules if any(ref == clause_id or ref.startswith(clause_id + "/") for ref in r.spec.references.avenant)]


def clauses_of_rule(rule: Rule) -> list[Clause]:
    known = clauses()
    return [known[ref] for ref in rule.spec.references.avenant if ref in known]


def rule_dict(rule: Rule) -> dict[str, Any]:
    refs = rule.spec.references
    return {
        "id": rule.id,
        "title": rule.spec.titre,
        "severity": rule.spec.severite,
        "family": rule.family,
        "family_title": rule.family_title,
        "description": rule.spec.description.strip(),
        "references": {"avenant": list(refs.avenant), "rgpd": list(refs.rgpd), "autres": list(refs.autres)},
        "citations": rule.citations(),
    }


def render_rules(rules: tuple[Rule, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"rules": [rule_dict(r) for r in rules]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return _rules_markdown(rules)
    rows = [[r.id, r.spec.severite, textwrap.fill(r.spec.titre, 50), "\n".join(r.citations())] for r in rules]
    table = tabulate(rows, headers=["règle", "gravité", "titre", "références"], tablefmt="simple")
    return f"{table}\n\n{len(rules)} règle(s).\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rules_markdown(rules: tuple[Rule, ...]) -> str:
    """The coverage document: each requirement of section V with its rules or its limit,
    then every rule by family (docs/couverture.md is this text)."""
    out = [
        "# Couverture de la section V de l'avenant",
        "",
        "<!-- Généré par `rgpdcheck rules --format markdown` : ne pas modifier à la main. -->",
        "",
        "Chaque exigence de la section V, avec les règles qui la vérifient et, le cas échéant, ce "
        "qu'un registre ne peut pas montrer. Les lignes renvoient au document d'origine "
        "(délibération 2018-297 et avenants, premier avenant).",
        "",
        "| Exigence | Clause (lignes) | Règles | Ce que le registre ne montre pas |",
        "|---|---|---|---|",
    ]
    for req in load_requirements():
        rule_cell = "<br>".join(f"`{r}`" for r in req.regles) or "—"
        out.append(f"| **{req.id}** {_cell(req.exigence)} | {req.clause} ({', '.join(req.lignes)}) | "
                   f"{rule_cell} | {_cell(req.limite) or '—'} |")
    families: dict[str, list[Rule]] = {}
    for rule in rules:
        families.setdefault(rule.family, []).append(rule)
    out += ["", "# Règles"]
    for family in sorted(families):
        members = families[family]
        out += ["", f"## {members[0].family_title}", "", "| Règle | Gravité | Titre | Références |", "|---|---|---|---|"]
        for r in members:
            out.append(f"| `{r.id}` | {r.spec.severite} | {_cell(r.spec.titre)} | {_cell(' ; '.join(r.citations()))} |")
    out += ["", f"{len(rules)} règle(s), {len(load_requirements())} exigence(s).", ""]
    return "\n".join(out)


def _quote(clause: Clause, indent: str = "  ") -> list[str]:
    body = [textwrap.fill(para, 88, initial_indent=indent, subsequent_indent=indent) if para else ""
            for para in clause.texte.splitlines()]
    return [f"{clause.id} — {clause.titre}", *body, f"{indent}({clause.source()})"]


def explain(subject: str, rules: tuple[Rule, ...]) -> str | None:
    """The explanation of a rule id or a clause id; None when it is neither."""
    by_id = {r.id: r for r in rules}
    rule = by_id.get(subject.strip())
    if rule is not None:
        out = [
            f"{rule.id} — {rule.spec.titre}",
            f"Gravité : {rule.spec.severite} · famille : {rule.family_title}",
            "Références : " + " ; ".join(rule.citations()),
        ]
        if rule.spec.description.strip():
            out += ["", textwrap.fill(" ".join(rule.spec.description.split()), 88)]
        for clause in clauses_of_rule(rule):
            out += ["", "Clause de l'avenant :", *_quote(clause)]
        return "\n".join(out) + "\n"
    clause = find(subject)
    if clause is None:
        return None
    implementing = rules_of_clause(clause.id, rules)
    out = _quote(clause, indent="  ")
    out += ["", "Règles qui la vérifient :" if implementing else "Aucune règle ne cite directement cette clause."]
    out += [f"  {r.id} ({r.spec.severite}) — {r.spec.titre}" for r in implementing]
    return "\n".join(out) + "\n"


def suggestions(subject: str, rules: tuple[Rule, ...]) -> list[str]:
    import difflib

    names = [r.id for r in rules] + list(clauses())
    return difflib.get_close_matches(subject.strip(), names, n=3, cutoff=0.5)

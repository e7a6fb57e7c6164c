"""The rule catalogue for people: `rgpdcheck rules` and `rgpdcheck explain`.

Rules and clauses are both data; this module only lays them out (text, JSON, Markdown)
and links them: a rule cites clause ids, a clause lists the rules that cite it.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from functools import cache
from typing import Any

from tabulate import tabulate

from .clauses import Clause, clauses
from .clauses import requirements as load_requirements
from .packagedata import data as package_data
from .rulebook import Rule, cite_clause
from .vocabulary import count


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
        "cadre": rule.cadre,
    }


FRAME_LINES = {
    "rgpd": "Cadre : RGPD — s'applique à toute commune, qu'elle soit partie à un avenant ou non (cadre: rgpd).",
    "avenant": "Cadre : avenant — ne s'applique qu'à une commune partie à un avenant RGPD avec Bordeaux Métropole ; "
               "une commune sans avenant (cadre: rgpd) n'est pas auditée sur cette règle.",
}


def render_rules(rules: tuple[Rule, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"rules": [rule_dict(r) for r in rules]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return _rules_markdown(rules)
    rows = [[r.id, r.spec.severite, textwrap.fill(r.spec.titre, 50), "\n".join(r.citations())] for r in rules]
    table = tabulate(rows, headers=["règle", "gravité", "titre", "références"], tablefmt="simple")
    return f"{table}\n\n{count(len(rules), 'règle', 'règles')}.\n"


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
        "(délibération 2018-297 et avenants, premier avenant). Dans les tables des règles, « Sans "
        "avenant » dit si la règle s'applique aussi à une commune partie à aucun avenant "
        "(`cadre: rgpd`, audit au regard du RGPD seul).",
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
        out += ["", f"## {members[0].family_title}", "",
                "| Règle | Gravité | Titre | Références | Sans avenant |", "|---|---|---|---|---|"]
        for r in members:
            out.append(f"| `{r.id}` | {r.spec.severite} | {_cell(r.spec.titre)} | {_cell(' ; '.join(r.citations()))} | "
                       f"{'oui' if r.cadre == 'rgpd' else 'non'} |")
    out += ["", f"{count(len(rules), 'règle', 'règles')}, {count(len(load_requirements()), 'exigence', 'exigences')}.", ""]
    return "\n".join(out)


def _quote(clause: Clause, indent: str = "  ") -> list[str]:
    body = [textwrap.fill(para, 88, initial_indent=indent, subsequent_indent=indent) if para else ""
            for para in clause.texte.splitlines()]
    return [f"{cite_clause(clause.id)} — {clause.titre}", *body, f"{indent}({clause.source()})"]


def _plain(text: str) -> str:
    """Lower case, accents and typographic apostrophes dropped, spaces collapsed: how a
    reference typed or copied by a person is compared."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


_GOLDEN = re.compile(r"^(?:v-a\s*)?(?:/\s*|regle d'or\s*(?:n\s*[°o]?\s*\.?\s*)?)(\d+)$")
_NAMED_PART = re.compile(r"^(v-[a-z])\s*\(\s*([^)]+?)\s*\)$")
_ARTICLE = re.compile(r"^(?:rgpd\s*)?art(?:icle|\.)?\s*(\d.*)$")


def resolve(subject: str) -> tuple[str, str] | None:
    """What a reference names, written as an output prints it or as a person types it, case
    and accents forgiven: ("clause", id) for `Avenant V-d (violations)`, `V-d (violations)`,
    `Avenant V-a règle d'or n°7`, `Avenant V-e/3`, `v-k`; ("rgpd", "35(1)") for
    `RGPD art. 35(1)`, `article 35(1)`; None otherwise."""
    plain = _plain(subject)
    plain = plain.removeprefix("avenant").strip()
    if match := _GOLDEN.match(plain):
        wanted = f"v-a/{match[1]}"
    elif match := _NAMED_PART.match(plain):
        wanted = f"{match[1]}/{match[2]}"
    elif match := _ARTICLE.match(plain):
        return "rgpd", _article(match[1])
    else:
        wanted = plain.replace(" ", "")
    clause = next((c for key, c in clauses().items() if _plain(key) == wanted), None)
    return ("clause", clause.id) if clause else None


def _article(text: str) -> str:
    """`art. 35(1)`, `35 (1)`, `Art. 6(1) dernier alinéa` -> `35(1)`, `6(1)dernieralinea`."""
    return _plain(text).removeprefix("rgpd").strip().removeprefix("art").lstrip(". ").replace(" ", "")


def _cites(cited: str, article: str) -> bool:
    """Whether a rule's `rgpd` entry is the article (`35`, normalised) or one of its paragraphs."""
    cited = _article(cited)
    return cited == article or (cited.startswith(article) and not cited[len(article)].isdigit())


def rules_of_article(article: str, rules: tuple[Rule, ...]) -> list[Rule]:
    """Rules citing the GDPR article or one of its paragraphs (`35` lists `art. 35(1)`, not
    `art. 350`)."""
    return [r for r in rules if any(_cites(a, article) for a in r.spec.references.rgpd)]


@cache
def _examples() -> dict[str, Any]:
    return package_data("exemples.yaml")["exemples"]


def example_lines(rule_id: str) -> list[str]:
    """The rule's annotated example: where its test registers show it firing and silent
    (shipped as data/exemples.yaml, built from the tests by tools/exemples.py)."""
    files = _examples().get(rule_id, [])
    if not files:
        return []
    out = ["", "Exemple annoté (registres de test du dépôt, la ligne visée marquée « → ») :"]
    for item in files:
        out.append(f"  {item['fichier']}")
        for case in item["cas"]:
            label = "constat attendu" if case["attendu"] == "constat" else "pas de constat"
            out.append(f"    ligne {case['ligne']} : {label}")
            out += [("    → " if i == case["cible"] else "      ") + line for i, line in enumerate(case["extrait"])]
    return out


def _rule_line(rule: Rule, cited: list[str] | None = None) -> str:
    kind = "échéance, " if rule.kind == "echeance" else ""
    tail = f" [{', '.join(cited)}]" if cited else ""
    return f"  {rule.id} ({kind}{rule.spec.severite}) — {rule.spec.titre}{tail}"


def explain(subject: str, rules: tuple[Rule, ...]) -> str | None:
    """The explanation of a rule id, a clause or a GDPR article; None when it is none of them."""
    by_id = {r.id: r for r in rules}
    rule = by_id.get(subject.strip().lower())
    if rule is not None:
        out = [
            f"{rule.id} — {rule.spec.titre}",
            f"Gravité : {rule.spec.severite} · famille : {rule.family_title}",
            "Références : " + " ; ".join(rule.citations()),
            FRAME_LINES[rule.cadre],
        ]
        if rule.spec.description.strip():
            out += ["", textwrap.fill(" ".join(rule.spec.description.split()), 88)]
        for clause in clauses_of_rule(rule):
            out += ["", "Clause de l'avenant :", *_quote(clause)]
        out += example_lines(rule.id)
        return "\n".join(out) + "\n"
    found = resolve(subject)
    if found is None:
        return None
    kind, key = found
    if kind == "rgpd":
        shown = re.sub(r"^\s*(?:rgpd\s*)?(?:art(?:icle|\.)?\s*)", "", subject, flags=re.IGNORECASE).strip()
        citing = rules_of_article(key, rules)
        out = [f"RGPD art. {shown}", ""]
        out.append("Règles qui citent cet article :" if citing else "Aucune règle ne cite cet article du RGPD.")
        out += [_rule_line(r, [a for a in r.spec.references.rgpd if _cites(a, key)])
                for r in citing]
        return "\n".join(out) + "\n"
    clause = clauses()[key]
    implementing = rules_of_clause(clause.id, rules)
    out = _quote(clause, indent="  ")
    out += ["", "Règles qui la vérifient :" if implementing else "Aucune règle ne cite directement cette clause."]
    out += [_rule_line(r) for r in implementing]
    return "\n".join(out) + "\n"


def _clause_dict(clause: Clause) -> dict[str, Any]:
    return {"id": clause.id, "citation": cite_clause(clause.id), "title": clause.titre, "text": clause.texte,
            "source_lines": list(clause.lignes)}


def _rule_summary(rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "kind": rule.kind, "severity": rule.spec.severite, "title": rule.spec.titre}


def explain_dict(subject: str, rules: tuple[Rule, ...]) -> dict[str, Any] | None:
    """What `explain` prints, as data (`explain --format json`): a rule with its clauses and
    annotated example, a clause with the rules citing it, or an article with the rules citing
    it; None when the subject is none of them."""
    rule = {r.id: r for r in rules}.get(subject.strip().lower())
    if rule is not None:
        return {"kind": "rule", "rule": rule_dict(rule), "clauses": [_clause_dict(c) for c in clauses_of_rule(rule)],
                "examples": _examples().get(rule.id, [])}
    found = resolve(subject)
    if found is None:
        return None
    kind, key = found
    if kind == "rgpd":
        return {"kind": "article", "article": key,
                "rules": [{**_rule_summary(r), "cited": [a for a in r.spec.references.rgpd if _cites(a, key)]}
                          for r in rules_of_article(key, rules)]}
    clause = clauses()[key]
    return {"kind": "clause", "clause": _clause_dict(clause),
            "rules": [_rule_summary(r) for r in rules_of_clause(clause.id, rules)]}


def suggestions(subject: str, rules: tuple[Rule, ...]) -> list[str]:
    import difflib

    names = [r.id for r in rules] + list(clauses())
    return difflib.get_close_matches(subject.strip(), names, n=3, cutoff=0.5)

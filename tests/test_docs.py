"""Docs that restate code must not go stale."""

from __future__ import annotations

import re

from conftest import ROOT

from rgpdcheck.fact_schema import FACT_FIELDS


def fact_doc_problems(text: str, schema: dict[str, frozenset[str]]) -> list[str]:
    """What docs/faits.md gets wrong against the schema, each saying where to fix it."""
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", text, flags=re.MULTILINE))
    out = []
    if set(rows) != set(schema):
        out.append(f"docs/faits.md: kinds missing from its table {sorted(set(schema) - set(rows))}, "
                   f"kinds it lists that fact_schema.FACT_FIELDS does not have {sorted(set(rows) - set(schema))}")
    for kind in sorted(set(rows) & set(schema)):
        documented, fields = set(re.findall(r"`(\w+)`", rows[kind])), set(schema[kind])
        if documented != fields:
            out.append(f"docs/faits.md, kind `{kind}`: fields of the schema it does not document "
                       f"{sorted(fields - documented)}, fields it documents that fact_schema.FACT_FIELDS does not "
                       f"have {sorted(documented - fields)}")
    return out


def test_fact_reference_lists_every_kind_and_field():
    problems = fact_doc_problems((ROOT / "docs" / "faits.md").read_text(encoding="utf-8"), FACT_FIELDS)
    assert problems == [], "\n".join(problems)


def test_a_stale_fact_reference_says_what_is_missing_and_what_is_extra():
    schema = {"mesure": frozenset({"tid", "nom"}), "finalite": frozenset({"tid"})}
    text = "| `mesure` | `tid`, `libelle` |\n| `autre` | `x` |\n"
    assert fact_doc_problems(text, schema) == [
        "docs/faits.md: kinds missing from its table ['finalite'], kinds it lists that fact_schema.FACT_FIELDS "
        "does not have ['autre']",
        "docs/faits.md, kind `mesure`: fields of the schema it does not document ['nom'], fields it documents "
        "that fact_schema.FACT_FIELDS does not have ['libelle']",
    ]

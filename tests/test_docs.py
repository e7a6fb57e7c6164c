"""Docs that restate code must not go stale."""

from __future__ import annotations

import re

from conftest import ROOT

from rgpdcheck.fact_schema import FACT_FIELDS


def test_fact_reference_lists_every_kind_and_field():
    text = (ROOT / "docs" / "faits.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", text, flags=re.MULTILINE))
    assert set(rows) == set(FACT_FIELDS)
    for kind, fields in FACT_FIELDS.items():
        documented = set(re.findall(r"`(\w+)`", rows[kind]))
        assert documented == set(fields), f"{kind}: docs/faits.md lists {sorted(documented ^ set(fields))} wrongly"

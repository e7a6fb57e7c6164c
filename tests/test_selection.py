"""One treatment's liability reads only its part of the register (loader.Selection,
liability.needed): the answer is the one the whole register gives, for every treatment and
event of the bundled registers, the liability scenarios, generated registers, with events
that have no id (keyed by their rank in the file) and lists in another order."""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from hypothesis import strategies as st
from strategies import registers

from rgpdcheck import rulebook
from rgpdcheck.errors import InputErrors
from rgpdcheck.idents import ident
from rgpdcheck.liability import determine, determine_file, needed
from rgpdcheck.loader import parse_document
from rgpdcheck.validate import validate

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

RULES = rulebook.load("responsabilite")
AUDIT_IDS = {r.id for r in rulebook.load("audit")}
BUNDLED = sorted(ROOT.glob("fixtures/*/registre.yaml"))
SCENARIOS = yaml.safe_load((ROOT / "tests" / "liability" / "scenarios.yaml").read_text(encoding="utf-8"))["cas"]
EVENT_TYPES = ("violation", "demande_droit")


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def answer(text: str, treatment: str | None, event: str | None, selected: bool):
    """The determination's JSON, or the input errors (line, message), for the whole register or
    as `rgpdcheck liability` reads it (determine_file: the selected part, the whole on an error)."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "registre.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            if selected:
                found = determine_file(str(path), treatment, event, None, TODAY, AUDIT_IDS, RULES)
            else:
                found = determine(validate(parse_document(text, str(path)), None, TODAY, AUDIT_IDS), treatment, event, RULES)
            return found.to_dict()
        except InputErrors as errors:
            return [(e.line, e.message) for e in errors.errors]


def questions(data: dict) -> list[tuple[str | None, str | None]]:
    """Every treatment, and every breach or request with its treatment, and alone."""
    asked: list[tuple[str | None, str | None]] = [(str(t["id"]), None) for t in data.get("traitements") or []]
    events = [e for e in data.get("evenements") or [] if e.get("type") in EVENT_TYPES and e.get("id") and e.get("traitement")]
    asked += [(str(e["traitement"]), str(e["id"])) for e in events]
    asked += [(None, str(e["id"])) for e in events]  # `--event` alone: its treatment read first
    return asked


def assert_same_answers(text: str, asked: list[tuple[str, str | None]]) -> None:
    assert asked
    for treatment, event in asked:
        whole = answer(text, treatment, event, selected=False)
        assert answer(text, treatment, event, selected=True) == whole, (treatment, event)


def without_event_ids(data: dict, keep: set[str]) -> dict:
    """The same register, its events keyed by rank (no `id`) but those asked about."""
    out = dict(data)
    out["evenements"] = [e if e.get("id") in keep else {k: v for k, v in e.items() if k != "id"}
                         for e in data.get("evenements") or []]
    return out


def shuffled(data: dict, seed: int) -> dict:
    rng = random.Random(seed)
    out = dict(data)
    for section in ("traitements", "evenements", "derogations", "acteurs"):
        if data.get(section):
            out[section] = rng.sample(data[section], len(data[section]))
    return out


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.parent.name)
def test_bundled_registers_same_answer_selected(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    asked = questions(data)
    first = asked[0][0]
    # and the questions the part read cannot answer: the messages are the whole register's
    unanswerable = [("T-INCONNU", None), (first, "E-INCONNU"), (None, "E-INCONNU"),
                    (first, next((e for _, e in asked if e), None))]
    assert_same_answers(path.read_text(encoding="utf-8"), asked + unanswerable)
    kept = {e for _, e in asked if e}
    assert_same_answers(dump(without_event_ids(shuffled(data, 1), kept)), asked)


@pytest.mark.parametrize("case", SCENARIOS, ids=[c["nom"] for c in SCENARIOS])
def test_liability_scenarios_same_answer_selected(case):
    data = case["registre"]
    other = {"id": "T-AUTRE", "nom": "Autre traitement"}
    # another treatment and its event before the one asked about: ranks move in the selection
    padded = {**data, "traitements": [other, *(data.get("traitements") or [])],
              "evenements": [{"type": "evolution", "traitement": "T-AUTRE", "date": "2019-01-02"},
                             *(data.get("evenements") or [])]}
    asked = questions(data) + [(case["question"].get("traitement"), case["question"].get("evenement"))]
    asked = [(t, e) for t, e in asked if t or e]
    for variant in (data, without_event_ids(padded, {e for _, e in asked if e})):
        assert_same_answers(dump(variant), asked)


def test_a_generated_register_same_answer_selected():
    text = generate.register(30, seed=3, waivers=5, awareness=3)
    data = yaml.safe_load(text)
    asked = questions(data)
    assert_same_answers(text, asked)
    assert_same_answers(dump(without_event_ids(shuffled(data, 2), set())), [(t, None) for t, _ in asked][:10])


@given(registers(), st.integers(min_value=0, max_value=50))
def test_generated_registers_same_answer_selected(data, pick):
    asked = questions(data)
    treatment, event = asked[pick % len(asked)] if asked else ("T-ABSENT", None)
    assert_same_answers(dump(data), [(treatment, event)])


def test_the_selection_builds_only_the_treatment_its_events_and_what_is_register_wide():
    data = yaml.safe_load(generate.register(20, seed=1, waivers=4, awareness=2))
    target = data["traitements"][7]["id"]
    data["derogations"].append({"regle": min(AUDIT_IDS), "traitement": target, "motif": "Décision du DPO."})
    text = dump(data)
    whole = parse_document(text, "registre.yaml")
    part = parse_document(text, "registre.yaml", needed(target, None, RULES))
    assert [t["id"] for t in part.data["traitements"]] == [target]
    for section in ("evenements", "derogations"):
        expected = [(rank, item) for rank, item in enumerate(whole.data[section])
                    if "traitement" not in item or ident(item["traitement"]) == target]
        assert part.positions[section] == [rank for rank, _ in expected]
        assert part.data[section] == [item for _, item in expected]
        assert any("traitement" not in item for _, item in expected) and any("traitement" in item for _, item in expected)
        # each kept item carries the lines it has in the file
        for index, (rank, _) in enumerate(expected):
            lines = {p[2:]: line for p, line in whole.lines.items() if p[:2] == (section, rank)}
            assert {p[2:]: line for p, line in part.lines.items() if p[:2] == (section, index)} == lines
    assert part.omitted_ids["traitements"] == [t["id"] for t in whole.data["traitements"] if t["id"] != target]
    for section in ("acteurs", "dpo", "contrat", "commune"):
        assert part.data.get(section) == whole.data.get(section)


def test_an_anchor_in_an_item_left_out_reads_the_whole_file():
    data = yaml.safe_load(generate.register(3, seed=1))
    text = dump(data).replace("- id: T-00001\n", "- &autre\n  id: T-00001\n", 1)
    assert "&autre" in text
    part = parse_document(text, "registre.yaml", needed("T-00000", None, RULES))
    assert part.positions == {} and len(part.data["traitements"]) == 3
    # an alias in the kept treatment to an anchor of the actors is read as usual
    text = dump(data).replace("acteurs:\n- id:", "acteurs:\n- &premier\n  id:", 1)
    assert "&premier" in text
    assert parse_document(text, "registre.yaml", needed("T-00000", None, RULES)).positions["traitements"] == [0]


def test_ids_written_as_numbers_or_aliases_are_kept_and_judged_by_the_models():
    data = yaml.safe_load(generate.register(3, seed=1))
    data["traitements"][1]["id"] = 12
    for event in data["evenements"]:
        if event.get("traitement") == "T-00001":
            event["traitement"] = 12
    part = parse_document(dump(data), "registre.yaml", needed("T-00000", None, RULES))
    assert [t["id"] for t in part.data["traitements"]] == ["T-00000", 12]  # `12` resolves to a number: undecided
    assert_same_answers(dump(data), [("T-00000", None), ("12", None)])


def test_a_defect_in_another_treatment_does_not_prevent_the_answer(cli, tmp_path):
    data = yaml.safe_load((ROOT / "fixtures" / "bruges" / "registre.yaml").read_text(encoding="utf-8"))
    first, second = data["traitements"][0]["id"], data["traitements"][1]["id"]
    data["traitements"][1]["base_legale"] = "pas-une-base"
    path = tmp_path / "registre.yaml"
    path.write_text(dump(data), encoding="utf-8")
    assert cli("validate", str(path)).exit_code == 2
    answered = cli("liability", str(path), "--treatment", first)
    assert answered.exit_code == 0, answered.output
    refused = cli("liability", str(path), "--treatment", second)
    assert refused.exit_code == 2 and "base_legale" in refused.output


@pytest.mark.parametrize("section", ["evenements", "derogations"])
def test_an_item_naming_no_treatment_is_reported_as_the_whole_register_reports_it(section):
    # `T-0000O` for T-00000: left out of T-00000's part, it may still be an event of T-00000
    data = yaml.safe_load(generate.register(3, seed=1))
    item = ({"type": "evolution", "traitement": "T-0000O", "date": "2019-01-02"} if section == "evenements"
            else {"regle": min(AUDIT_IDS), "traitement": "T-0000O", "motif": "Décision du DPO."})
    data.setdefault(section, []).append(item)
    whole = answer(dump(data), "T-00000", None, selected=False)
    assert isinstance(whole, list) and any("« T-0000O » inconnu" in message for _, message in whole)
    assert answer(dump(data), "T-00000", None, selected=True) == whole
    part = parse_document(dump(data), "registre.yaml", needed("T-00000", None, RULES))
    assert part.omitted_refs[section][-1][0] == "T-0000O"


def test_an_unknown_treatment_lists_every_treatment_of_the_file(cli):
    path = ROOT / "fixtures" / "bruges" / "registre.yaml"
    ids = [t["id"] for t in yaml.safe_load(path.read_text(encoding="utf-8"))["traitements"]]
    result = cli("liability", str(path), "--treatment", "T-INCONNU")
    assert result.exit_code == 2
    assert f"(traitements : {', '.join(sorted(ids))})" in result.output


def test_an_event_alone_is_answered_from_its_treatments_part(monkeypatch):
    from rgpdcheck import liability

    data = yaml.safe_load((ROOT / "fixtures" / "bruges" / "registre.yaml").read_text(encoding="utf-8"))
    event = next(e for e in data["evenements"] if e.get("type") in EVENT_TYPES and e.get("id"))
    read = []
    original = liability.parse_document
    monkeypatch.setattr(liability, "parse_document", lambda *a, **k: read.append(a[2]) or original(*a, **k))
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "registre.yaml"
        path.write_text(dump(data), encoding="utf-8")
        determine_file(str(path), None, event["id"], date(2026, 1, 1), TODAY, AUDIT_IDS, RULES)
    parts = [s for s in read if isinstance(s, liability.Needed)]
    assert None not in read  # no whole read
    assert len(parts) == 1 and parts[0].treatment == event["traitement"]  # one read of its treatment's part


def test_the_whole_register_is_read_when_the_answer_needs_it():
    assert needed(None, "V-1", RULES) is None  # determine_file reads the event's treatment first
    assert needed("T-1", None, RULES) is not None

    class Condition:
        kinds = frozenset({"traitement", "acteur"})  # whether an actor is a controller of any treatment

    class ReadsActors:
        condition = Condition()

    assert needed("T-1", None, (*RULES, ReadsActors())) is None

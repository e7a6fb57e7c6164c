"""Rule texts print words, not the register's raw values (wording.py).

Every fact field has a display; the loader refuses a placeholder that would print an internal
value or bypass the display; and on every bundled register (fixtures, annotated rule and
deadline fixtures, liability scenarios) no message or reason shows an ISO date, a treatment
or actor id that has a name, or an enumerated value whose label differs from it.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from conftest import ROOT, TODAY

from rgpdcheck import rulebook
from rgpdcheck.condition import compile_condition
from rgpdcheck.echeances import upcoming
from rgpdcheck.fact_schema import ABSENT, FACT_FIELDS
from rgpdcheck.facts import build_facts
from rgpdcheck.liability import determine_all
from rgpdcheck.validate import load_register
from rgpdcheck.wording import (
    INTERNAL,
    Names,
    display,
    french_date,
    french_instant,
    render,
)

SCENARIOS = yaml.safe_load((ROOT / "tests" / "liability" / "scenarios.yaml").read_text(encoding="utf-8"))["cas"]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_every_fact_field_has_a_display():
    missing = [(kind, name) for kind, names in FACT_FIELDS.items() for name in names
               if _display_or_none(kind, name) is None]
    assert missing == []


def _display_or_none(kind, name):
    try:
        return display(kind, name)
    except KeyError:
        return None


def test_dates_and_instants_in_french():
    assert french_date(date(2019, 5, 13)) == "13 mai 2019"
    assert french_date("2018-12-01") == "1er décembre 2018"
    paris = timezone(timedelta(hours=2))
    assert french_instant(datetime(2019, 5, 13, 14, 0, tzinfo=paris)) == "13 mai 2019 à 14 h"
    assert french_instant("2019-05-13T14:30+02:00") == "13 mai 2019 à 14 h 30"
    assert french_instant("2019-05-13") == "13 mai 2019"


def test_render_names_labels_and_dates():
    fact = {"id": "demande:1", "kind": "demande", "tid": "T-1", "droit": "acces", "date": "2019-05-13",
            "jours_retard": 1, "repondue": ABSENT}
    names = Names(treatments={"T-1": "Cantine"})
    text = render("{d.droit} sur « {d.tid} » le {d.date}, {d.jours_retard} de retard, répondue : {d.repondue}",
                  {"d": fact}, names)
    assert text == "droit d'accès sur « Cantine » le 13 mai 2019, 1 jour de retard, répondue : non renseigné"
    assert render("(id: {d.tid:id})", {"d": fact}, names) == "(id: T-1)"  # what to write in the register


@pytest.mark.parametrize("placeholder, why", [
    ("{d.jour_limite}", "valeur interne"),
    ("{d.droit!r}", "pas de format"),
    ("{d.date:>12}", "pas de format"),
    ("{d.droit:id}", "n'affiche que l'identifiant"),
])
def test_the_loader_refuses_a_placeholder_that_would_print_raw(placeholder, why):
    condition = {"all": [{"d": {"kind": "demande"}}]}
    compile_condition(condition, "d", [placeholder])  # a template read by programs: fine
    with pytest.raises(ValueError, match=why):
        compile_condition(condition, "d", [], [f"La demande {placeholder}."])


def _registers() -> list[str]:
    paths = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))
    return [str(p.relative_to(ROOT)) for p in paths + sorted((ROOT / "tests" / "echeances").glob("*.yaml"))]


def _raw_tokens(register) -> dict[str, str]:
    """Raw value -> what people should read instead, for this register."""
    out = {t.id: t.nom for t in register.model.traitements if t.nom != t.id}
    out.update({i: n for i, n in register.actor_names().items() if n != i})
    return out


def _check_texts(texts: list[str], register) -> list[str]:
    raw = _raw_tokens(register)
    bad = []
    for text in texts:
        if ISO_DATE.search(text):
            bad.append(f"date ISO : {text}")
        for token in raw:
            # a key path of the register (`metropole.role_declare`) is not a value, nor an id
            # given as what to write (`id: bruges`, printed by `{r.commune:id}`)
            if re.search(rf"(?<![\w.-])(?<!id: ){re.escape(token)}(?![\w-]|\.\w)", text):
                bad.append(f"« {token} » au lieu de « {raw[token]} » : {text}")
    return bad


def _check_substitutions(hits, names) -> list[str]:
    """Each value a placeholder printed has its words: an enumerated value its label, an id
    its name (the texts' check above only sees what is left in the final text)."""
    tables = {"traitement": names.treatments, "acteur": names.actors, "dpo": names.dpos, "commune": names.communes}
    bad = []
    for hit in hits:
        for text in hit.rule.spec.texts():
            for _, name, _, _ in string.Formatter().parse(text):
                if not name:
                    continue
                alias, _, field = name.partition(".")
                fact = hit.bound[alias]
                shown, value = display(fact["kind"], field), fact[field]
                known = shown.labels if shown.how in ("label", "oui_non", "presence") else tables.get(shown.how)
                if shown is INTERNAL or (known is not None and value != ABSENT and value not in known):
                    bad.append(f"{hit.rule.id} : {name} = {value}")
    return bad


@pytest.mark.parametrize("path", _registers())
def test_no_raw_value_in_the_messages_of_a_bundled_register(path):
    register = load_register(str(ROOT / path), None, TODAY, {r.id for r in rulebook.load("audit")})
    facts = build_facts(register)
    hits = rulebook.run(rulebook.load("audit"), facts, register.document)
    names = Names.of(register)
    texts = [render(h.rule.spec.message, h.bound, names) for h in hits]
    deadlines = upcoming(register, 3650)
    texts += [d.finding.message for d in deadlines] + [d.due_words for d in deadlines]
    assert _check_texts(texts, register) + _check_substitutions(hits, names) == []


@pytest.mark.parametrize("case", SCENARIOS, ids=[c["nom"] for c in SCENARIOS])
def test_no_raw_value_in_the_reasons_of_a_liability_scenario(tmp_path, case):
    path = tmp_path / "registre.yaml"
    path.write_text(yaml.safe_dump(case["registre"], allow_unicode=True, sort_keys=False), encoding="utf-8")
    register = load_register(str(path), None, TODAY)
    texts = [r.text for d in determine_all(register).values() for r in d.reasons]
    texts += [step for d in determine_all(register).values() for step in d.escalation]
    assert texts and _check_texts(texts, register) == []


def test_a_raw_value_is_caught(tmp_path):
    """The checks above would see a raw id and an ISO date (they are not vacuous)."""
    register = load_register(str(ROOT / "fixtures" / "bruges" / "registre.yaml"), None, TODAY)
    assert _check_texts(["La demande sur « T-MAGNOLIA » du 2019-05-13."], register) == [
        "date ISO : La demande sur « T-MAGNOLIA » du 2019-05-13.",
        "« T-MAGNOLIA » au lieu de « Gestion du personnel et de la paie » : La demande sur « T-MAGNOLIA » du 2019-05-13.",
    ]


def test_the_html_report_sets_the_register_words_of_a_message_as_code(cli):
    """A message names the key to fill (`procedure_rectification: true`): code in the HTML."""
    html = cli("audit", "-f", "html", str(ROOT / "fixtures" / "bruges" / "registre.yaml")).stdout
    assert "(<code>procedure_rectification: true</code>)" in html
    assert "(<code>information_personnes.realisee</code>)" in html
    assert "<code>de</code>" not in html and "<code>Bruges</code>" not in html

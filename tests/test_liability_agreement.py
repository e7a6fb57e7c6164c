"""`rgpdcheck liability` and the audit read the same facts the same way.

Walks every treatment and identified event of the bundled registers, the annotated rule
fixtures of the families both read and the liability scenarios, and checks each reading
both make: a late request or breach, a V-e step done without its prerequisite, an evolution
of a prior treatment without the DPO's prior opinion, a breach inside the delegation. Then
the answers the lawyer's reading of issue 13 fixed on the Bordeaux register.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
import yaml
from conftest import ROOT, TODAY

from rgpdcheck import rulebook
from rgpdcheck.audit import audit_register
from rgpdcheck.liability import determine
from rgpdcheck.loader import parse_document
from rgpdcheck.validate import validate

AUDIT = rulebook.load("audit")
LIABILITY = rulebook.load("responsabilite")
IDS = {r.id for r in AUDIT}
BORDEAUX = ROOT / "fixtures" / "bordeaux" / "registre.yaml"
FAMILIES = ("ve1-", "ve2-", "ve3-", "vd-violation-", "vd-demande-")
SCENARIOS = yaml.safe_load((ROOT / "tests" / "liability" / "scenarios.yaml").read_text(encoding="utf-8"))["cas"]
# (a register without an avenant, `cadre: rgpd`, has no contractual burden to apportion)
TEXTS = ([(p.parent.name, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("fixtures/*/registre.yaml"))
          if "\ncadre: rgpd" not in p.read_text(encoding="utf-8")]
         + [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "rules").glob("*.yaml"))
            if p.stem.startswith(FAMILIES)]
         + [(c["nom"], yaml.safe_dump(c["registre"], allow_unicode=True, sort_keys=False)) for c in SCENARIOS])

# audit rules -> the liability reading of the same subject fact
PROCESS_AUDIT = {"ve1-saisine-dpo-tardive", "ve2-saisine-dgnsi-tardive", "ve2-saisine-dpo-tardive", "ve3-mise-en-oeuvre-sans-avis"}
PROCESS_LIABILITY = {"resp-vj-commune-processus-notifie-non-respecte", "resp-vj-commune-processus-non-notifie",
                     "resp-ve-metropole-processus-non-respecte", "resp-ve-processus-non-respecte-auteur-inconnu"}
LATE_AUDIT = {"vd-demande-reponse-tardive", "vd-demande-sans-reponse", "vd-violation-notification-tardive",
              "vd-violation-non-notifiee"}


def readings(text: str):
    register = validate(parse_document(text, "registre.yaml"), None, TODAY, IDS)
    findings = audit_register(register, AUDIT, waivers=False).findings
    by_subject: dict[str, set[str]] = {}
    for f in findings:
        by_subject.setdefault(f.subject, set()).add(f.rule_id)
    return register, by_subject


@pytest.mark.parametrize("name, text", TEXTS, ids=[n for n, _ in TEXTS])
def test_liability_and_audit_agree(name, text):
    register, audit = readings(text)
    known = {t.id for t in register.model.traitements if t.cree_le is None or t.cree_le <= register.as_of}
    for tid in sorted(known):
        answer = determine(register, tid, None, LIABILITY)
        process = {r.fact for r in answer.reasons if r.rule_id in PROCESS_LIABILITY}
        flagged = {s for s, rules in audit.items() if rules & PROCESS_AUDIT and s.startswith("etape:")}
        mine = {s for s in flagged if _tid_of(register, s) == tid}
        assert process == mine, f"{tid}: V-e steps read apart (liability {sorted(process)}, audit {sorted(mine)})"
        evolutions = {r.fact for r in answer.reasons if r.rule_id == "resp-vk-evolution-traitee-par-metropole"}
        assert not any("ve3-evolution-sans-avis" in audit.get(e, set()) for e in evolutions), tid
    for event in register.model.evenements:
        if event.id is None or event.type not in ("violation", "demande_droit") or event.traitement not in known:
            continue
        if (event.date or event.detectee_le if event.type == "violation" else event.recue_le) is None:
            continue
        try:
            answer = determine(register, event.traitement, event.id, LIABILITY)
        except Exception:
            continue
        subject = f"{'violation' if event.type == 'violation' else 'demande'}:{event.id}"
        late = bool(audit.get(subject, set()) & LATE_AUDIT)
        duty = answer.event_duty or {}
        assert late == (duty.get("in_time") is False), f"{event.id}: late {late} in the audit, {duty} in liability"
        if duty.get("in_time") is None:  # neither late nor done: only while its deadline runs
            assert duty.get("deadline") and duty["deadline"][:10] >= register.as_of.isoformat(), f"{event.id}: {duty}"
        if event.type == "violation" and register.contract.violations_confiees_metropole:
            flagged = "vd-violation-geree-par-commune" in audit.get(subject, set())
            if getattr(event, "geree_par", None) == "commune":
                assert flagged == (duty.get("must_act") == ["metropole"]), f"{event.id}: delegation read apart"


def _tid_of(register, subject: str) -> str | None:
    """The treatment of an event fact (keyed by the event's id, else `#<rank>`)."""
    key = unquote(subject.split(":", 1)[1])
    if key.startswith("#"):
        return register.model.evenements[int(key[1:])].traitement
    return next((e.traitement for e in register.model.evenements if e.id == key), None)


def bordeaux(treatment: str | None = None, event: str | None = None):
    register = validate(parse_document(BORDEAUX.read_text(encoding="utf-8"), str(BORDEAUX)), None, TODAY, IDS)
    return determine(register, treatment, event, LIABILITY)


def test_bm_bears_its_own_late_answer_on_a_prior_treatment():
    answer = bordeaux(event="E-DEM-CANTINE")
    assert (answer.bears, answer.exonerated, answer.may_claim_costs) == ("metropole", [], [])
    assert answer.event_duty["failure_borne_by"] == "metropole" and answer.basis.nature == "interpretation"
    assert "resp-vd-demande-tardive-traitement-anterieur" in [r.rule_id for r in answer.reasons]


def test_an_evolution_without_the_dpo_prior_opinion_keeps_the_prior_exoneration():
    answer = bordeaux("T-ETAT-CIVIL")
    assert (answer.bears, answer.exonerated) == ("bordeaux", ["metropole"])
    rules = [r.rule_id for r in answer.reasons]
    assert "resp-vk-evolution-sans-avis-prealable" in rules and "resp-vk-evolution-traitee-par-metropole" not in rules


def test_the_ccas_is_its_own_controller_and_bm_bears_its_own_v_e_2_failure():
    answer = bordeaux("T-CCAS-AIDES")
    assert answer.roles["controller"] == ["ccas-bordeaux"] and "ccas-bordeaux" in answer.answerable
    assert answer.bears == "metropole" and answer.exonerated == []
    assert "resp-ve-metropole-processus-non-respecte" in [r.rule_id for r in answer.reasons]


def test_the_dgnsi_late_referral_is_bm_s_failure():
    answer = bordeaux("T-PORTAIL")
    assert answer.bears == "metropole" and answer.basis.nature == "interpretation"
    reason = next(r for r in answer.reasons if r.rule_id == "resp-ve-metropole-processus-non-respecte")
    assert reason.line == BORDEAUX.read_text(encoding="utf-8").splitlines().index(
        next(line for line in BORDEAUX.read_text(encoding="utf-8").splitlines() if "E-VALID-PF" in line)) + 1


def test_no_answer_depends_on_a_rank():
    for rule in LIABILITY:
        contractual = rule.spec.conclut.contractuel
        if contractual is not None:
            assert not hasattr(contractual, "rang")
            assert set(contractual.deroge_a) <= {r.id for r in LIABILITY}, rule.id

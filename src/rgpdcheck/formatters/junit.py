"""JUnit XML output, for GitLab merge requests and Jenkins.

One test suite per register; one test case per rule and treatment (register-wide rules:
one case for the register). A case fails with one `<failure>` per finding; a case whose
findings are all accepted by a waiver is `<skipped>` with the waiver's reason; the
others pass, so the report also shows what was checked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from ..audit import AuditResult
from ..findings import Finding
from ..reports import AuditReport, DeadlineReport
from ..rulebook import Rule

REGISTER = "registre"


def _cases(result: AuditResult, rules: tuple[Rule, ...]) -> dict[tuple[str, str], list[Finding]]:
    cases: dict[tuple[str, str], list[Finding]] = {}
    for rule in rules:
        for subject in (result.treatment_ids if rule.per_treatment else (REGISTER,)):
            cases[(rule.id, subject)] = []
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_case[(finding.rule_id, finding.treatment or REGISTER)].append(finding)
    cases.update(by_case)
    return dict(sorted(cases.items()))


def _suite(result: AuditResult, rules: tuple[Rule, ...]) -> ET.Element:
    by_id = {r.id: r for r in rules}
    suite = ET.Element("testsuite", name=f"rgpdcheck {result.file}")
    failures = skipped = 0
    cases = _cases(result, rules)
    for (rule_id, subject), findings in cases.items():
        rule = by_id[rule_id]
        case = ET.SubElement(suite, "testcase", classname=f"rgpdcheck.{rule.family}",
                             name=f"{rule_id} [{subject}]", file=result.file)
        counted = [f for f in findings if f.counted]
        if counted:
            failures += 1
            case.set("line", str(counted[0].line))
            for f in counted:
                failure = ET.SubElement(case, "failure", message=f.message, type=f.severity)
                failure.text = f"{f.file}:{f.line} [{f.severity}] {f.message}\nRéférences : {' ; '.join(f.citations)}"
        elif findings:
            skipped += 1
            waiver = findings[0].waiver
            assert waiver is not None
            ET.SubElement(case, "skipped", message=f"dérogation jusqu'au {waiver.jusqu_au.isoformat()} : {waiver.motif}")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def audit(report: AuditReport) -> str:
    results, rules = report.results, report.rules
    root = ET.Element("testsuites", name="rgpdcheck")
    suites = [_suite(r, rules) for r in results]
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in suites)))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())

"""The HTML report: self-contained, complete, deterministic, and rendered by a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from rgpdcheck.audit import audit_file, summary
from rgpdcheck.catalogue import clauses_of_rule
from rgpdcheck.clauses import clauses
from rgpdcheck.formatters import render as render_report
from rgpdcheck.reports import AuditReport
from rgpdcheck.rulebook import load as load_rules

RULES = load_rules()
BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"
CONFORME = ROOT / "fixtures" / "conforme" / "registre.yaml"


class Page(HTMLParser):
    """What a test needs of a page: elements by class, attributes, and every URL it loads."""

    def __init__(self, text: str):
        super().__init__()
        self.classes: list[tuple[str, dict[str, str | None]]] = []
        self.urls: list[str] = []
        self.body: dict[str, str | None] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "body":
            self.body = attributes
        for name in ("src", "href"):
            if attributes.get(name):
                self.urls.append(attributes[name] or "")
        if tag == "link":
            self.urls.append(attributes.get("href") or "")
        self.classes.append((tag, attributes))

    def count(self, tag: str, css: str) -> int:
        return sum(1 for t, a in self.classes if t == tag and css in (a.get("class") or "").split())

    def findings(self, css: str) -> int:
        """The findings the `constat` articles of a class show: one each, or the treatments
        of a grouped one (the same finding on many treatments, grouping.py)."""
        return sum(int(a.get("data-traitements") or 1) for t, a in self.classes
                   if t == "article" and css in (a.get("class") or "").split())


def render(*paths: Path) -> str:
    return render_report("html", AuditReport([audit_file(str(p), None, TODAY, RULES) for p in paths], RULES))


def test_report_counts_every_finding_by_severity_and_keeps_waived_ones_apart():
    result = audit_file(str(BRUGES), None, TODAY, RULES)
    page = Page(render_report("html", AuditReport([result], RULES)))
    totals = summary([result])
    for severity, n in totals["by_severity"].items():
        counted = [f for f in result.findings if f.counted and f.severity == severity]
        assert page.findings(severity) == len(counted) == n
    assert page.count("article", "deroge") == totals["waived"]
    assert page.body["data-erreurs"] == str(totals["by_severity"]["erreur"])
    # every audited treatment has its row in the status table, with its name and its state; a
    # treatment with findings links to the heading above exactly its findings
    text = render_report("html", AuditReport([result], RULES))
    assert len(result.treatment_names) == result.treatments > 5
    for tid, name in result.treatment_names:
        row = re.search(rf"<tr><td><code>{re.escape(tid)}</code></td><td>{re.escape(escape(name))}</td><td>(.*?)</td></tr>", text)
        assert row, tid
        own = [f for f in result.findings if f.counted and f.treatment == tid]
        if not own:
            assert row.group(1) == '<span class="statut conforme">conforme</span>'
            continue
        target = re.match(r'<a href="#([^"]+)" class="statut', row.group(1)).group(1)
        section = text[text.index(f'<h3 id="{target}">'):]
        section = section[: re.search(r"<h[23][ >]", section[4:]).start() + 4]
        # its own findings, and links to the findings common to many treatments it is among
        grouped = re.findall(r'<a href="#commun-[^"]+" data-regle="([^"]+)"', section)
        assert section.count('<article class="constat') + len(grouped) == len(own)
        assert sorted(re.findall(r'data-regle="([^"]+)"', section)) == sorted(f.rule_id for f in own)
    assert page.count("span", "conforme") == len({t for t, _ in result.treatment_names}
                                                  - {f.treatment for f in result.findings if f.counted})


def test_each_clause_text_is_quoted_once_in_an_appendix_linked_from_each_finding():
    text = render(BRUGES)
    municipol = text[text.index('data-regle="va1-infractions-base-inadaptee"'):]
    municipol = municipol[: municipol.index("</article>")]
    assert "RGPD art. 10" in municipol and re.search(r"Ligne \d+ du registre", municipol)
    late = text[text.index('data-regle="vd-violation-notification-tardive"'):]
    late = late[: late.index("</article>")]
    assert "<blockquote>" not in late and 'href="#clause-V-d-violations"' in late
    appendix = text[text.index('<section class="annexe" id="clauses">'):]
    assert '<article class="clause" id="clause-V-d-violations">' in appendix
    assert "lignes " in appendix and "ligne(s)" not in text
    # every clause cited by a finding, and only those, quoted exactly once
    by_id = {r.id: r for r in RULES}
    result = audit_file(str(BRUGES), None, TODAY, RULES)
    cited = {c.id for f in result.findings for c in clauses_of_rule(by_id[f.rule_id])}
    assert text.count("<blockquote>") == len(cited) > 5
    v_b = clauses()["V-b"].texte
    assert text.count(escape(v_b)) == 1  # it was printed once per finding citing it (9 times)
    assert sum('href="#clause-V-b"' in a for a in text.split("<article")) > 5
    # every internal link has its target
    ids = set(re.findall(r' id="([^"]+)"', text))
    assert {href[1:] for href in re.findall(r'href="(#[^"]*)"', text)} <= ids


def test_self_contained_and_deterministic():
    text = render(BRUGES)
    page = Page(text)
    assert [u for u in page.urls if not u.startswith("#")] == []  # no stylesheet, script, image or font to fetch
    assert "@import" not in text and "url(" not in text
    assert text == render(BRUGES)
    assert "@media print" in text


def test_french_plurals_never_constat_s(tmp_path):
    text = render(BRUGES, CONFORME)
    assert not re.search(r"\w\((s|es|ent)\)", text.replace("le(s) DPO", ""))  # the avenant writes « le(s) DPO »
    assert "10 traitements audités" in text and "1 erreur, 2 avertissements" in text
    one = tmp_path / "registre.yaml"
    one.write_text("version: 1\ncommune: bruges\ndate_reference: 2019-03-01\n"
                   "traitements:\n  - id: T-1\n    nom: Seul\n", encoding="utf-8")
    single = render(one)
    assert "1 traitement audité" in single and "constat couvert par une dérogation" in single
    assert "traitements audités" not in single


def test_summary_cards_are_even():
    text = render(BRUGES)
    assert ".cartes { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr));" in text
    cards = text[text.index('<section class="cartes"'):]
    cards = cards[: cards.index("</section>")]
    assert cards.count('<div class="carte') == 5  # one per column of the grid


def test_compliant_register_says_so():
    page_text = render(CONFORME)
    assert "Aucun constat" in page_text
    assert Page(page_text).count("span", "conforme") >= 2


def test_several_registers_in_one_report():
    text = render(BRUGES, CONFORME)
    assert text.count('<section class="registre"') == 2
    assert "Bruges" in text and "Bordeaux" in text


# --- a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profil'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def screenshot(report: Path, target: Path, tmp_path: Path) -> None:
    """Render the report's first screen to a PNG (also how docs/rapport.png is made)."""
    browser(tmp_path, f"--screenshot={target}", "--window-size=1200,1400", report.as_uri())


@pytest.mark.skipif(CHROMIUM is None, reason="chromium absent : .ci/run l'installe (paquet Debian chromium) ; "
                                              "sans lui le rendu dans un vrai navigateur n'est pas vérifié")
def test_report_renders_in_a_real_browser(tmp_path):
    report = tmp_path / "rapport.html"
    result = audit_file(str(BRUGES), None, TODAY, RULES)
    report.write_text(render_report("html", AuditReport([result], RULES)), encoding="utf-8")
    dom = browser(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = Page(dom.stdout)
    by = summary([result])["by_severity"]
    assert rendered.findings("erreur") == by["erreur"]
    assert rendered.findings("avertissement") == by["avertissement"]
    assert re.search(rf'data-gravite="erreur">{by["erreur"]}<', dom.stdout)
    png = tmp_path / "rapport.png"
    screenshot(report, png, tmp_path)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page was drawn, not a blank one
    pdf = tmp_path / "rapport.pdf"
    browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    # printed, the Bruges report (42 findings) fits in a dozen pages (it took 35 when each finding
    # repeated its clauses' text)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    assert 3 <= pages <= 12, pages

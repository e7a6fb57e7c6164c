"""The event-driven loader builds exactly what PyYAML's safe loader builds (without implicit
timestamps), with a line for every path; PyYAML's own composer is the oracle."""

from __future__ import annotations

import math

import pytest
import yaml
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from rgpdcheck.errors import InputErrors
from rgpdcheck.loader import _Loader, parse_document

REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))


def oracle(text: str):
    return yaml.load(text, Loader=_Loader)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_bundled_register_loads_as_pyyaml_loads_it(path):
    text = path.read_text(encoding="utf-8")
    assert same(parse_document(text, str(path)).data, oracle(text))


SCALARS = """
entiers: [12, -3, +4, 0x1F, 0o17, "12", '7', 0, -0]
reels: [1.5, -2e3, .inf, -.Inf, .nan, 1.10]
booleens: [true, False, yes, No, on, OFF, "yes"]
nuls: [~, null, Null, ]
vide:
textes: [2018-05-25, 2019-03-01T10:00, "2018-05-25", abc, 'a: b', "é", !!str 12, ! 13]
bloc: |
  deux
  lignes
replie: >
  un
  texte
"""

ANCHORS = """
defaut: &defaut
  contrat_ecrit: true
  instructions: {documentees: true, le: 2018-06-01}
autre: &autre {rang: 1, selectionne_par: metropole}
liste: &liste [a, b, [c, d]]
sous_traitants:
  - <<: *defaut
    acteur: abelium
  - <<: [*autre, *defaut]
    acteur: logitud
    rang: 2
  - {<<: {x: 1}, y: 2}
copie: *liste
copies: [*liste, *autre]
"""


@pytest.mark.parametrize("text", [SCALARS, ANCHORS, "---\n", "--- 3\n", "- a\n- b\n", "a: {b: [1, {c: d}]}\n"])
def test_scalars_anchors_and_merges_as_pyyaml(text):
    assert same(parse_document(text, "r.yaml").data, oracle(text))


YAML11_NUMBERS = ["0b101", "1_000", "1:30", "12:30", "1:20", "0012", "017", "+0755", "1_000.5", "1:20.5", "190:20:30"]


@pytest.mark.parametrize("written", YAML11_NUMBERS)
def test_numbers_only_yaml_1_1_converts_stay_the_text_written(written):
    """`id: 1:20` was read as 80 and `id: 0012` as 10 (YAML 1.1): now the text, as YAML 1.2 core."""
    assert not isinstance(oracle(f"v: {written}\n")["v"], str)  # PyYAML converts it
    assert parse_document(f"v: {written}\nl: [{written}]\n", "r.yaml").data == {"v": written, "l": [written]}


def test_identifiers_written_like_times_or_octal_reach_the_reports_as_written(tmp_path, cli):
    path = tmp_path / "registre.yaml"
    path.write_text("version: 1\ncommune: bruges\ntraitements:\n  - id: 1:20\n    nom: 12:30\n"
                    "  - id: 0012\n    nom: Autre\n", encoding="utf-8")
    result = cli("audit", str(path), "-f", "json")
    assert result.exit_code in (0, 1), result.output
    assert '"1:20"' in result.stdout and '"0012"' in result.stdout
    assert '"80"' not in result.stdout and '"10"' not in result.stdout


def test_merge_of_several_mappings_follows_the_yaml_spec():
    """Earlier mappings of a merge sequence win over later ones, explicit keys over both
    (yaml.org/type/merge). PyYAML 6.0.4 decides between equal keys of different sources by
    the identity of the key string objects, so it is no oracle here."""
    text = "a: &a {c: false, r: 1}\nd: &d {c: true, i: 2}\nx: {<<: [*a, *d], r: 3}\n"
    assert parse_document(text, "r.yaml").data["x"] == {"c": False, "r": 3, "i": 2}


def test_lines_of_aliased_and_merged_paths():
    document = parse_document(ANCHORS, "r.yaml")
    line = {text: n for n, text in enumerate(ANCHORS.splitlines(), 1)}
    assert document.line_of(("sous_traitants", 0, "acteur")) == line["    acteur: abelium"]
    # an inherited key is located at the merge that brings it
    assert document.line_of(("sous_traitants", 0, "contrat_ecrit")) == line["  - <<: *defaut"]
    # an alias's inner paths are located at the anchored node
    assert document.line_of(("copie", 2, 1)) == line["liste: &liste [a, b, [c, d]]"]
    assert document.line_of(("copies", 1, "rang")) == line["autre: &autre {rang: 1, selectionne_par: metropole}"]


keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), keys,
                   st.sampled_from(["yes", "0x10", "1:20", "~", "2018-01-01", "- a", "#", "'", "é"]))
documents = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                         max_leaves=25)


@given(documents, st.booleans())
def test_any_yaml_pyyaml_writes_loads_the_same(value, flow):
    text = yaml.safe_dump({"racine": value}, allow_unicode=True, default_flow_style=flow)
    assert same(parse_document(text, "r.yaml").data, oracle(text))


@pytest.mark.parametrize(("text", "message"), [
    ("a: *nulle\n", "alias YAML non défini"),
    ("a: &x 1\nb: &x 2\n", "ancre YAML « &x » définie deux fois"),
    ("a: 1\n---\nb: 2\n", "un seul document YAML"),
    ("? [a, b]\n: 1\n", "clé non scalaire"),
    ("a: !!set {x}\n", "étiquette YAML non autorisée"),
    ("a: !!binary aGVsbG8=\n", "étiquette YAML non autorisée"),
    ("[" * 3000 + "]" * 3000 + "\n", "imbriquée trop profondément"),  # libyaml's own limit
    ("[" * 900 + "]" * 900 + "\n", "imbriquée trop profondément"),  # Python's recursion limit
])
def test_structural_errors_are_located(text, message):
    with pytest.raises(InputErrors) as caught:
        parse_document(text, "r.yaml")
    assert any(message in e.message and e.line >= 1 for e in caught.value.errors), caught.value.errors

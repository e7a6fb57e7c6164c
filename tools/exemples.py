"""Build src/rgpdcheck/data/exemples.yaml: each rule's annotated example, for `rgpdcheck explain`.

The annotated registers of the tests (tests/rules/<rule-id>.yaml, tests/echeances/<rule-id>.yaml
and their `--<case>` variants) are the one source of the examples; the installed package has
no tests folder, so it ships this extract of them. tests/test_examples.py fails while the
committed file differs from what this script writes.

    python tools/exemples.py          # rewrite src/rgpdcheck/data/exemples.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "rgpdcheck" / "data" / "exemples.yaml"
SOURCES = ("tests/rules", "tests/echeances")
ANNOTATION = re.compile(r"^\s*#\s*(ruleid|ok):\s*([a-z0-9-]+)\s*$")
MAX_LINES = 12  # of one annotated entry; a longer one is cut with « … »
HEADER = ("# Généré par tools/exemples.py depuis tests/rules et tests/echeances : ne pas modifier à la main.\n"
          "# Pour chaque règle, les lignes de ses registres de test où elle doit se déclencher (ruleid)\n"
          "# et où elle ne doit pas (ok), avec l'entrée du registre qui la contient (cible : rang de la ligne).\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _code(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _entry(lines: list[str], target: int) -> tuple[list[str], int]:
    """The register entry holding line index `target`, and the target's index in it.

    The entry is the list item the line belongs to (`- {…}`, or `- id: …` and the keys
    below it); a line at the top of the register stands for the register as a whole, shown
    entire. Comments are left out; at most MAX_LINES lines, the target kept."""
    start = target
    if _indent(lines[target]) == 0:
        start = next(n for n in range(len(lines)) if _code(lines[n]))
        floor = -1
    else:
        while not lines[start].lstrip().startswith("- "):
            above = [n for n in range(start) if _code(lines[n]) and _indent(lines[n]) < _indent(lines[start])]
            if not above:
                break
            start = above[-1]
        floor = _indent(lines[start])
    chosen = [start]
    for n in range(start + 1, len(lines)):
        if lines[n].strip() and _indent(lines[n]) <= floor:
            break
        if _code(lines[n]):
            chosen.append(n)
    if len(chosen) > MAX_LINES:
        keep = chosen[:MAX_LINES - 1] if chosen.index(target) < MAX_LINES - 1 else chosen[:MAX_LINES - 2] + [target]
        chosen = keep + [-1]
    base = min(_indent(lines[n]) for n in chosen if n >= 0)
    extract = [lines[n][base:].rstrip() if n >= 0 else " " * (_indent(lines[chosen[-2]]) - base) + "…" for n in chosen]
    return extract, chosen.index(target)


def annotated(path: Path, rule_id: str) -> list[dict]:
    """The cases of `rule_id` in one annotated register, in line order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cases = []
    for number, text in enumerate(lines, 1):
        match = ANNOTATION.match(text)
        if not match or match[2] != rule_id:
            continue
        target = next(n for n in range(number, len(lines)) if _code(lines[n]))
        extract, at = _entry(lines, target)
        cases.append({"attendu": "constat" if match[1] == "ruleid" else "aucun", "ligne": target + 1,
                      "extrait": extract, "cible": at})
    return sorted(cases, key=lambda c: c["ligne"])


def examples(root: Path = ROOT) -> dict[str, list[dict]]:
    """{rule id: [{fichier, cas}]} for every annotated register, files in name order."""
    out: dict[str, list[dict]] = {}
    for folder in SOURCES:
        for path in sorted((root / folder).glob("*.yaml")):
            rule_id = path.stem.split("--")[0]
            cases = annotated(path, rule_id)
            if cases:
                out.setdefault(rule_id, []).append({"fichier": f"{folder}/{path.name}", "cas": cases})
    return dict(sorted(out.items()))


def render(root: Path = ROOT) -> str:
    return HEADER + yaml.safe_dump({"exemples": examples(root)}, allow_unicode=True, sort_keys=False, width=200)


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)} : {len(examples())} règles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

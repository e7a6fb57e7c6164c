"""Record the output of every command on every bundled register and scenario.

Run before and after a refactoring, then compare the two folders (`diff -r`):
behaviour must change only where an issue asks for it.

    python tools/golden.py OUT_DIR

Registers: fixtures/*/registre.yaml, the annotated rule and deadline fixtures, the
liability scenarios (written under OUT_DIR/../golden-scenarios so paths are stable) and
the bad-input corpus. Commands: audit in every format, echeances (text, json), liability
on every treatment and every identified event (text, json), export (both registers),
rules, explain (every rule and clause) and schema. Runs in process (click's runner).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def registers(scenario_dir: Path) -> list[Path]:
    out = sorted(ROOT.glob("fixtures/*/registre.yaml"))
    out += sorted((ROOT / "tests" / "rules").glob("*.yaml"))
    out += sorted((ROOT / "tests" / "echeances").glob("*.yaml"))
    data = yaml.safe_load((ROOT / "tests" / "liability" / "scenarios.yaml").read_text(encoding="utf-8"))
    for case in data["cas"]:
        path = scenario_dir / case["nom"] / "registre.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(case["registre"], allow_unicode=True, sort_keys=False), encoding="utf-8")
        out.append(path)
    return out


def main(out_dir: str) -> None:
    from rgpdcheck.cli import main as cli

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    scenario_dir = out.parent / "golden-scenarios"
    os.chdir(ROOT)
    runner = CliRunner()

    def run(name: str, *args: str) -> None:
        result = runner.invoke(cli, list(args))
        text = f"$ rgpdcheck {' '.join(args)}\nexit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        if result.exception and not isinstance(result.exception, SystemExit):
            text += f"--- exception\n{type(result.exception).__name__}: {result.exception}\n"
        (out / f"{name}.txt").write_text(text, encoding="utf-8")

    for path in registers(scenario_dir):
        rel = os.path.relpath(path, ROOT)
        key = rel.replace("/", "__")
        for fmt in ("text", "json", "sarif", "junit", "github", "html"):
            run(f"{key}.audit.{fmt}", "audit", "-f", fmt, rel)
        for fmt in ("text", "json", "sarif"):
            run(f"{key}.echeances.{fmt}", "echeances", "-f", fmt, rel)
        run(f"{key}.export.responsable", "export", rel)
        run(f"{key}.export.sous-traitant", "export", "--registre", "sous-traitant", rel)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for t in data.get("traitements") or []:
            for fmt in ("text", "json"):
                run(f"{key}.liability.{t['id']}.{fmt}", "liability", rel, "--treatment", str(t["id"]), "--format", fmt)
        for e in data.get("evenements") or []:
            if isinstance(e, dict) and e.get("id") and e.get("type") in ("violation", "demande_droit"):
                for fmt in ("text", "json"):
                    run(f"{key}.liability-event.{e['id']}.{fmt}", "liability", rel, "--event", str(e["id"]), "--format", fmt)
    for path in sorted((ROOT / "tests" / "corpus").glob("*.yaml")):
        rel = os.path.relpath(path, ROOT)
        run(f"corpus__{path.stem}.audit", "audit", "-f", "json", rel)
    for fmt in ("text", "json", "markdown"):
        run(f"rules.{fmt}", "rules", "--format", fmt)
    try:
        from rgpdcheck.rulebook import load as load_rules
    except ImportError:  # before the rule core (commit d115165)
        from rgpdcheck.rules import load_rules

    for rule in load_rules():
        run(f"explain.{rule.id}", "explain", rule.id)
    for clause in ("V-a", "V-b", "V-c", "V-d", "V-e/1", "V-e/2", "V-e/3", "V-f", "V-j", "V-k"):
        run(f"explain.{clause.replace('/', '_')}", "explain", clause)
    run("schema", "schema")


if __name__ == "__main__":
    main(sys.argv[1])

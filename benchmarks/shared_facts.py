"""Registers with thousands of register-wide facts (issue 17 item 4), measured for benchmarks/run.py.

2,000 treatments with 2,500 register-wide waivers audited in 7 s, with 3,000 in 341 s; the
same with 3,000 `sensibilisation` events. For each kind of register-wide fact and each count,
this measures the whole `rgpdcheck audit` process (wall and CPU time, peak memory) and the engine
evaluations it makes (`partition.plan`: how many, the largest, the facts handed to the engine
in all), and the ratio of the largest count's audit CPU time to the smallest's, against the ratio
of their facts. It also measures the engine alone: one evaluation of the audit rules on a few
treatments and k facts of one kind, CPU time, to show where the C core's cost bends.

    python benchmarks/run.py --sizes '' --command-sizes '' --shared-treatments 2000   # this block only
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import generate
import launch

KINDS = {"waivers": "register-wide waivers (`derogations` without `traitement`)",
         "awareness": "`sensibilisation` events"}
CURVE = [1_000, 2_000, 3_000, 4_000, 6_000, 12_000]
AS_OF = "2021-06-30"  # the generated registers' date_reference


def plan_stats(path: str) -> dict[str, int]:
    """The engine evaluations an audit of `path` makes (called in a child)."""
    from rgpdcheck import partition, rulebook
    from rgpdcheck.facts import build_facts
    from rgpdcheck.validate import load_register

    rules = rulebook.load("audit")
    register = load_register(path, None, date.fromisoformat(AS_OF), {r.id for r in rules})
    facts = build_facts(register)
    sizes = [len(e.facts) for e in partition.plan(rules, facts)]
    return {"facts": len(facts.facts), "evaluations": len(sizes), "largest": max(sizes), "handed": sum(sizes)}


def engine_curve(kind: str, counts: list[int]) -> list[dict[str, float]]:
    """CPU seconds of one engine evaluation of the audit rules on 5 treatments and `count`
    facts of one kind (best of 3; called in a child)."""
    from rgpdcheck import engine, rulebook
    from rgpdcheck.facts import build_facts
    from rgpdcheck.loader import parse_document
    from rgpdcheck.validate import validate

    rules = rulebook.load("audit")
    engine_rules = [r.engine_rule for r in rules]
    out = []
    for count in counts:
        text = generate.register(5, **{kind: count})
        facts = build_facts(validate(parse_document(text, "registre.yaml"), None, date.fromisoformat(AS_OF),
                                     {r.id for r in rules})).facts
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            engine.evaluate(engine_rules, facts)
            best = min(best, time.process_time() - start)
        out.append({"count": count, "facts": len(facts), "cpu": best})
    return out


def audit_run(argv: list[str]) -> tuple[float, float, float]:
    """Run an audit to its end: (wall seconds, CPU seconds of the process, peak RSS in MiB).
    CPU time is what the comparison uses: the machine may be shared."""
    wall, cpu, rss, _ = launch.run(argv)
    return wall, cpu, rss


def measure(treatments: int, counts: list[int], curve: list[int], command: list[str], repeat: int = 3) -> dict:
    rows = []
    script = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        for kind in KINDS:
            for count in counts:
                path = Path(tmp) / f"registre-{kind}-{count}.yaml"
                path.write_text(generate.register(treatments, **{kind: count}), encoding="utf-8")
                runs = [audit_run([*command, "audit", str(path)]) for _ in range(repeat)]
                row: dict = {"kind": kind, "count": count, "wall": statistics.median(r[0] for r in runs),
                             "cpu": statistics.median(r[1] for r in runs), "rss": max(r[2] for r in runs)}
                child = subprocess.run([sys.executable, script, "--plan", str(path)],
                                       capture_output=True, text=True, check=True)
                row.update(json.loads(child.stdout))
                rows.append(row)
                print(f"{kind} {count}: {row['wall']:.2f} s, {row['cpu']:.2f} s CPU, {row['evaluations']} evaluations",
                      file=sys.stderr)
    points = {}
    for kind in KINDS:
        child = subprocess.run([sys.executable, script, "--curve", kind, ",".join(map(str, curve))],
                               capture_output=True, text=True, check=True)
        points[kind] = json.loads(child.stdout)
    return {"treatments": treatments, "rows": rows, "curve": points}


def report(results: dict, header: str) -> str:
    n = results["treatments"]
    out = [header, "", f"## Register-wide facts ({n:,} treatments)", "",
           f"{n:,} treatments (benchmarks/generate.py) plus register-wide facts of one kind; whole "
           "`rgpdcheck audit` processes, medians of 3 runs: wall time, CPU time (user + system, what the "
           "ratios use, the machine being shared) and peak memory; *handed* is the number of facts given "
           "to the engine over all its evaluations (`partition.plan`), *largest* the most given to one.", "",
           "| register-wide facts | count | facts | audit wall | audit CPU | audit peak | evaluations | largest | handed |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["rows"]:
        out.append(f"| {KINDS[r['kind']]} | {r['count']:,} | {r['facts']:,} | {r['wall']:.2f} s | {r['cpu']:.2f} s | "
                   f"{r['rss']:.0f} MiB | {r['evaluations']} | {r['largest']:,} | {r['handed']:,} |")
    out += ["", "| register-wide facts | counts | audit CPU ratio | facts ratio | proportional (CPU ratio ≤ 1.2 × facts ratio) |",
            "|---|---|---:|---:|---|"]
    for kind in KINDS:
        rows = sorted((r for r in results["rows"] if r["kind"] == kind), key=lambda r: r["count"])
        if len(rows) < 2:
            continue
        low, high = rows[0], rows[-1]
        time_ratio, facts_ratio = high["cpu"] / low["cpu"], high["facts"] / low["facts"]
        out.append(f"| {KINDS[kind]} | {low['count']:,} → {high['count']:,} | {time_ratio:.2f} | {facts_ratio:.2f} | "
                   f"{'yes' if time_ratio <= 1.2 * facts_ratio else '**no**'} |")
    out += ["", "One engine evaluation of the audit rules on 5 treatments and *k* facts of one kind "
            "(CPU seconds, best of 3; microseconds per fact):", "",
            "| k | " + " | ".join(KINDS) + " |", "|---:|" + "---:|" * len(KINDS)]
    for i, point in enumerate(results["curve"]["waivers"]):
        cells = [results["curve"][kind][i] for kind in KINDS]
        out.append(f"| {point['count']:,} | " + " | ".join(f"{c['cpu']:.3f} s ({c['cpu'] / c['facts'] * 1e6:.0f} µs)" for c in cells) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if sys.argv[1] == "--plan":
        print(json.dumps(plan_stats(sys.argv[2])))
    elif sys.argv[1] == "--curve":
        print(json.dumps(engine_curve(sys.argv[2], [int(x) for x in sys.argv[3].split(",")])))

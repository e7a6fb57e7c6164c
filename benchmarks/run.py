"""Benchmark of `rgpdcheck audit`, as a pre-commit hook runs it: whole processes, cold start.

For each size N it generates a register (benchmarks/generate.py), then measures
- the wall time and peak memory (max RSS) of `rgpdcheck audit FILE` in its own process;
- the same for a bare Python process that only loads the file with PyYAML's C loader (the
  floor any YAML-reading tool pays), and their ratio;
- `yamllint -d relaxed FILE`, the YAML hook people already run, when yamllint is installed;
- inside one process, the time of each phase (load, validate, facts, engine, findings, format).
It also measures the import time of the CLI module (`python -X importtime`).

    python benchmarks/run.py                      # every size, results in BENCHMARKS.md
    python benchmarks/run.py --sizes 100 --output -   # the smoke run CI does
    python benchmarks/run.py --sizes '' --command-sizes '' # only the register-wide facts block

Timings are medians of --repeat runs (3 below 10,000 treatments, else 1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate
import shared_facts

SIZES = [100, 300, 1_000, 10_000, 50_000]
TARGETS = {"wall_300": 0.5, "wall_ratio": 1.5, "memory_ratio": 2.0, "import": 0.15}
LOAD_ONLY = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Run a command to its end: (wall seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{stderr}")
    return wall, usage.ru_maxrss / 1024, process.returncode


def median_run(argv: list[str], repeat: int) -> tuple[float, float]:
    runs = [measure(argv) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def phases(path: str) -> dict[str, float]:
    """Time each step of the audit in this process (called in a child, see --phases)."""
    import gc

    gc.disable()  # as audit_file does around these steps
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    from rgpdcheck import rulebook
    from rgpdcheck.audit import AuditResult
    from rgpdcheck.facts import build_facts
    from rgpdcheck.findings import apply_waivers, to_findings
    from rgpdcheck.formatters import render
    from rgpdcheck.loader import load_document
    from rgpdcheck.reports import AuditReport
    from rgpdcheck.validate import validate
    from rgpdcheck.wording import Names
    lap("import")
    rules = rulebook.load("audit")
    lap("rules")
    document = load_document(path)
    lap("load")
    register = validate(document, None, date.today(), {r.id for r in rules})
    lap("validate")
    facts = build_facts(register)
    lap("facts")
    hits = rulebook.run(rules, facts, register.document)
    lap("engine")
    findings = apply_waivers(to_findings(hits, register.file, Names.of(register)), register.model.derogations, register.as_of)
    lap("findings")
    result = AuditResult(file=path, commune=register.model.commune, as_of=register.as_of, findings=findings,
                         set_aside=dict(facts.set_aside), treatments=len(register.model.traitements))
    render("text", AuditReport([result], rules))
    lap("format")
    timings["facts_count"] = len(facts.facts)
    timings["findings_count"] = len(findings)
    return timings


def evaluations(path: str) -> dict[str, list[int]]:
    """How many engine evaluations each command makes, and of how many facts (in a child):
    what shows a command runs on the partitioned path."""
    from rgpdcheck import engine, rulebook
    from rgpdcheck.echeances import upcoming
    from rgpdcheck.liability import determine
    from rgpdcheck.validate import load_register

    sizes: list[int] = []
    evaluate = engine.evaluate
    engine.evaluate = lambda rules, facts: sizes.append(len(facts)) or evaluate(rules, facts)
    register = load_register(path, None, date.today(), {r.id for r in rulebook.load("audit")})
    out = {}
    upcoming(register, 30)
    out["echeances"], sizes[:] = sizes[:], []
    determine(register, register.model.traitements[0].id, None)
    out["liability"] = sizes[:]
    return out


def import_time() -> float:
    """Cumulative import time of rgpdcheck.cli, in seconds (best of 5)."""
    best = float("inf")
    for _ in range(5):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import rgpdcheck.cli"],
                             capture_output=True, text=True, check=True).stderr
        line = next(ln for ln in err.splitlines() if ln.rstrip().endswith("| rgpdcheck.cli"))
        best = min(best, int(line.split("|")[1]) / 1e6)
    return best


def rgpdcheck_command() -> list[str]:
    found = shutil.which("rgpdcheck", path=str(Path(sys.executable).parent)) or shutil.which("rgpdcheck")
    return [found] if found else [sys.executable, "-m", "rgpdcheck"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def commands(sizes: list[int]) -> list[dict]:
    """`echeances` and `liability --treatment` beside `audit` on the same register: whole
    processes (one run each), and the engine evaluations each makes."""
    command = rgpdcheck_command()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"registre-{n}.yaml"
            path.write_text(generate.register(n), encoding="utf-8")
            row: dict = {"n": n}
            row["audit_wall"], row["audit_rss"] = median_run([*command, "audit", str(path)], 1)
            row["echeances_wall"], row["echeances_rss"] = median_run([*command, "echeances", str(path)], 1)
            row["liability_wall"], row["liability_rss"] = median_run(
                [*command, "liability", str(path), "--treatment", "T-00000"], 1)
            child = subprocess.run([sys.executable, __file__, "--evaluations", str(path)],
                                   capture_output=True, text=True, check=True)
            row["evaluations"] = json.loads(child.stdout)
            rows.append(row)
            print(f"N={n}: echeances {row['echeances_wall']:.2f} s, liability {row['liability_wall']:.2f} s", file=sys.stderr)
    return rows


def run(sizes: list[int], repeat: int | None, yamllint_max: int) -> dict:
    audit = rgpdcheck_command()
    yamllint = shutil.which("yamllint", path=str(Path(sys.executable).parent)) or shutil.which("yamllint")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"registre-{n}.yaml"
            path.write_text(generate.register(n), encoding="utf-8")
            times = repeat or (3 if n < 10_000 else 1)
            row: dict = {"n": n, "mib": path.stat().st_size / 2**20}
            row["audit_wall"], row["audit_rss"] = median_run([*audit, "audit", str(path)], times)
            row["load_wall"], row["load_rss"] = median_run([sys.executable, "-c", LOAD_ONLY, str(path)], times)
            if yamllint and n <= yamllint_max:
                row["yamllint_wall"], _ = median_run([yamllint, "-d", "relaxed", str(path)], 1)
            child = subprocess.run([sys.executable, __file__, "--phases", str(path)],
                                   capture_output=True, text=True, check=True)
            row["phases"] = json.loads(child.stdout)
            rows.append(row)
            print(f"N={n}: audit {row['audit_wall']:.2f} s / {row['audit_rss']:.0f} MiB, "
                  f"load-only {row['load_wall']:.2f} s / {row['load_rss']:.0f} MiB", file=sys.stderr)
    return {"date": date.today().isoformat(), "machine": machine(), "import": import_time(),
            "yamllint": bool(yamllint), "rows": rows}


def report(results: dict) -> str:
    rows = results["rows"]
    out = [
        f"Produced by `python benchmarks/run.py` on {results['date']}: {results['machine']}.",
        "Whole processes from a cold start, as a pre-commit hook runs them; wall time is the median of",
        "3 runs below 10,000 treatments, one run above; memory is the peak resident set (max RSS).",
        "*load-only* is a bare Python process loading the same file with PyYAML's C loader.",
        "",
        "## Whole process",
        "",
        "| treatments | file | audit wall | load-only wall | ratio (target ≤ 1.5) | audit peak | load-only peak | ratio (target ≤ 2) | yamllint -d relaxed | yamllint / audit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lint = f"{r['yamllint_wall']:.2f} s" if "yamllint_wall" in r else "not run"
        lint_ratio = f"{r['yamllint_wall'] / r['audit_wall']:.1f}×" if "yamllint_wall" in r else ""
        out.append(f"| {r['n']:,} | {r['mib']:.1f} MiB | {r['audit_wall']:.2f} s | {r['load_wall']:.2f} s | "
                   f"{r['audit_wall'] / r['load_wall']:.2f} | {r['audit_rss']:.0f} MiB | {r['load_rss']:.0f} MiB | "
                   f"{r['audit_rss'] / r['load_rss']:.2f} | {lint} | {lint_ratio} |")
    names = ["import", "rules", "load", "validate", "facts", "engine", "findings", "format"]
    out += ["", "## Phases inside one process (seconds)", "",
            "| treatments | facts | findings | " + " | ".join(names) + " |",
            "|---:|---:|---:|" + "---:|" * len(names)]
    for r in rows:
        p = r["phases"]
        out.append(f"| {r['n']:,} | {p['facts_count']:,} | {p['findings_count']:,} | "
                   + " | ".join(f"{p[name]:.3f}" for name in names) + " |")
    targets(results, out)
    return "\n".join(out) + "\n"


def commands_report(results: dict) -> str:
    out = [f"Produced by `python benchmarks/run.py --command-sizes ...` on {results['date']}: {results['machine']}; "
           f"load average {results['load']} at the start (the machine is shared: compare commands within a row)."]
    if results.get("commands"):
        out += ["", "## Other commands (whole processes, one run each)", "",
                "`echeances` and `liability --treatment T-00000` run on the same register as the audit; "
                "*evaluations* counts the engine evaluations the command makes and the largest number "
                "of facts one of them receives (the register has about 10 facts per treatment).", "",
                "| treatments | audit | echeances | echeances evaluations | liability --treatment | liability evaluations |",
                "|---:|---:|---:|---:|---:|---:|"]
        for c in results["commands"]:
            ev = c["evaluations"]
            out.append(f"| {c['n']:,} | {c['audit_wall']:.2f} s / {c['audit_rss']:.0f} MiB | "
                       f"{c['echeances_wall']:.2f} s / {c['echeances_rss']:.0f} MiB | "
                       f"{len(ev['echeances'])} of ≤ {max(ev['echeances']):,} facts | "
                       f"{c['liability_wall']:.2f} s / {c['liability_rss']:.0f} MiB | "
                       f"{len(ev['liability'])} of ≤ {max(ev['liability']):,} facts |")
    return "\n".join(out) + "\n"


def targets(results: dict, out: list[str]) -> None:
    rows = results["rows"]
    out += ["", "## Targets", ""]
    by_n = {r["n"]: r for r in rows}
    checks = [("CLI import time ≤ 0.15 s", f"{results['import']:.3f} s", results["import"] <= TARGETS["import"])]
    if 300 in by_n:
        wall = by_n[300]["audit_wall"]
        checks.append(("300 treatments: whole audit ≤ 0.5 s", f"{wall:.2f} s", wall <= TARGETS["wall_300"]))
    worst_wall = max(rows, key=lambda r: r["audit_wall"] / r["load_wall"])
    worst_rss = max(rows, key=lambda r: r["audit_rss"] / r["load_rss"])
    checks.append(("every N: audit wall ≤ 1.5 × load-only",
                   f"worst {worst_wall['audit_wall'] / worst_wall['load_wall']:.2f} (N={worst_wall['n']:,})",
                   all(r["audit_wall"] <= TARGETS["wall_ratio"] * r["load_wall"] for r in rows)))
    checks.append(("every N: audit peak memory ≤ 2 × load-only",
                   f"worst {worst_rss['audit_rss'] / worst_rss['load_rss']:.2f} (N={worst_rss['n']:,})",
                   all(r["audit_rss"] <= TARGETS["memory_ratio"] * r["load_rss"] for r in rows)))
    if 10_000 in by_n and 50_000 in by_n:
        per_10k = by_n[10_000]["audit_wall"] / 10_000
        per_50k = by_n[50_000]["audit_wall"] / 50_000
        engine = by_n[50_000]["phases"]["engine"] / by_n[10_000]["phases"]["engine"]
        checks.append(("linear growth: time per treatment at 50k ≤ 1.2 × at 10k",
                       f"{per_50k / per_10k:.2f} (engine phase ×{engine:.1f} for ×5 treatments)",
                       per_50k <= 1.2 * per_10k))
    if any("yamllint_wall" in r for r in rows):
        ratios = [r["yamllint_wall"] / r["audit_wall"] for r in rows if "yamllint_wall" in r]
        checks.append(("several (≥ 3) times faster than yamllint -d relaxed",
                       f"{min(ratios):.2f}× to {max(ratios):.1f}×", min(ratios) >= 3))
    out += ["| target | measured | met |", "|---|---|---|"]
    out += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in checks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=SIZES,
                        help="sizes of the audit benchmark ('' to skip it)")
    parser.add_argument("--repeat", type=int, help="runs per measure (default: 3 below 10,000 treatments, else 1)")
    parser.add_argument("--yamllint-max", type=int, default=10_000, help="largest N to run yamllint on")
    parser.add_argument("--output", default=str(HERE.parent / "BENCHMARKS.md"),
                        help="report file (its text outside the generated part is kept), - for stdout")
    parser.add_argument("--command-sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=[20_000],
                        help="sizes at which echeances and liability are measured beside the audit ('' to skip)")
    shared_facts_options(parser)
    parser.add_argument("--phases", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--evaluations", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases(args.phases)))
        return
    if args.evaluations:
        print(json.dumps(evaluations(args.evaluations)))
        return
    blocks = {}
    if args.sizes:
        blocks[MAIN] = report(run(args.sizes, args.repeat, args.yamllint_max))
    if args.command_sizes:
        blocks[COMMANDS] = commands_report({"date": date.today().isoformat(), "machine": machine(),
                                            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
                                            "commands": commands(args.command_sizes)})
    if args.shared_treatments:
        blocks[SHARED] = shared_facts_block(args)
    if args.output == "-":
        sys.stdout.write("".join(blocks.values()))
        return
    path = Path(args.output)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for name, block in blocks.items():
        text = merge(text, block, name)
    path.write_text(text, encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)


MAIN, COMMANDS = "generated by benchmarks/run.py", "generated by benchmarks/run.py --command-sizes"
SHARED = "generated by benchmarks/run.py --shared-treatments"


def shared_facts_options(parser: argparse.ArgumentParser) -> None:
    """Registers with thousands of register-wide waivers or awareness events (issue 17)."""
    sizes = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    parser.add_argument("--shared-treatments", type=int, default=2000,
                        help="treatments of the register-wide facts benchmark (0 to skip it)")
    parser.add_argument("--shared-counts", type=sizes, default=[2500, 3000],
                        help="register-wide waivers, and awareness events, added to those treatments")
    parser.add_argument("--shared-curve", type=sizes, default=shared_facts.CURVE,
                        help="facts of one kind in the single engine evaluations measured")


def shared_facts_block(args: argparse.Namespace) -> str:
    results = shared_facts.measure(args.shared_treatments, args.shared_counts, args.shared_curve,
                                   rgpdcheck_command(), args.repeat or 3)
    header = (f"Produced by `python benchmarks/run.py --shared-treatments {args.shared_treatments}` on "
              f"{date.today().isoformat()}: {machine()}; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start.")
    return shared_facts.report(results, header)


def merge(previous: str, generated: str, name: str = MAIN) -> str:
    """The new figures in place of the old ones of the same block; the analysis written
    around them, and the other block, are kept. A block not there yet is added at the end."""
    begin, end = f"<!-- begin: {name} -->", f"<!-- end: {name} -->"
    block = f"{begin}\n{generated}{end}\n"
    if begin in previous and end in previous:
        head, _, rest = previous.partition(begin)
        _, _, tail = rest.partition(end)
        return head + block + "\n" + tail.lstrip("\n")
    return (previous.rstrip("\n") + "\n\n" + block) if previous else block


if __name__ == "__main__":
    main()

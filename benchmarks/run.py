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
import launch
import shared_facts

SIZES = [100, 300, 1_000, 10_000, 50_000]
TARGETS = {"wall_300": 0.5, "wall_ratio": 1.5, "memory_ratio": 2.0, "import": 0.15}
LOAD_ONLY = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
# The floor of any audit with the project's stack: Python importing the libraries it is built
# on (the YAML parser, pydantic with a model class, the rule engine, the CLI), doing nothing.
STACK_ONLY = "import yaml, durable.lang, click\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int = 0"


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Run a command to its end: (wall seconds, peak RSS in MiB, exit code); launch.py says why
    a launcher starts it."""
    wall, _, rss, code = launch.run(argv)
    return wall, rss, code


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


# -- issue 18: start-up, several cores, commands, a second generator ------------------------
# Each measure below compares two commands run alternately (a, b, a, b, ...), so that the
# machine's load, which moves absolute figures 2-3x on a shared machine, weighs on both alike;
# the ratios are what the targets are about.

def alternating(commands: list[list[str]], repeat: int, cwd: str | None = None) -> list[tuple[float, float]]:
    """(median wall, peak RSS) of each command, the commands run in turn `repeat` times."""
    runs: list[list[tuple[float, float, int]]] = [[] for _ in commands]
    for _ in range(repeat):
        for i, argv in enumerate(commands):
            runs[i].append(measure(argv))
    return [(statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for rs in runs]


def import_breakdown(path: str) -> tuple[float, list[tuple[str, float]]]:
    """Self import time by top-level package of one `rgpdcheck audit FILE` (-X importtime):
    the total and the largest packages, in seconds (rgpdcheck's modules are one package)."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-m", "rgpdcheck", "audit", path],
                         capture_output=True, text=True).stderr
    totals: dict[str, float] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        top = name.strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(own) / 1e6
    return sum(totals.values()), sorted(totals.items(), key=lambda kv: -kv[1])[:9]


def startup(repeat: int, teardown_sizes: list[int]) -> dict:
    """The pre-commit case (the bundled Bruges register against yamllint), `--help` against
    Python's own start, where the fixed cost goes, and what exiting without teardown saves."""
    audit = rgpdcheck_command()
    bruges = str(HERE.parent / "fixtures" / "bruges" / "registre.yaml")
    yamllint = shutil.which("yamllint", path=str(Path(sys.executable).parent)) or shutil.which("yamllint")
    out: dict = {}
    (out["pass"], _), (out["help"], _) = alternating([[sys.executable, "-c", "pass"], [*audit, "--help"]], repeat)
    if yamllint:
        # the compiled rules read from their cache (warm since the warm-up run), and compiled
        # anew (RGPDCHECK_NO_CACHE, as on a first run or after a rule edit)
        (out["yamllint"], _), (out["bruges"], _), (out["bruges_nocache"], _), (out["stack"], _) = alternating(
            [[yamllint, "-d", "relaxed", bruges], [*audit, "audit", bruges],
             ["env", "RGPDCHECK_NO_CACHE=1", *audit, "audit", bruges], [sys.executable, "-c", STACK_ONLY]], repeat)
    else:
        out["bruges"], _ = median_run([*audit, "audit", bruges], repeat)
    out["imports"], out["by_package"] = import_breakdown(bruges)
    out["phases"] = json.loads(subprocess.run([sys.executable, __file__, "--phases", bruges],
                                              capture_output=True, text=True, check=True).stdout)
    # Teardown: the same audit through click's own exit (the interpreter frees every object)
    # against the entry point's os._exit; plugins off in both, as the entry point has them.
    plain = [sys.executable, "-c", "import sys; sys.argv[0] = 'rgpdcheck'; from rgpdcheck.cli import main; main()"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in teardown_sizes:
            path = Path(tmp) / f"registre-{n}.yaml"
            path.write_text(generate.register(n), encoding="utf-8")
            times = repeat if n < 10_000 else 1
            (fast, _), (slow, _) = alternating([[*audit, "audit", str(path)], [*plain, "audit", str(path)]], times)
            out.setdefault("teardown", []).append((n, fast, slow))
    return out


def generators(n: int, repeat: int) -> list[dict]:
    """Audit against the PyYAML C load of the same file, for the benchmark's generator and
    for generate_sparse.py (fewer events, many more findings)."""
    import generate_sparse

    audit = rgpdcheck_command()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("generate.py", generate.register), ("generate_sparse.py", generate_sparse.register)):
            path = Path(tmp) / f"{name}-{n}.yaml"
            path.write_text(make(n), encoding="utf-8")
            counts = json.loads(subprocess.run([*audit, "audit", "-f", "json", str(path)],
                                               capture_output=True, text=True).stdout)["summary"]
            (audit_wall, audit_rss), (load_wall, load_rss), (stack_wall, _) = alternating(
                [[*audit, "audit", str(path)], [sys.executable, "-c", LOAD_ONLY, str(path)],
                 [sys.executable, "-c", STACK_ONLY]], repeat)
            rows.append({"generator": name, "n": n, "findings": counts["findings"],
                         "events": path.read_text(encoding="utf-8").count("type: ") - path.read_text(encoding="utf-8").count("type: prestataire"),
                         "audit": audit_wall, "load": load_wall, "audit_rss": audit_rss, "load_rss": load_rss,
                         "stack": stack_wall})
    return rows


SPIN = "x = 0\nfor i in range(20_000_000): x += i"


def two_cores_free() -> float:
    """How much faster two pure-Python loops run in two processes at once than one after the
    other: about 2 when two cores are free, about 1 when other work holds one of them."""
    one = [sys.executable, "-c", SPIN]
    start = time.perf_counter()
    for _ in range(2):
        subprocess.run(one, check=True)
    sequential = time.perf_counter() - start
    start = time.perf_counter()
    both = [subprocess.Popen(one) for _ in range(2)]
    for process in both:
        process.wait()
    return sequential / (time.perf_counter() - start)


def metropole(count: int, n: int, repeat: int = 3) -> dict:
    """`count` registers of `n` treatments in one invocation, --jobs 1 against --jobs 2, in turn
    `repeat` times, each pair after a measure of what two processes gain on this machine at
    that moment (two_cores_free): on a shared machine the pairs differ by what others run."""
    audit = rgpdcheck_command()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(count):
            path = Path(tmp) / f"commune-{i:02d}.yaml"
            path.write_text(generate.register(n, seed=i), encoding="utf-8")
            files.append(str(path))
        commands = [[*audit, "audit", "--jobs", str(jobs), "-f", "json", "-o", str(Path(tmp) / f"rapport-{jobs}.json"),
                     *files] for jobs in (1, 2)]
        runs = []
        for _ in range(repeat):
            calibration = two_cores_free()
            (w1, r1, _), (w2, r2, _) = measure(commands[0]), measure(commands[1])
            runs.append({"calibration": calibration, "jobs1": (w1, r1), "jobs2": (w2, r2)})
        identical = (Path(tmp) / "rapport-1.json").read_bytes() == (Path(tmp) / "rapport-2.json").read_bytes()
    return {"count": count, "n": n, "runs": runs, "identical": identical,
            "jobs1": (statistics.median(r["jobs1"][0] for r in runs), max(r["jobs1"][1] for r in runs)),
            "jobs2": (statistics.median(r["jobs2"][0] for r in runs), max(r["jobs2"][1] for r in runs))}


def command_ratios(n: int) -> dict:
    """`liability --treatment` and `echeances` against the audit of the same register."""
    audit = rgpdcheck_command()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"registre-{n}.yaml"
        path.write_text(generate.register(n), encoding="utf-8")
        (a, a_rss), (lia, lia_rss), (ech, ech_rss) = alternating(
            [[*audit, "audit", str(path)], [*audit, "liability", str(path), "--treatment", "T-00000"],
             [*audit, "echeances", str(path)]], 1)
    return {"n": n, "audit": (a, a_rss), "liability": (lia, lia_rss), "echeances": (ech, ech_rss)}


def issue18_report(results: dict) -> str:
    """The block of BENCHMARKS.md with the ratios issue 18 sets targets on."""
    ran = ", ".join(name for key, name in (("startup", "start-up"), ("generators", "generators"),
                                           ("metropole", "métropole"), ("commands", "command ratios")) if results.get(key))
    out = [f"Produced by `python benchmarks/run.py` ({ran}) on "
           f"{results['date']}: {results['machine']}; load average {results['load']} at the start. The machine "
           "is shared: each ratio compares two commands run alternately in the same minutes (medians); "
           "absolute times are only indicative. Bytecode is cached (as after `pip install`), and so are the "
           "compiled rules (rulecache.py, as after a first run) unless `RGPDCHECK_NO_CACHE=1` is shown.", ""]
    checks: list[tuple[str, str, bool]] = []
    s = results.get("startup")
    if s:
        out += ["## Start-up (the pre-commit case)", "",
                "| measure | time | against | time | ratio |", "|---|---:|---|---:|---:|",
                f"| `rgpdcheck --help` | {s['help']:.3f} s | `python -c pass` | {s['pass']:.3f} s | {s['help'] / s['pass']:.2f} |"]
        checks.append(("`rgpdcheck --help` ≤ 3 × `python -c pass`", f"{s['help'] / s['pass']:.2f}", s["help"] <= 3 * s["pass"]))
        if "yamllint" in s:
            out.append(f"| `rgpdcheck audit` Bruges | {s['bruges']:.3f} s | `yamllint -d relaxed` | {s['yamllint']:.3f} s | "
                       f"{s['bruges'] / s['yamllint']:.2f} |")
            if "bruges_nocache" in s:
                out.append(f"| `rgpdcheck audit` Bruges, `RGPDCHECK_NO_CACHE=1` | {s['bruges_nocache']:.3f} s | "
                           f"`yamllint -d relaxed` | {s['yamllint']:.3f} s | {s['bruges_nocache'] / s['yamllint']:.2f} |")
            out.append(f"| the stack only (PyYAML, pydantic and one model, durable_rules, click; nothing done) | "
                       f"{s['stack']:.3f} s | `yamllint -d relaxed` | {s['yamllint']:.3f} s | {s['stack'] / s['yamllint']:.2f} |")
            checks.append(("Bruges: audit ≤ 1.2 × `yamllint -d relaxed`", f"{s['bruges'] / s['yamllint']:.2f}",
                           s["bruges"] <= 1.2 * s["yamllint"]))
        for n, fast, slow in s.get("teardown", []):
            out.append(f"| audit N={n:,}, `os._exit` after flushing | {fast:.3f} s | the interpreter's teardown | "
                       f"{slow:.3f} s | {fast / slow:.2f} |")
        p = s["phases"]
        out += ["", f"Imports of `rgpdcheck audit` on Bruges: {s['imports']:.3f} s in all (self time by package, "
                "`-X importtime`): " + ", ".join(f"{name} {t:.3f}" for name, t in s["by_package"]) + ".",
                f"Then, in process: rules {p['rules']:.3f} s, load {p['load']:.3f}, validate {p['validate']:.3f} "
                f"(builds the register's validator on first use), facts {p['facts']:.3f}, engine {p['engine']:.3f}, "
                f"findings {p['findings']:.3f}, format {p['format']:.3f}.", ""]
    g = results.get("generators")
    if g:
        out += ["## Two generators (audit against the PyYAML C load of the same file)", "",
                "*stack only*: a Python process that imports PyYAML, pydantic (and defines one model), "
                "durable_rules and click, and does nothing else: the floor of any audit built on them.", "",
                "| generator | treatments | events | findings | audit | load-only | ratio | stack only | stack only / load-only | audit peak | load-only peak |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in g:
            out.append(f"| {r['generator']} | {r['n']:,} | {r['events']:,} | {r['findings']:,} | {r['audit']:.3f} s | "
                       f"{r['load']:.3f} s | {r['audit'] / r['load']:.2f} | {r['stack']:.3f} s | {r['stack'] / r['load']:.2f} | "
                       f"{r['audit_rss']:.0f} MiB | {r['load_rss']:.0f} MiB |")
            checks.append((f"N={r['n']:,} ({r['generator']}): audit ≤ 1.5 × PyYAML C load", f"{r['audit'] / r['load']:.2f}",
                           r["audit"] <= 1.5 * r["load"]))
        out.append("")
    m = results.get("metropole")
    if m:
        (w1, r1), (w2, r2) = m["jobs1"], m["jobs2"]
        out += [f"## A métropole: {m['count']} registers × {m['n']:,} treatments in one invocation", "",
                f"{len(m['runs'])} pairs run in turn, each after *two cores*: how much faster two pure-Python loops "
                "ran in two processes than one after the other just before (2 when both cores are free).", "",
                "| pair | two cores | `--jobs 1` | `--jobs 2` | speed-up |", "|---:|---:|---:|---:|---:|"]
        out += [f"| {i} | {r['calibration']:.2f}× | {r['jobs1'][0]:.2f} s | {r['jobs2'][0]:.2f} s | "
                f"{r['jobs1'][0] / r['jobs2'][0]:.2f}× |" for i, r in enumerate(m["runs"], 1)]
        out += ["", f"Medians: `--jobs 1` {w1:.2f} s (largest process {r1:.0f} MiB), `--jobs 2` {w2:.2f} s "
                f"({r2:.0f} MiB), speed-up {w1 / w2:.2f}×; the two reports are "
                f"{'byte-identical' if m['identical'] else '**different**'}.", ""]
        checks.append((f"{m['count']} × {m['n']:,} on 2 cores: ≥ 1.8 × faster than `--jobs 1`, identical output",
                       f"{w1 / w2:.2f}×, {'identical' if m['identical'] else 'different'}",
                       w1 >= 1.8 * w2 and m["identical"]))
    c = results.get("commands")
    if c:
        (a, ar), (lia, lr), (ech, er) = c["audit"], c["liability"], c["echeances"]
        out += [f"## Other commands at {c['n']:,} treatments (one run each, in turn)", "",
                "| command | wall | peak | time / audit | memory / audit |", "|---|---:|---:|---:|---:|",
                f"| audit | {a:.2f} s | {ar:.0f} MiB | 1 | 1 |",
                f"| liability --treatment T-00000 | {lia:.2f} s | {lr:.0f} MiB | {lia / a:.2f} | {lr / ar:.2f} |",
                f"| echeances | {ech:.2f} s | {er:.0f} MiB | {ech / a:.2f} | {er / ar:.2f} |", ""]
        checks.append((f"`liability --treatment` at {c['n']:,}: ≤ 0.3 × the audit's time and ≤ its memory",
                       f"{lia / a:.2f} × time, {lr / ar:.2f} × memory", lia <= 0.3 * a and lr <= ar))
    out += ["## Targets of issue 18", "", "| target | measured | met |", "|---|---|---|"]
    out += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in checks]
    return "\n".join(out) + "\n"


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
    parser.add_argument("--startup-repeat", type=int, default=11,
                        help="runs of each start-up pair (Bruges vs yamllint, --help vs python -c pass); 0 to skip")
    parser.add_argument("--teardown-sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=[300, 10_000],
                        help="sizes at which exiting with os._exit is compared with the interpreter's teardown")
    parser.add_argument("--generator-size", type=int, default=300,
                        help="N for the two generators against the PyYAML C load (0 to skip)")
    parser.add_argument("--generator-repeat", type=int, default=7, help="runs of each generator pair")
    parser.add_argument("--metropole-repeat", type=int, default=3, metavar="R",
                        help="runs of each of --jobs 1 and --jobs 2, in turn (medians)")
    parser.add_argument("--metropole", default="28x1000", metavar="COUNTxN",
                        help="registers x treatments audited with --jobs 1 then 2 ('' to skip)")
    parser.add_argument("--ratio-commands", type=int, default=10_000, metavar="N",
                        help="N at which liability and echeances are compared with the audit (0 to skip)")
    parser.add_argument("--phases", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--evaluations", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases(args.phases)))
        return
    if args.evaluations:
        print(json.dumps(evaluations(args.evaluations)))
        return
    # Bytecode cached as after a `pip install` (an environment may forbid writing it, which
    # would recompile rgpdcheck's 30 modules at every run); one warm-up run writes it, and
    # the compiled-rules cache (rulecache.py) as a user's first run does.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([*rgpdcheck_command(), "audit", str(HERE.parent / "fixtures" / "bruges" / "registre.yaml")],
                   capture_output=True)
    blocks = {}
    issue18: dict = {"date": date.today().isoformat(), "machine": machine(),
                     "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    if args.startup_repeat:
        issue18["startup"] = startup(args.startup_repeat, args.teardown_sizes)
    if args.generator_size:
        issue18["generators"] = generators(args.generator_size, args.generator_repeat)
    if args.metropole:
        count, _, n = args.metropole.partition("x")
        issue18["metropole"] = metropole(int(count), int(n), args.metropole_repeat)
    if args.ratio_commands:
        issue18["commands"] = command_ratios(args.ratio_commands)
    if len(issue18) > 3:
        blocks[ISSUE18] = issue18_report(issue18)
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
    sizes = lambda s: [int(x) for x in s.split(",") if x]
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
ISSUE18 = "generated by benchmarks/run.py: issue 18"


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

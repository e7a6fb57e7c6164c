"""Fuzzing: valid registers (the bundled fixtures) mutated at the byte and at the token level
— control characters, huge numbers, tags, merge chains, extreme dates, duplicate-looking ids —
must always give exit code 0, 1 or 2, never a traceback, in bounded time and memory.

Profiles (tests/conftest.py): `ci`, the default, runs 20 reproducible examples per test (under
a minute for the file); `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py` runs 1,000 per
test (about five minutes on two cores) and shrinks a failure to its smallest mutation.
"""

from __future__ import annotations

import resource
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from rgpdcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = {p.parent.name: p.read_bytes() for p in sorted(ROOT.glob("fixtures/*/registre.yaml"))}
MAX_SECONDS = 20  # per run, the bound (a normal run of a fixture takes well under 1 s)
MAX_RSS_BYTES = 3 * 1024**3

INTERESTING_BYTES = [b"\x00", b"\x1b", b"\x7f", b"\x07", b"\r", b"\t", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xae",
                     b"\xff", b"\xef\xbb\xbf", b":", b"-", b"&", b"*", b"!", b"<<", b"'", b'"', b"{", b"[", b"\n"]
TOKENS = [
    # huge numbers, every base
    "9" * 5000, "-" + "9" * 4301, "0x" + "f" * 5000, "0b" + "1" * 5000, "1" + ":59" * 2000, "1e400", "-1e400",
    # tags
    "!!int abc", "!!float abc", "!!bool maybe", "!!null x", "!<tag:yaml.org,2002:int> abc", "!!timestamp 2019-01-01",
    "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!set {a}", "!!omap [a: 1]", "!custom x",
    # YAML 1.1 numbers and duplicate-looking ids
    "1:20", "12:30", "0012", "1.10", "1.1", ".inf", ".Inf", "-.INF", ".nan", '"T-1 "', '" T-1"', '"#0"', '"#1"',
    "ccas", '"ccas "', "1_000", "0o17", "~", "null", '""', "[]", "{}", "true", "yes", "off",
    # extreme dates and instants
    "9999-12-31", "0001-01-01", "2999-12-31", "1900-01-01", "1899-12-31", "3000-01-01", "2019-02-30",
    "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "2999-12-31T23:59+14:00", "1900-01-01T00:00-12:00",
    # hostile texts
    '"\\e]0;titre\\a\\e[2J"', '"\\x9b31m"', '"=HYPERLINK(\\"http://x\\")"', '"+1"', '"@SUM(A1)"', '"\\u202e"',
    '"\\0"', '"\\N\\L\\P"', "'" + "x" * 200_000 + "'",
    # anchors, aliases, merges
    "&a x", "*a", "*nowhere", "{<<: *a}", "&m {<<: {a: 1}}", "[*a, *a, *a]",
]


def merge_chain(links: int) -> bytes:
    lines = ["modeles_fuzz:", "  m0: &fz0 {k0: v}"]
    lines += [f"  m{i}: &fz{i} {{<<: *fz{i - 1}, k{i}: v}}" for i in range(1, links)]
    return ("\n".join(lines) + "\n").encode()


@st.composite
def byte_mutations(draw) -> bytes:
    data = bytearray(FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "replace", "delete", "random"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(INTERESTING_BYTES))
        elif kind == "replace":
            data[at:at + 1] = draw(st.sampled_from(INTERESTING_BYTES))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


@st.composite
def token_mutations(draw) -> bytes:
    lines = FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))].decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        kind = draw(st.sampled_from(["value", "value", "value", "duplicate", "delete", "chain"]))
        if kind == "value" and ": " in line:
            key = line.split(": ", 1)[0]
            lines[index] = f"{key}: {draw(st.sampled_from(TOKENS))}"
        elif kind == "value" and line.lstrip().startswith("- "):
            lines[index] = line[: len(line) - len(line.lstrip())] + "- " + draw(st.sampled_from(TOKENS))
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "delete":
            del lines[index]
        elif kind == "chain":
            lines.append(merge_chain(draw(st.integers(2, 400))).decode())
    return "\n".join(lines).encode("utf-8")


FORMATS = st.sampled_from([["-f", "text"], ["-f", "json"], ["-f", "sarif"], ["-f", "junit"], ["-f", "github"],
                           ["-f", "html"]])
COMMANDS = st.sampled_from(["audit", "audit", "validate", "echeances", "export"])


def run_mutant(tmp_path: Path, content: bytes, command: str, fmt: list[str]) -> None:
    path = tmp_path / "registre.yaml"
    path.write_bytes(content)
    args = [command, str(path)] + (fmt if command == "audit" else [])
    started = time.monotonic()
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    elapsed = time.monotonic() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail("".join(traceback.format_exception(result.exception)))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.strip(), "exit 2 without a message"
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MAX_RSS_BYTES


@given(content=byte_mutations(), command=COMMANDS, fmt=FORMATS)
def test_byte_mutations_end_cleanly(tmp_path_factory, content, command, fmt):
    run_mutant(tmp_path_factory.mktemp("fuzz"), content, command, fmt)


@given(content=token_mutations(), command=COMMANDS, fmt=FORMATS)
def test_token_mutations_end_cleanly(tmp_path_factory, content, command, fmt):
    run_mutant(tmp_path_factory.mktemp("fuzz"), content, command, fmt)


def test_the_mutations_reach_every_outcome(tmp_path):
    """Guards the fuzzer itself: its mutants are not all rejected at the first byte."""
    outcomes = set()
    for name, content in FIXTURES.items():
        for extra in (b"", b"\x00", ("\nzz: " + "9" * 5000 + "\n").encode()):
            result = CliRunner().invoke(main, ["validate", str(_write(tmp_path, name, content + extra))])
            outcomes.add(result.exit_code)
    assert outcomes == {0, 2}


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / f"{name}.yaml"
    path.write_bytes(content)
    return path

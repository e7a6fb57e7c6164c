"""The compiled-rules cache (rulecache.py): read back only when valid, rebuilt when stale or
corrupt, never read from a location others can write, and invisible in the output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rgpdcheck import rulebook, rulecache
from rgpdcheck.errors import RuleFileError

ROOT = Path(__file__).resolve().parents[1]
load_uncached = rulebook.load_all.__wrapped__  # past functools.cache: every call goes to the disk cache


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A copy of the rules and an empty cache home of our own."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("RGPDCHECK_CACHE_DIR", raising=False)  # (the suite's own, conftest.py)
    monkeypatch.delenv(rulecache.ENV_DISABLE, raising=False)
    return rules, tmp_path / "cache" / "rgpdcheck" / rulecache.FILE_NAME


def _count_compilations(monkeypatch) -> list[int]:
    """Calls to the compiler from now on (it still compiles)."""
    calls: list[int] = []
    real = rulebook._load_files

    def counted(files):
        calls.append(1)
        return real(files)
    monkeypatch.setattr(rulebook, "_load_files", counted)
    return calls


def test_the_second_load_reads_the_cache_and_equals_a_fresh_compilation(env, monkeypatch):
    rules, cached = env
    first = load_uncached(rules)
    assert cached.is_file() and cached.stat().st_mode & 0o777 == 0o600
    assert cached.parent.stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv(rulecache.ENV_DISABLE, "1")
    fresh = load_uncached(rules)
    monkeypatch.delenv(rulecache.ENV_DISABLE)
    calls = _count_compilations(monkeypatch)
    again = load_uncached(rules)
    assert calls == [] and again == first == fresh
    assert [r.id for r in again] == [r.id for r in fresh] and len(again) > 50


def test_a_rule_edited_makes_the_cache_stale(env):
    rules, _ = env
    before = {r.id: r for r in load_uncached(rules)}
    path = rules / "dpo.yaml"
    text = path.read_text(encoding="utf-8")
    rule = next(r for r in before.values() if r.file == str(path))
    path.write_text(text.replace(f"titre: {rule.spec.titre}", "titre: Un titre modifié", 1), encoding="utf-8")
    after = {r.id: r for r in load_uncached(rules)}
    assert after[rule.id].spec.titre == "Un titre modifié"
    path.write_text(text.replace("condition:", "conditionn:", 1), encoding="utf-8")
    with pytest.raises(RuleFileError):  # a broken rule file is reported, never served from the cache
        load_uncached(rules)


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data[:200] + b"\x00garbage" + data[208:],  # bytes changed after the key
    lambda data: b"not a cache at all",
])
def test_a_corrupt_cache_is_ignored_and_rebuilt(env, damage):
    rules, cached = env
    good = load_uncached(rules)
    cached.write_bytes(damage(cached.read_bytes()))
    assert load_uncached(rules) == good
    assert load_uncached(rules) == good  # rebuilt and rewritten: readable again


def test_a_cache_others_could_write_is_neither_read_nor_written(env, monkeypatch):
    rules, cached = env
    good = load_uncached(rules)
    calls = _count_compilations(monkeypatch)
    cached.chmod(0o620)  # a group-writable file: not read (rebuilt and replaced by one of 0600)
    assert load_uncached(rules) == good and calls == [1]
    assert cached.stat().st_mode & 0o777 == 0o600
    cached.parent.chmod(0o755)  # a directory others can enter: neither read nor written
    stamp = cached.stat().st_mtime_ns
    assert load_uncached(rules) == good and calls == [1, 1]
    assert cached.stat().st_mtime_ns == stamp
    cached.parent.chmod(0o700)
    assert load_uncached(rules) == good and calls == [1, 1]  # private again: read


def test_disabled_by_the_environment(env, monkeypatch):
    rules, cached = env
    monkeypatch.setenv(rulecache.ENV_DISABLE, "1")
    load_uncached(rules)
    assert not cached.exists()


def test_the_audit_prints_the_same_with_a_cold_a_warm_and_no_cache(tmp_path):
    def audit(**extra: str) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items()
               if key not in (rulecache.ENV_DISABLE, "RGPDCHECK_CACHE_DIR")}
        env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), **extra)
        return subprocess.run([sys.executable, "-m", "rgpdcheck", "audit", "--format", "json",
                               str(ROOT / "fixtures" / "bruges" / "registre.yaml")],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=False)

    cold = audit()
    assert (tmp_path / "cache" / "rgpdcheck" / rulecache.FILE_NAME).is_file()
    warm = audit()
    none = audit(**{rulecache.ENV_DISABLE: "1"})
    assert cold.returncode == warm.returncode == none.returncode == 1
    assert cold.stdout == warm.stdout == none.stdout and '"findings"' in cold.stdout
    assert cold.stderr == warm.stderr == none.stderr


def test_without_a_home_directory_the_rules_still_load(env, monkeypatch):
    rules, cached = env

    def no_home():
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr(rulecache, "directory", no_home)
    assert len(load_uncached(rules)) > 50 and not cached.exists()

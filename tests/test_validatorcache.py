"""pydantic's register validators kept between runs (validators.py): they validate and fail
exactly as pydantic's own, are rebuilt when the code changes or the file is damaged, and
are used only when pydantic's plugins are off."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from rgpdcheck import rulecache, validators
from rgpdcheck.errors import InputErrors
from rgpdcheck.loader import load_document
from rgpdcheck.model import Ident, Registre

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted(p for p in CORPUS.glob("*.yaml") if p.name != "attendu.yaml")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty cache of our own, plugins off (as the console entry point runs), and a count
    of the validators built."""
    monkeypatch.setenv("RGPDCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(rulecache.ENV_DISABLE, raising=False)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    builds: list[int] = []
    real = validators.build

    def counted():
        builds.append(1)
        return real()
    monkeypatch.setattr(validators, "build", counted)
    validators.validators.cache_clear()
    yield tmp_path / "cache" / validators.FILE_NAME, builds
    validators.validators.cache_clear()


def fresh() -> validators.Validators:
    validators.validators.cache_clear()
    return validators.validators()


def _outcome(validator, data):
    """What validating gives: the model, or every error as pydantic reports it."""
    try:
        return ("ok", validator.validate_python(data))
    except ValidationError as exc:
        errors = [{**e, "ctx": {k: (type(v), str(v)) for k, v in e.get("ctx", {}).items()}} for e in exc.errors()]
        return ("errors", exc.title, errors, str(exc))  # (a ValueError in ctx compares by identity)


def _data(path: Path):
    try:
        return load_document(str(path)).data
    except InputErrors:
        return None  # refused by the loader before validation (an alias bomb, bad YAML)


def test_read_back_validators_validate_and_fail_as_pydantic(env):
    cached, builds = env
    fresh()
    assert cached.is_file() and cached.stat().st_mode & 0o777 == 0o600 and builds == [1]
    read = fresh()
    assert builds == [1]  # read back, not rebuilt
    Registre.model_rebuild()
    ident = TypeAdapter(Ident, config={"coerce_numbers_to_str": True})
    checked = 0
    for path in REGISTERS:
        data = _data(path)
        if not isinstance(data, dict):
            continue
        assert _outcome(read.registre, data) == _outcome(Registre.__pydantic_validator__, data), path
        checked += 1
    assert checked > 50
    for value in ["T-1", " T-1 ", "", "  ", 1.10, 3, float("inf"), "x" * 300]:
        assert _outcome(read.ident, value) == _outcome(ident.validator, value)


def test_a_model_edited_makes_the_cache_stale(env, tmp_path, monkeypatch):
    cached, builds = env
    fresh()
    package = tmp_path / "package"
    shutil.copytree(rulecache._PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(rulecache, "_PACKAGE", package)
    fresh()
    assert builds == [1]  # same code: same key
    model = package / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    rulecache._code_key.cache_clear()  # read once per process: the next run reads it again
    fresh()
    assert builds == [1, 1]
    fresh()
    assert builds == [1, 1]  # the new key was written


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data[:300] + b"\x00garbage" + data[308:],  # bytes changed after the key
    lambda data: b"not a cache at all",
])
def test_a_corrupt_cache_is_ignored_and_rebuilt(env, damage):
    cached, builds = env
    fresh()
    cached.write_bytes(damage(cached.read_bytes()))
    assert isinstance(fresh().registre.validate_python({"version": 1, "commune": "bruges"}), Registre)
    assert builds == [1, 1]
    fresh()
    assert builds == [1, 1]  # rewritten: read back


def test_something_else_under_the_right_key_is_not_used(env):
    cached, builds = env
    fresh()
    raw = cached.read_bytes()
    head = raw[: raw.index(b"\n", raw.index(b"\n") + 1) + 1]  # magic and key
    import hashlib

    payload = pickle.dumps(("not", "validators"))
    cached.write_bytes(head + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    assert fresh().ident.validate_python(" T-1 ") == "T-1"
    assert builds == [1, 1]


def test_a_cache_others_could_write_is_not_read(env):
    cached, builds = env
    fresh()
    cached.chmod(0o620)
    fresh()
    assert builds == [1, 1] and cached.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("plugins", [None, "", "some_plugin"])
def test_not_used_when_plugins_may_be_on(env, monkeypatch, plugins):
    cached, builds = env
    if plugins is None:
        monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS")
    else:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", plugins)
    fresh()
    fresh()
    assert builds == [1, 1] and not cached.exists()


def test_disabled_by_the_environment(env, monkeypatch):
    cached, builds = env
    monkeypatch.setenv(rulecache.ENV_DISABLE, "1")
    fresh()
    assert not cached.exists()


@pytest.mark.parametrize("register", ["fixtures/bruges/registre.yaml", "tests/corpus/wrong-type.yaml",
                                      "tests/corpus/unknown-key-typo.yaml"])
def test_the_command_prints_the_same_with_a_cold_a_warm_and_no_cache(tmp_path, register):
    assert (ROOT / register).is_file()

    def audit(**extra: str) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if key not in (rulecache.ENV_DISABLE, "PYDANTIC_DISABLE_PLUGINS")}
        env.update(RGPDCHECK_CACHE_DIR=str(tmp_path / "cache"), **extra)
        return subprocess.run([sys.executable, "-m", "rgpdcheck", "audit", "--format", "json", register],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=False)

    cold = audit()
    assert (tmp_path / "cache" / validators.FILE_NAME).is_file()
    warm = audit()
    none = audit(**{rulecache.ENV_DISABLE: "1"})
    assert cold.returncode == warm.returncode == none.returncode
    assert (cold.stdout, cold.stderr) == (warm.stdout, warm.stderr) == (none.stdout, none.stderr)
    assert cold.stdout or cold.stderr

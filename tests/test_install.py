"""Installation: the Python versions rgpdcheck runs on, said the same way everywhere, and a
French message (never a traceback) on any other."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from conftest import ROOT

import rgpdcheck

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_supported_versions_are_the_ones_pyproject_requires():
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.14"
    low, high = rgpdcheck.SUPPORTED
    assert (low, high) == ((3, 11), (3, 13))
    assert rgpdcheck.unsupported_python(sys.version_info) is None  # the one running the tests


@pytest.mark.parametrize("version", [(3, 10), (3, 14), (2, 7)])
def test_unsupported_python_gets_a_french_message(version):
    message = rgpdcheck.unsupported_python(version)
    assert message.startswith(f"Python {version[0]}.{version[1]} n'est pas pris en charge")
    assert "3.11, 3.12 ou 3.13" in message


@pytest.mark.parametrize("version", [(3, 11), (3, 12), (3, 13)])
def test_supported_pythons_get_no_message(version):
    assert rgpdcheck.unsupported_python(version) is None


def _old_python() -> str | None:
    found = sorted(glob.glob("/root/.pyenv/versions/3.10.*/bin/python3")) + [shutil.which("python3.10") or ""]
    return next((p for p in found if p and os.access(p, os.X_OK)), None)


@pytest.mark.skipif(_old_python() is None, reason="pas de Python 3.10 sur cette machine pour essayer le message")
def test_running_on_an_old_python_prints_the_message_and_exits_2(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([_old_python(), "-m", "rgpdcheck", "audit", "registre.yaml"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert re.match(r"rgpdcheck : Python 3\.10 n'est pas pris en charge", result.stderr)


def test_readme_install_commands_build_durable_on_every_supported_python():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .venv .*)\n```", readme)
    assert len(commands) == 2
    for command in commands:
        # durable-rules 2.0.28 calls PyEval_CallObject, removed from Python 3.13's C API
        assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install" in command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in ci


def test_an_audit_raises_no_deprecation_warning_from_durable():
    """durable calls datetime.utcfromtimestamp (deprecated since 3.12) on every action; the
    engine replaces that clock, so a test run is no longer flooded (43,008 warnings) and a
    real deprecation shows. No warnings filter is installed for it anywhere."""
    import warnings

    from conftest import TODAY

    from rgpdcheck.audit import audit_file

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = audit_file(str(ROOT / "fixtures" / "bruges" / "registre.yaml"), None, TODAY)
    assert result.findings
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
    assert not any("utcfromtimestamp" in str(f[1]) for f in warnings.filters)


def test_durable_built_without_the_define_is_explained_in_french(tmp_path):
    """On Python 3.13, `pip install .` without the README's CPPFLAGS succeeds, but durable's
    extension then fails to load (measured): rgpdcheck says how to rebuild it, exit 2."""
    fake = tmp_path / "durable"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise ImportError('durable_rules_engine.cpython-313-x86_64-linux-gnu.so: undefined symbol: PyEval_CallObject')\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")])}
    result = subprocess.run([sys.executable, "-m", "rgpdcheck", "audit", str(ROOT / "fixtures" / "bruges" / "registre.yaml")],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --no-cache-dir --force-reinstall" in result.stderr

"""The pre-commit hook, driven by the real framework: `pre-commit try-repo` on this
repository, in a temporary git repository holding a register.

It installs rgpdcheck into pre-commit's own environment (a plain `pip install` of this
repository), so it is the slowest test; pip's wheel cache keeps later runs short.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"
CONFORME = ROOT / "fixtures" / "conforme" / "registre.yaml"


def test_hook_definition_matches_register_files():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "rgpdcheck" and hook["entry"] == "rgpdcheck audit" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("registre.yaml", "communes/bruges/registre.yml", "registre-2019.yaml"):
        assert pattern.search(name), name
    for name in ("mkdocs.yaml", "registre.yaml.bak", "docs/registre.md"):
        assert not pattern.search(name), name


@pytest.fixture(scope="module")
def hook_run(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.fail("git est nécessaire au test du hook pre-commit")
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        # the README's instruction for pre-commit's own install on Python 3.13 (harmless before)
        "CPPFLAGS": "-DPyEval_CallObject=PyObject_CallObject",
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }

    def run(register: Path) -> subprocess.CompletedProcess[str]:
        repo = tmp_path_factory.mktemp("registres")
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
        (repo / "registre.yaml").write_bytes(register.read_bytes())
        subprocess.run(["git", "add", "registre.yaml"], cwd=repo, check=True, env=env)
        return subprocess.run(PRE_COMMIT + ["try-repo", str(ROOT), "rgpdcheck", "--color", "never"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)

    return run


def test_hook_refuses_a_non_compliant_register(hook_run):
    result = hook_run(BRUGES)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Failed" in output
    assert "Avenant V-d (violations)" in output  # the finding names its clause
    assert "vd-violation-notification-tardive" in output


def test_hook_accepts_a_compliant_register(hook_run):
    result = hook_run(CONFORME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_readme_snippet_works_as_written(tmp_path):
    """The README's `.pre-commit-config.yaml`, with this checkout as the repository's address:
    valid, and `pre-commit autoupdate` (the README's next command) pins `rev:` to a commit of
    this repository, which has no version tag to point at."""
    if shutil.which("git") is None:
        pytest.fail("git est nécessaire au test du hook pre-commit")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### pre-commit"):]
    snippet = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    (repo_entry,) = yaml.safe_load(snippet)["repos"]
    assert repo_entry["hooks"] == [{"id": "rgpdcheck"}]
    assert "pre-commit autoupdate && pre-commit install" in section
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    repo = tmp_path / "registres"
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    config = repo / ".pre-commit-config.yaml"
    config.write_text(snippet.replace(repo_entry["repo"], str(ROOT)), encoding="utf-8")
    checked = subprocess.run(PRE_COMMIT + ["validate-config", str(config)], cwd=repo, env=env,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # as written, `rev:` names a branch this repository has (or its clone's origin has)
    assert any(subprocess.run(["git", "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"], cwd=ROOT,
                              capture_output=True, check=False).returncode == 0
               for ref in (repo_entry["rev"], f"origin/{repo_entry['rev']}"))
    updated = subprocess.run(PRE_COMMIT + ["autoupdate"], cwd=repo, env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    rev = yaml.safe_load(config.read_text(encoding="utf-8"))["repos"][0]["rev"]
    tags = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    if not tags:
        assert re.fullmatch(r"[0-9a-f]{40}", rev), rev
    assert subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, check=False).returncode == 0

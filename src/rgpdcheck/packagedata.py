"""The project's own YAML: the data files shipped in the package and the rule files.

Trusted text, read with PyYAML's safe C loader (registers, which are not trusted, go
through loader.py with its bounds and line table instead).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

# The package's own directory: what importlib.resources.files("rgpdcheck") gives for a package
# installed as files (any pip install, editable or not), without importing importlib.resources
# (tempfile, shutil, bz2, lzma) nor its file reader (zipfile) at every run.
_DATA = Path(__file__).resolve().parent / "data"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def parse(text: str) -> Any:
    """A YAML text of the project's (a rule file, a data file)."""
    return yaml.load(text, Loader=_Loader)


@cache
def data(name: str) -> Any:
    """`src/rgpdcheck/data/<name>`, parsed once."""
    return parse(_read(name))


def _read(name: str) -> str:
    if _DATA.is_dir():
        return (_DATA / name).read_text(encoding="utf-8")
    from importlib import resources  # a package imported from an archive (zipimport)

    return resources.files("rgpdcheck").joinpath("data", name).read_text(encoding="utf-8")

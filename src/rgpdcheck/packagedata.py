"""The project's own YAML: the data files shipped in the package and the rule files.

Trusted text, read with PyYAML's safe C loader (registers, which are not trusted, go
through loader.py with its bounds and line table instead).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def parse(text: str) -> Any:
    """A YAML text of the project's (a rule file, a data file)."""
    return yaml.load(text, Loader=_Loader)


@cache
def data(name: str) -> Any:
    """`src/rgpdcheck/data/<name>`, parsed once."""
    return parse(resources.files("rgpdcheck").joinpath("data", name).read_text(encoding="utf-8"))

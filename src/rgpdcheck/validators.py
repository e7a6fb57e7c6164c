"""pydantic's validators of a register, built once and read back from the cache (issue 18).

Validating a register goes through two pydantic-core validators: `Registre`'s (one schema
holding the 40 nested models) and the one id normaliser (idents.py). Building them means
generating `Registre`'s core schema from the model classes in Python (about 15 ms) and, for
the first validator pydantic creates in a process, importing its plugin loader, which
imports `importlib.metadata` and `email` (about 15 ms): a tenth of a small register's audit.
Both depend only on the code, so they are kept between runs:

- **What**: the two `pydantic_core.SchemaValidator`s, pickled as pydantic-core pickles them
  (the core schema and the core config they were built from; the model classes and the
  validator functions of model.py by reference, by name). Read back, each is rebuilt from
  that same schema and config: validation, and every error, is what pydantic's own
  validator gives (`Registre.model_validate` and a `TypeAdapter` of `model.Ident`).
- **Where and how**: the rules cache's directory, checks and writing (rulecache.py), file
  `validators.pickle`, keyed by the versions of rgpdcheck, Python, pydantic and
  pydantic_core and every module of the package (a model edited is a new key); anything
  else read there (damaged, another key, not two validators) is rebuilt and replaced.
  `RGPDCHECK_NO_CACHE` turns it off.
- **Only when pydantic's plugins are off** (`PYDANTIC_DISABLE_PLUGINS` set to `__all__`,
  `1` or `true`, as the console entry point sets it): a plugin wraps the validators pydantic
  creates, so with plugins possibly on, the models are validated through pydantic as usual.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any, NamedTuple

from pydantic_core import SchemaValidator

from . import rulecache

FILE_NAME = "validators.pickle"
_MAGIC = b"rgpdcheck-validators-cache 1\n"


class Validators(NamedTuple):
    registre: Any  # validates a register into a model.Registre
    ident: Any  # an id as the models read it (idents.py)


def plugins_disabled() -> bool:
    """Whether pydantic loads no plugin (its own test of the variable, plugin/_loader.py)."""
    return os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true")


@cache
def validators() -> Validators:
    """The register's validators, from the cache when it holds valid ones for this code."""
    if not plugins_disabled():
        return Validators(*build())
    return Validators(*rulecache.cached(FILE_NAME, _MAGIC, rulecache.code_key, build, _check))


def build() -> tuple[Any, Any]:
    """The validators as pydantic builds them."""
    from pydantic import ConfigDict, TypeAdapter

    from .model import Ident, Registre

    Registre.model_rebuild()  # built on first use (defer_build): now
    ident = TypeAdapter(Ident, config=ConfigDict(coerce_numbers_to_str=True))
    return (Registre.__pydantic_validator__, ident.validator)


def _check(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(type(v) is SchemaValidator for v in value)

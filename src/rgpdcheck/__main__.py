"""`python -m rgpdcheck` is the `rgpdcheck` command."""

from .entry import run

run()

"""`python -m rgpdcheck` is the `rgpdcheck` command."""

from .cli import main

main()

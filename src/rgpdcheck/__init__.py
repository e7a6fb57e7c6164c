"""rgpdcheck: audits the GDPR registers of the communes sharing Bordeaux Métropole's information system."""

# Kept parseable by old Pythons (no annotations, no recent syntax): on a version rgpdcheck does not
# run on, the user gets this French message instead of a SyntaxError or an ImportError from durable.
import sys

__version__ = "0.1.0"

# The versions .ci/run tests; pyproject.toml's requires-python says the same (a test checks it).
SUPPORTED = ((3, 11), (3, 13))


def unsupported_python(version=None):
    """The French message for a Python version rgpdcheck does not run on, else None."""
    major_minor = tuple((version or sys.version_info)[:2])
    if SUPPORTED[0] <= major_minor <= SUPPORTED[1]:
        return None
    return ("Python %d.%d n'est pas pris en charge : rgpdcheck fonctionne avec Python 3.11, 3.12 ou 3.13. "
            "Créez l'environnement avec l'une de ces versions (par exemple « python3.12 -m venv .venv »), "
            "puis réinstallez rgpdcheck." % major_minor)


if unsupported_python() is not None:
    sys.stderr.write("rgpdcheck : %s\n" % unsupported_python())
    raise SystemExit(2)

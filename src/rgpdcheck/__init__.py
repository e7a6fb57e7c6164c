"""rgpdcheck: audits the GDPR registers of the communes sharing Bordeaux Métropole's information system."""

__version__ = "0.1.0"

"""archive-search: the domain package shared by the ingest and search Lambdas.

Layers: ``handlers`` (thin Lambda entry points) -> logic (``ingest``, ``search``,
``cleaning``) -> ``adapters`` (the only modules that import boto3 or opensearch-py).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"

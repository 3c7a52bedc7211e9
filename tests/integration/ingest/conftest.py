from tests.ingest_support import ingest  # noqa: F401  (the fixture)

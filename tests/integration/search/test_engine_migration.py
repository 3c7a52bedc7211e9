"""Migration: `archive-search reindex` moves an archive indexed with the previous mapping (one
English analysis, bench/relevance/mapping_v1.json) to the current one and swaps the alias."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_search.index_schema import MAPPING_VERSION
from archive_search.ingest.batch import default_service
from archive_search.ingest.reindex import reindex
from tests.ingest_support import IngestRig, ingest  # noqa: F401  (the fixture)
from tests.integration.search.support import SearchApi

pytestmark = pytest.mark.integration

V1 = json.loads((Path(__file__).resolve().parents[3] / "bench" / "relevance" / "mapping_v1.json").read_text())
GERMAN = (
    "Lindenbrücke für Radfahrer gesperrt\n\n"
    "Die Stadt sperrt die Lindenbrücke über die Lahn ab Montag. Radfahrer und Fußgänger sollen "
    "die Umleitung über den Hafen nehmen, sagte der Bürgermeister am Freitag im Rathaus. Die "
    "Arbeiten an der Brücke dauern nach Angaben der Stadt mindestens drei Monate.\n"
)


def test_reindex_moves_a_previous_mapping_archive_to_the_current_one(ingest: IngestRig) -> None:  # noqa: F811
    # Given an alias on an index with the previous mapping
    engine = ingest.engine
    old = f"{ingest.settings.index_alias}-v1-old"
    engine.create_index(old, V1)
    engine.client.indices.put_alias(index=old, name=ingest.settings.index_alias)
    ingest.put("inbox/lindenbruecke.txt", GERMAN)
    api = SearchApi(ingest.settings)
    # When the archive is reindexed
    report = reindex(default_service(), ingest.archive.bucket)
    # Then the alias points at a new index with the current mapping, and German is analysed
    assert report.swapped and not report.failed and report.replaced == [old]
    [current] = engine.alias_targets()
    assert f"-v{MAPPING_VERSION}-" in current
    assert "lang" in engine.client.indices.get_mapping(index=current)[current]["mappings"]["properties"]
    [hit] = api.get("/search", {"q": "Brücken Radfahrern", "fields": "id,snippet,language"}).json["hits"]
    assert hit["language"] == "de"
    assert "<mark>Brücke</mark>" in hit["snippet"]["html"]
    engine.client.indices.delete(index=[old, current])

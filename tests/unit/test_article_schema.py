"""The article's fields are declared once, by ``model.Article``; everything that writes them out
again (the index document, the mapping, the response models, the fields a hit reads) is checked
against it here, so adding a field in one place and not the others fails a test."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from archive_search.documents import article_document
from archive_search.index_schema import article_mappings
from archive_search.model import Article, ObjectRef
from archive_search.search import body, request
from archive_search.search.models import ArticleResponse, Hit

pytestmark = pytest.mark.unit

ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
# What a hit shows of an article besides its fields (ingested_at: from the index document),
# and the article field a hit never carries.
HIT_ONLY = {"id", "score", "title_html", "description_html", "snippet", "duplicates", "truncated"}
HIT_ONLY |= {"ingested_at"}
NOT_IN_HITS = {"body"}


def _document() -> dict:
    article = Article(
        title="t", body="b", source="s", published=date(2024, 1, 2), place="p", authors=("a",),
        author_org="o", language="en", url="https://example.org/", tags=("x",), description="d",
    )  # fmt: skip
    return article_document(
        article,
        ObjectRef("bucket", "key"),
        0,
        content_sha256="0" * 64,
        cleaner_version="v",
        ingested_at="now",
    )


@pytest.mark.parametrize("profile", ["opensearch", "osmem"])
def test_the_index_document_holds_every_article_field_and_the_strict_mapping_every_key(profile: str) -> None:
    document = _document()
    properties = article_mappings(profile)["properties"]

    assert set(document) >= ARTICLE_FIELDS
    assert set(document) <= set(properties)


def test_the_article_response_shows_every_article_field() -> None:
    assert set(ArticleResponse.model_fields) >= ARTICLE_FIELDS


def test_a_hit_shows_every_article_field_but_the_body_and_reads_each_from_the_index() -> None:
    properties = article_mappings()["properties"]

    assert set(Hit.model_fields) == (ARTICLE_FIELDS - NOT_IN_HITS) | HIT_ONLY
    assert set(request.HIT_FIELDS) == set(Hit.model_fields) - {"truncated"}
    assert set(body.SOURCE_FOR) == set(request.HIT_FIELDS) - {"id", "score", "duplicates"}
    assert {field for fields in body.SOURCE_FOR.values() for field in fields} <= set(properties)

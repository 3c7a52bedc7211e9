"""JSON uploads in the shapes real services export: envelopes, object-valued fields, JSON-LD,
JSON Feed, Elasticsearch/OpenSearch exports and JSON Lines."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest

from archive_search.cleaning import clean, detect_format
from archive_search.cleaning.jsonrecord import extract_json, extract_ndjson
from archive_search.cleaning.limits import MAX_ARTICLES_PER_FILE, MAX_ENVELOPE_DEPTH, MAX_JSON_LINES
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

PARAGRAPHS = [
    "The harbour authority approved on Tuesday a plan to dredge the northern channel, allowing "
    "larger cargo ships to dock at the port for the first time since 1998.",
    "Work will start in March and last eleven weeks, the authority's director said, adding that "
    "fishing boats would keep access to the inner basin throughout.",
]
BODY = "\n\n".join(PARAGRAPHS)
HTML_BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
TITLE = "Harbour to dredge northern channel"


def story(**fields: object) -> dict[str, object]:
    return {"title": TITLE, "body": BODY, **fields}


def titles(articles: list) -> list[str]:  # type: ignore[type-arg]
    return [a.title for a in articles]


# -- envelopes --------------------------------------------------------------------------------
def test_records_nested_two_envelopes_deep_are_found() -> None:
    data = {"status": "ok", "data": {"total": 2, "articles": [story(title="A"), story(title="B")]}}
    assert titles(extract_json(json.dumps(data), "nested.json")) == ["A", "B"]


def test_guardian_content_api_response_maps_its_fields() -> None:
    data = {
        "response": {
            "status": "ok",
            "userTier": "developer",
            "total": 1,
            "results": [
                {
                    "id": "uk-news/2024/mar/05/harbour-dredge",
                    "type": "article",
                    "sectionName": "UK news",
                    "webPublicationDate": "2024-03-05T17:12:44Z",
                    "webTitle": TITLE,
                    "webUrl": "https://www.theguardian.com/uk-news/2024/mar/05/harbour-dredge",
                    "apiUrl": "https://content.guardianapis.com/uk-news/2024/mar/05/harbour-dredge",
                    "fields": {
                        "headline": TITLE,
                        "trailText": "Cargo ships will reach the port after <strong>eleven weeks</strong> of dredging work",
                        "byline": "Jane Doe and John Roe",
                        "body": HTML_BODY,
                        "bodyText": " ".join(PARAGRAPHS),
                        "publication": "The Guardian",
                        "lang": "en",
                    },
                    "tags": [{"id": "uk/ports", "type": "keyword", "webTitle": "Ports"}],
                }
            ],
        }
    }
    [article] = extract_json(json.dumps(data), "guardian.json")
    assert article.title == TITLE
    assert article.published == date(2024, 3, 5)
    assert article.url == "https://www.theguardian.com/uk-news/2024/mar/05/harbour-dredge"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.source == "The Guardian"
    assert article.tags == ("Ports",)
    assert "inner basin" in article.body and "<p>" not in article.body
    assert article.description is not None and "<strong>" not in article.description


def test_a_single_item_response_is_read_through_its_content_object() -> None:
    data = {
        "response": {
            "status": "ok",
            "content": {"webTitle": TITLE, "fields": {"bodyText": BODY}, "webPublicationDate": "2024-03-05"},
        }
    }
    [article] = extract_json(json.dumps(data), "item.json")
    assert article.title == TITLE and article.body.split("\n\n") == PARAGRAPHS


def test_nyt_archive_docs_give_headline_main_and_byline_original() -> None:
    data = {
        "status": "OK",
        "response": {
            "meta": {"hits": 1, "offset": 0},
            "docs": [
                {
                    "abstract": "The port will take larger ships after the work.",
                    "web_url": "https://www.nytimes.com/2024/03/05/nyregion/harbour.html",
                    "lead_paragraph": PARAGRAPHS[0],
                    "source": "The New York Times",
                    "headline": {"main": TITLE, "kicker": None, "print_headline": "Dredging Begins"},
                    "keywords": [{"name": "subject", "value": "Ports", "rank": 1, "major": "N"}],
                    "pub_date": "2024-03-05T10:00:05+0000",
                    "byline": {
                        "original": "By Jane Doe",
                        "person": [{"firstname": "Jane"}],
                        "organization": None,
                    },
                }
            ],
        },
    }
    [article] = extract_json(json.dumps(data), "nyt.json")
    assert article.title == TITLE
    assert article.authors == ("Jane Doe",)
    assert article.source == "The New York Times"
    assert article.published == date(2024, 3, 5)
    assert article.url == "https://www.nytimes.com/2024/03/05/nyregion/harbour.html"
    assert article.tags == ("Ports",)
    assert article.body == PARAGRAPHS[0]


def test_elasticsearch_search_response_hits_are_unwrapped() -> None:
    data = {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1},
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_index": "news",
                    "_id": "1",
                    "_score": 1.0,
                    "_source": story(title="A", published="2024-03-05"),
                },
                {"_index": "news", "_id": "2", "_score": 1.0, "_source": story(title="B")},
            ],
        },
    }
    articles = extract_json(json.dumps(data), "hits.json")
    assert titles(articles) == ["A", "B"]
    assert articles[0].published == date(2024, 3, 5)


def test_a_list_of_source_documents_is_unwrapped() -> None:
    data = [{"_index": "news", "_id": str(i), "_source": story(title=f"S{i}")} for i in range(3)]
    assert titles(extract_json(json.dumps(data), "dump.json")) == ["S0", "S1", "S2"]


def test_json_api_attributes_and_a_body_object_give_the_text() -> None:
    data = {
        "data": [
            {
                "type": "node--article",
                "id": "6f1c",
                "attributes": {
                    "title": TITLE,
                    "created": "2024-03-05",
                    "body": {"value": HTML_BODY, "format": "html"},
                },
            }
        ]
    }
    [article] = extract_json(json.dumps(data), "drupal.json")
    assert article.title == TITLE and "inner basin" in article.body


def test_records_deeper_than_the_envelope_bound_are_not_looked_for() -> None:
    inside: object = [story()]
    for level in range(MAX_ENVELOPE_DEPTH):
        inside = {f"level{level}": inside}
    assert len(extract_json(json.dumps(inside), "deep-enough.json")) == 1

    with pytest.raises(RejectedInput) as err:
        extract_json(json.dumps({"outer": inside}), "too-deep.json")
    assert err.value.reason == "no_article_text"
    assert f"{MAX_ENVELOPE_DEPTH} levels" in err.value.message and "body" in err.value.message


def test_a_json_without_any_record_names_what_was_looked_for() -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json(json.dumps({"status": "ok", "response": {"total": 0, "results": []}}), "none.json")
    assert err.value.reason == "no_article_text"
    assert "articleBody" in err.value.message and "content_html" in err.value.message


def test_wordpress_rest_posts_give_their_rendered_fields() -> None:
    posts = [
        {
            "id": 101,
            "date": "2024-03-05T08:00:00",
            "link": "https://gazette.example/2024/03/harbour",
            "title": {"rendered": "Harbour &#8211; dredging approved"},
            "content": {"rendered": HTML_BODY, "protected": False},
            "excerpt": {"rendered": "<p>Larger cargo ships will reach the port after months of work.</p>"},
            "author": 3,
            "categories": [5],
        }
    ]
    [article] = extract_json(json.dumps(posts), "wp-posts.json")
    assert article.title == "Harbour – dredging approved"
    assert article.url == "https://gazette.example/2024/03/harbour"
    assert article.published == date(2024, 3, 5)
    assert "inner basin" in article.body and "<p>" not in article.body
    assert article.description == "Larger cargo ships will reach the port after months of work."


# -- object-valued fields ---------------------------------------------------------------------
def test_newsapi_articles_give_source_name_and_drop_the_cut_marker() -> None:
    data = {
        "status": "ok",
        "totalResults": 1,
        "articles": [
            {
                "source": {"id": "bbc-news", "name": "BBC News"},
                "author": "Jane Doe",
                "title": TITLE,
                "description": "Larger cargo ships will reach the port after months of dredging.",
                "url": "https://www.bbc.co.uk/news/harbour",
                "publishedAt": "2024-03-05T09:12:00Z",
                "content": PARAGRAPHS[0][:180] + "… [+1843 chars]",
            }
        ],
    }
    [article] = extract_json(json.dumps(data), "newsapi.json")
    assert article.source == "BBC News"
    assert article.authors == ("Jane Doe",)
    assert article.body == PARAGRAPHS[0][:180]
    assert "chars]" not in article.body
    assert article.published == date(2024, 3, 5)


def test_schema_org_author_list_and_publisher_objects_give_names() -> None:
    record = story(
        author=[{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
        publisher={"@type": "Organization", "name": "Harbour Gazette", "logo": {"url": "https://x/l.png"}},
    )
    [article] = extract_json(json.dumps(record), "ld.json")
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.source == "Harbour Gazette"


def test_a_body_given_as_a_list_of_paragraph_strings_is_joined() -> None:
    data = {"articles": [{"title": TITLE, "body": PARAGRAPHS}]}
    (article,) = extract_json(json.dumps(data), "list.json")
    assert article.body == BODY


def test_a_content_list_of_paragraph_objects_gives_their_text_and_skips_the_rest() -> None:
    blocks = [
        {"type": "paragraph", "text": PARAGRAPHS[0]},
        {"type": "image", "url": "https://example.org/harbour.jpg"},
        {"type": "paragraph", "value": PARAGRAPHS[1]},
        "  ",
        7,
    ]
    (article,) = extract_json(json.dumps([{"headline": TITLE, "content": blocks}]), "blocks.json")
    assert (article.title, article.body) == (TITLE, BODY)


def test_an_html_field_given_as_a_list_of_fragments_is_read_as_one_page() -> None:
    record = {"title": TITLE, "content_html": [f"<p>{p}</p>" for p in PARAGRAPHS]}
    (article,) = extract_json(json.dumps(record), "fragments.json")
    assert article.body == BODY


def test_a_list_of_paragraphs_over_the_body_bound_is_rejected_before_cleaning() -> None:
    from archive_search.cleaning.limits import MAX_BODY_CHARS

    paragraph = "word " * 1_000
    record = {"title": TITLE, "text": [paragraph] * (MAX_BODY_CHARS // len(paragraph) + 1)}
    with pytest.raises(RejectedInput) as err:
        extract_json(json.dumps(record), "long.json")
    assert err.value.reason == "body_too_long"


@pytest.mark.parametrize("text", [[], ["", "  "], [{"type": "image"}], [["nested", "list"]]])
def test_a_list_without_any_paragraph_text_is_still_no_article_text(text: object) -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json(json.dumps({"title": TITLE, "body": text}), "empty.json")
    assert err.value.reason == "no_article_text"


@pytest.mark.parametrize(
    "records",
    [
        [{"title": "A", "text": BODY}, {"title": "B", "text": BODY}],
        [{"body": BODY}, {"body": BODY}],
        [{"headline": "A", "content": {"rendered": BODY}}, {"headline": "B", "content": {"rendered": BODY}}],
    ],
)
def test_a_text_key_holding_a_list_of_articles_is_an_envelope_not_paragraphs(records: list) -> None:  # type: ignore[type-arg]
    articles = extract_json(json.dumps({"status": "ok", "content": records}), "envelope.json")
    assert len(articles) == 2 and all(a.body == BODY for a in articles)


def test_json_lines_records_with_paragraph_lists_are_joined() -> None:
    lines = "\n".join(json.dumps({"title": t, "body": PARAGRAPHS}) for t in ("A", "B"))
    articles = extract_ndjson(lines, "lines.jsonl")
    assert [(a.title, a.body) for a in articles] == [("A", BODY), ("B", BODY)]


# -- JSON-LD ----------------------------------------------------------------------------------
def test_json_ld_news_article_maps_its_properties() -> None:
    record = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "articleBody": BODY,
        "datePublished": "2024-03-05T08:00:00+01:00",
        "inLanguage": "en-GB",
        "keywords": "ports, dredging, shipping",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://gazette.example/harbour"},
    }
    [article] = extract_json(json.dumps(record), "article.json")
    assert article.title == TITLE
    assert article.published == date(2024, 3, 5)
    assert article.language == "en"
    assert article.tags == ("ports", "dredging", "shipping")
    assert article.authors == ("Jane Doe",)
    assert article.url == "https://gazette.example/harbour"


def test_json_ld_graph_gives_its_article_and_not_the_other_nodes() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://gazette.example/#site", "name": "Harbour Gazette"},
            {"@type": "Organization", "name": "Harbour Gazette"},
            {"@type": "NewsArticle", "headline": TITLE, "articleBody": BODY, "datePublished": "2024-03-05"},
            {"@type": "BreadcrumbList", "itemListElement": []},
        ],
    }
    [article] = extract_json(json.dumps(graph), "graph.json")
    assert article.title == TITLE and article.published == date(2024, 3, 5)


# -- JSON Feed --------------------------------------------------------------------------------
def test_json_feed_items_inherit_the_feeds_title_language_and_author() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour Gazette",
        "home_page_url": "https://gazette.example/",
        "language": "en",
        "author": {"name": "Ann Lee"},
        "items": [
            {
                "id": "1",
                "url": "https://gazette.example/harbour",
                "title": TITLE,
                "content_html": HTML_BODY,
                "date_published": "2024-03-05T08:00:00Z",
                "authors": [{"name": "Jane Doe"}],
                "tags": ["ports"],
            },
            {"id": "2", "title": "Ferry timetable", "content_text": BODY, "date_published": "2024-03-06"},
        ],
    }
    first, second = extract_json(json.dumps(feed), "feed.json")
    assert first.source == "Harbour Gazette" and second.source == "Harbour Gazette"
    assert first.authors == ("Jane Doe",) and first.tags == ("ports",)
    assert second.authors == ("Ann Lee",)
    assert first.published == date(2024, 3, 5) and second.published == date(2024, 3, 6)
    assert "inner basin" in first.body and "<p>" not in first.body
    assert second.body.split("\n\n") == PARAGRAPHS
    assert second.language == "en"


# -- JSON Lines -------------------------------------------------------------------------------
def test_json_lines_give_one_article_per_line() -> None:
    lines = [json.dumps(story(title=f"Line {i}")) for i in range(3)]
    assert titles(extract_ndjson("\n".join(lines) + "\n", "a.jsonl")) == ["Line 0", "Line 1", "Line 2"]


def test_a_bad_line_is_named_and_the_good_lines_are_kept(caplog: pytest.LogCaptureFixture) -> None:
    text = "\n".join(
        [json.dumps(story(title="Good")), '{"title": "cut off', "", json.dumps({"title": "no text"})]
    )
    assert titles(extract_ndjson(text, "mixed.ndjson")) == ["Good"]
    [skipped] = [r for r in caplog.records if r.getMessage() == "JSON records skipped"]
    assert skipped.key == "mixed.ndjson" and skipped.skipped == 2
    assert skipped.reasons[0].startswith("line 2: not valid JSON") and skipped.reasons[1].startswith(
        "line 4:"
    )

    with pytest.raises(RejectedInput) as err:
        extract_ndjson('{"title": "cut off\n' + json.dumps({"title": "no text"}), "bad.ndjson")
    assert err.value.reason == "no_article_text"
    assert "line 1: not valid JSON" in err.value.message and "line 2:" in err.value.message


# Each kind of error json raises, on a line of its own; the words a person reads for it.
BROKEN_LINES = [
    ("{'title': 'x'}", 2, "field name in double quotes"),
    ('{"title": "x",}', 15, "field name in double quotes"),
    ('{"title" "x"}', 10, "colon"),
    ('{"title": "x" "body": "y"}', 15, "comma"),
    ('["x" "y"]', 6, "comma"),
    ('{"title": }', 11, "a value is missing"),
    ('{"title": "cut off', 11, "never closed"),
    ('{"title": "tab\there"}', 15, "control character"),
    ('{"title": "\\q \\x"}', 12, "backslash"),
    ('{"title": "\\u12"}', 13, "four hex digits"),
    ('{"title": "x"} {"title": "y"}', 16, "more after"),
    ("nan", 1, "a value is missing"),
]


@pytest.mark.parametrize(("line", "column", "words"), BROKEN_LINES)
def test_a_bad_line_says_what_is_wrong_and_where_in_people_s_words(
    line: str, column: int, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    text = "\n".join([json.dumps(story(title="Good")), line])
    assert titles(extract_ndjson(text, "a.jsonl")) == ["Good"]
    [skipped] = [r for r in caplog.records if r.getMessage() == "JSON records skipped"]
    [reason] = skipped.reasons
    assert reason.startswith(f"line 2: not valid JSON at column {column}: "), reason
    assert words in reason
    with pytest.raises(json.JSONDecodeError) as parsed:
        json.loads(line)
    assert parsed.value.msg not in reason and "(char " not in reason  # never the parser's own text


def test_a_whole_json_file_that_is_not_valid_says_where_by_line_and_column() -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json('[\n  {"title": "A",\n   "body": "text"\n  }\n  {"title": "B"}\n]', "export.json")
    assert err.value.reason == "invalid_json"
    assert err.value.message.startswith("export.json: not valid JSON at line 5, column 3: a comma"), (
        err.value.message
    )
    assert "delimiter" not in err.value.message


def test_a_too_deeply_nested_line_is_a_bad_line_not_a_crash() -> None:
    deep = "[" * 5_000 + "]" * 5_000
    articles = extract_ndjson(deep + "\n" + json.dumps(story()), "deep.ndjson")
    assert titles(articles) == [TITLE]


def test_bulk_api_lines_skip_the_action_lines() -> None:
    lines = []
    for i in range(2):
        lines += [json.dumps({"index": {"_index": "news", "_id": str(i)}}), json.dumps(story(title=f"B{i}"))]
    assert titles(extract_ndjson("\n".join(lines), "bulk.ndjson")) == ["B0", "B1"]


def test_elasticdump_lines_in_a_json_file_are_read_as_json_lines() -> None:
    lines = [json.dumps({"_index": "news", "_id": str(i), "_source": story(title=f"D{i}")}) for i in range(2)]
    assert titles(extract_json("\n".join(lines), "elasticdump.json")) == ["D0", "D1"]


@pytest.mark.parametrize(
    "text", [json.dumps(story()) + " " + json.dumps(story()), json.dumps(story(), indent=2) * 2]
)
def test_values_that_are_not_one_a_line_stay_invalid_json(text: str) -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json(text, "two.json")
    assert err.value.reason == "invalid_json"


@pytest.mark.parametrize(
    ("key", "content_type"),
    [("in/a.jsonl", None), ("in/a.ndjson", None), ("in/a.ndjson.gz", None), ("in/a", "application/x-ndjson")],
)
def test_json_lines_are_routed_by_extension_and_content_type(key: str, content_type: str | None) -> None:
    assert detect_format(key.removesuffix(".gz"), "{}", content_type) == "ndjson"
    data = "\n".join(json.dumps(story(title=f"R{i}")) for i in range(2)).encode()
    if key.endswith(".gz"):
        data = gzip.compress(data)
    assert titles(clean(data, key, content_type=content_type)) == ["R0", "R1"]


def test_json_lines_keep_the_records_per_file_bound() -> None:
    text = "\n".join(json.dumps(story()) for _ in range(MAX_ARTICLES_PER_FILE + 1))
    with pytest.raises(RejectedInput) as err:
        extract_ndjson(text, "many.jsonl")
    assert err.value.reason == "too_many_records"


def test_json_lines_are_counted_before_any_is_parsed() -> None:
    within = "\n\n".join(["{}"] * (MAX_JSON_LINES - 1) + [json.dumps(story())])
    assert len(extract_ndjson(within, "within.jsonl")) == 1

    with pytest.raises(RejectedInput) as err:
        extract_ndjson("{}\n" * MAX_JSON_LINES + json.dumps(story()), "over.jsonl")
    assert err.value.reason == "too_many_records" and str(MAX_JSON_LINES) in err.value.message


def test_an_integer_too_long_for_python_does_not_lose_the_record() -> None:
    # Python refuses to read an integer of more than 4,300 digits (sys.get_int_max_str_digits):
    # one such unrelated number must not make the whole file invalid JSON.
    huge = "7" * 5_000
    record = json.dumps(story())[:-1] + f', "checksum": {huge}}}'
    assert titles(extract_json(record, "huge.json")) == [TITLE]
    assert titles(extract_ndjson(record + "\n" + json.dumps(story(title="B")), "huge.ndjson")) == [TITLE, "B"]


def test_an_integer_too_long_in_a_date_field_leaves_the_article_undated() -> None:
    (article,) = extract_json(json.dumps(story())[:-1] + f', "published": {"1" * 5_000}}}', "d.json")
    assert article.published is None

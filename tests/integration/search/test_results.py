"""GET /search: page size, pages, cursors, safe highlights, field selection, collapsing."""

from __future__ import annotations

import html
import re

import pytest

from tests.integration.search.support import SearchApi, article_doc, corpus_id

pytestmark = pytest.mark.integration


def numbered(n: int, *, prefix: str = "Story", day: int | None = None) -> list[tuple[str, dict]]:
    return [
        article_doc(
            f"{prefix} {i} about floods",
            f"Flood report number {i}: rivers rose in district {i} and {prefix.lower()} {i} was written.",
            published=f"2023-05-{(day or i % 28) + 1:02d}",
            source="Dawn" if i % 2 else "Tribune",
        )
        for i in range(n)
    ]


def test_size_bounds_are_enforced_with_a_400_naming_size(corpus: SearchApi) -> None:
    for size in ("0", "51", "ten"):
        response = corpus.get("/search", {"size": size})
        assert response.status == 400
        assert response.error["parameter"] == "size"
    assert len(corpus.get("/search", {"size": 1}).json["hits"]) == 1


def test_pages_do_not_overlap(api: SearchApi) -> None:
    api.index(*numbered(7))
    first = api.get("/search", {"q": "flood", "size": 3, "page": 1, "sort": "oldest"}).json
    second = api.get("/search", {"q": "flood", "size": 3, "page": 2, "sort": "oldest"}).json
    assert first["total"] == second["total"] == 7
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_page_beyond_the_result_window_is_a_400_pointing_to_cursor(corpus: SearchApi) -> None:
    response = corpus.get("/search", {"page": 201, "size": 50})
    assert response.status == 400
    assert response.error["parameter"] == "page"
    assert "cursor" in response.error["message"]


def walk(api: SearchApi, query: dict, *, between=None) -> list[dict]:
    pages = []
    response = api.get("/search", query).json
    pages.append(response)
    while response["next_cursor"]:
        if between:
            between(len(pages))
        response = api.get("/search", {**query, "cursor": response["next_cursor"]}).json
        pages.append(response)
        assert len(pages) < 50
    return pages


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("collapse", ["true", "false"])
def test_cursor_walks_every_result_once_with_totals_and_facets(
    api: SearchApi, sort: str, collapse: str
) -> None:
    api.index(*numbered(11))
    pages = walk(api, {"q": "flood", "size": 4, "sort": sort, "collapse": collapse, "facets": "source"})
    seen = [hit["id"] for page in pages for hit in page["hits"]]
    assert len(seen) == len(set(seen)) == 11
    for page in pages:
        assert page["total"] == 11
        assert {v["value"]: v["count"] for v in page["facets"]["source"]} == {"Dawn": 5, "Tribune": 6}


def test_cursor_is_stable_while_the_index_changes(api: SearchApi) -> None:
    # Given a walk in date order, when newer articles arrive and an unseen one is removed
    # between pages, no article is repeated and none of the remaining ones is skipped.
    docs = numbered(9)
    api.index(*docs)
    removed = docs[-1]

    def change(page_number: int) -> None:
        if page_number == 1:
            api.index(*numbered(3, prefix="Late", day=27))  # newest: sort before the cursor
            api.index((removed[0], {**removed[1], "deleted": True}))

    pages = walk(api, {"q": "flood", "size": 3, "sort": "newest", "collapse": "false"}, between=change)
    seen = [hit["id"] for page in pages for hit in page["hits"]]
    assert len(seen) == len(set(seen))
    first_page = {hit["id"] for hit in pages[0]["hits"]}
    expected = ({doc_id for doc_id, _ in docs} - {removed[0]}) | first_page
    assert set(seen) == expected


def test_cursor_of_another_query_or_a_forged_cursor_is_a_400(api: SearchApi) -> None:
    api.index(*numbered(5))
    cursor = api.get("/search", {"q": "flood", "size": 2}).json["next_cursor"]
    assert cursor
    other = api.get("/search", {"q": "rivers", "size": 2, "cursor": cursor})
    assert other.status == 400 and other.error["parameter"] == "cursor"
    for forged in ("not-a-cursor", cursor[:-4], "eyJ2IjoxfQ", "A" * 5000):
        response = api.get("/search", {"q": "flood", "size": 2, "cursor": forged})
        assert response.status == 400, forged
        assert response.error["parameter"] == "cursor"
    both = api.get("/search", {"q": "flood", "size": 2, "cursor": cursor, "page": 2})
    assert both.status == 400


def test_highlights_mark_matches_and_escape_article_markup(corpus: SearchApi) -> None:
    response = corpus.get("/search", {"q": "goggles markup"})
    assert response.status == 200
    hit = response.json["hits"][0]
    assert hit["id"] == corpus_id("hostile")
    assert "<mark>markup</mark>" in hit["snippet"]["html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hit["snippet"]["html"]
    assert html.unescape(re.sub(r"</?mark>", "", hit["snippet"]["html"])) == hit["snippet"]["text"]
    for start, end in hit["snippet"]["matches"]:
        assert hit["snippet"]["text"][start:end].lower() in ("markup", "goggles")
    assert "<mark>Markup</mark>" in hit["title_html"]


def test_strings_are_plain_text_and_only_html_fields_carry_markup(corpus: SearchApi) -> None:
    # Given an article whose title, body and metadata hold markup, quotes and ampersands,
    # every plain field comes back with the same characters and only *_html is HTML.
    title = "<script>alert('title')</script> Markup <b>in</b> a title"
    article = corpus.get(f"/articles/{corpus_id('hostile')}").json
    assert article["title"] == title
    assert (
        article["body"]
        == "Body with <img src=x onerror=alert(1)> markup and a goggles mention & an ampersand."
    )
    assert article["authors"] == ['"><script>alert(2)</script>']
    assert article["source"] == "<i>Evil</i> Source"
    assert article["tags"] == ["<svg onload=alert(3)>"]
    assert article["url"] is None  # javascript: links are dropped

    result = corpus.get("/search", {"q": "markup", "facets": "source,author,tag"}).json
    hit = next(h for h in result["hits"] if h["id"] == corpus_id("hostile"))
    assert hit["title"] == title
    assert hit["authors"] == ['"><script>alert(2)</script>']
    assert "<i>Evil</i> Source" in {v["value"] for v in result["facets"]["source"]}
    assert "<svg onload=alert(3)>" in {v["value"] for v in result["facets"]["tag"]}
    assert hit["title_html"] == (
        "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; <mark>Markup</mark> "
        "&lt;b&gt;in&lt;/b&gt; a title"
    )
    for markup in (hit["title_html"], hit["snippet"]["html"]):
        assert "<" not in re.sub(r"</?mark>", "", markup), markup
        assert html.unescape(re.sub(r"</?mark>", "", markup)) in (title, hit["snippet"]["text"])
    assert "<img src=x onerror=alert(1)>" in hit["snippet"]["text"]
    assert "& an ampersand" in hit["snippet"]["text"]

    values = corpus.get("/facets/author", {"prefix": '"'}).json["values"]
    assert values == [{"value": '"><script>alert(2)</script>', "count": 1}]


def test_plain_snippet_is_offered_when_nothing_matches_the_body(corpus: SearchApi) -> None:
    hit = corpus.get("/search", {"q": "weather", "in": "title"}).json["hits"][0]
    assert hit["snippet"]["text"].startswith("Heavy rain in Lahore")
    assert hit["snippet"]["matches"] == []
    assert hit["title_html"] == "Lahore <mark>weather</mark> report"


def test_fields_selects_what_each_hit_carries(corpus: SearchApi) -> None:
    hits = corpus.get("/search", {"q": "cricket", "fields": "title,published"}).json["hits"]
    assert hits == [
        {"id": corpus_id("cricket"), "title": "Pakistan win cricket match in Lahore", "published": None}
    ]
    repeated = corpus.get("/search", [("q", "cricket"), ("fields", "source"), ("fields", "tags")]).json[
        "hits"
    ]
    assert repeated == [{"id": corpus_id("cricket"), "source": "Geo", "tags": ["sport"]}]
    bad = corpus.get("/search", {"fields": "title,password"})
    assert bad.status == 400 and bad.error["parameter"] == "fields"


def test_near_duplicates_collapse_into_one_hit_with_a_count(corpus: SearchApi) -> None:
    collapsed = corpus.get("/search", {"q": "goggles rifles"}).json
    assert len(collapsed["hits"]) == 1
    assert collapsed["hits"][0]["duplicates"] == 1
    assert collapsed["total"] == 2 and collapsed["total_groups"] == 1
    expanded = corpus.get("/search", {"q": "goggles rifles", "collapse": "false"}).json
    assert {h["id"] for h in expanded["hits"]} == {corpus_id("goggles"), corpus_id("goggles_copy")}
    assert all(h["duplicates"] == 0 for h in expanded["hits"])
    # Every copy is a hit to page through: total_groups is there too, as total.
    assert expanded["total_groups"] == expanded["total"] == 2


def test_duplicates_count_respects_filters(corpus: SearchApi) -> None:
    only_tribune = corpus.get("/search", {"q": "goggles rifles", "source": "Tribune"}).json
    assert [h["id"] for h in only_tribune["hits"]] == [corpus_id("goggles_copy")]
    assert only_tribune["hits"][0]["duplicates"] == 0


def test_reupload_with_whitespace_and_case_changes_is_a_duplicate(api: SearchApi) -> None:
    body = "Floods hit Sindh. " * 30
    original = article_doc("Floods", body, key="a.txt")
    copy = article_doc("FLOODS", "  " + body.upper().replace(". ", ".\n\n"), key="b.txt", source="Wire")
    api.index(original, copy)
    hits = api.get("/search", {"q": "Sindh"}).json["hits"]
    assert len(hits) == 1 and hits[0]["duplicates"] == 1


def test_possessives_match_their_word_and_highlights_stay_on_the_match(api: SearchApi) -> None:
    story = article_doc(
        "Pakistan’s army and the TTP's fighters",
        "The TTP’s militants and Pakistan's army’s units had night vision goggles at the café's door.",
    )
    api.index(story)
    hit = api.get("/search", {"q": "goggles pakistan army"}).json["hits"][0]
    assert hit["id"] == story[0]
    text = hit["snippet"]["text"]
    assert sorted(text[start:end] for start, end in hit["snippet"]["matches"]) == [
        "Pakistan",
        "army",
        "goggles",
    ]
    assert "<mark>Pakistan</mark>’s <mark>army</mark>" in hit["title_html"]


def test_cursor_taken_from_a_later_page_does_not_repeat_earlier_groups(api: SearchApi) -> None:
    # Given copies of each story with dates far apart, a group's later copy comes after
    # the page it was shown on; continuing from page 2 with the cursor never shows it again.
    originals = numbered(6)
    copies = [
        article_doc(doc["title"], doc["body"], key=f"copy/{i}.txt", published="2020-01-01")
        for i, (_, doc) in enumerate(originals)
    ]
    api.index(*originals, *copies)
    query = {"q": "flood", "size": 2, "sort": "newest"}
    page_one = api.get("/search", {**query, "page": 1}).json
    page_two = api.get("/search", {**query, "page": 2}).json
    shown = [h["id"] for h in page_one["hits"] + page_two["hits"]]
    rest = walk(api, {**query, "cursor": page_two["next_cursor"]})
    shown += [h["id"] for page in rest for h in page["hits"]]
    titles = [api.get(f"/articles/{doc_id}").json["title"] for doc_id in shown]
    assert len(titles) == len(set(titles)) == 6


def test_wire_copy_with_its_own_dateline_and_credit_collapses_with_the_original(api: SearchApi) -> None:
    from tests.unit.search.test_fingerprint import STORY

    original = article_doc("Border talks", "\n\n".join(STORY), key="dawn/talks.txt", source="Dawn")
    wire = article_doc(
        "Border talks planned",
        "\n\n".join(
            ["ISLAMABAD (Reuters) -", *STORY, "Additional reporting by Jane Doe; Editing by Mark Potter"]
        ),
        key="wire/talks.txt",
        source="Reuters",
    )
    api.index(original, wire)
    hits = api.get("/search", {"q": "border talks"}).json["hits"]
    assert len(hits) == 1 and hits[0]["duplicates"] == 1


@pytest.mark.parametrize("sort", ["newest", "oldest", "recent"])
@pytest.mark.parametrize("collapse", ["true", "false"])
def test_cursor_walks_ties_and_undated_articles_once_in_date_order(
    api: SearchApi, sort: str, collapse: str
) -> None:
    # Articles sharing a date (ties broken by origin) and undated ones (last in either
    # order), paged by a cursor across both: each shows once, in the order sort names.
    dated = [
        article_doc(f"Flood {i}", f"Flood report {i} of the day.", published=f"2023-05-0{1 + i // 3}")
        for i in range(7)
    ]
    undated = [article_doc(f"Flood note {i}", f"Undated flood note {i}.") for i in range(5)]
    api.index(*dated, *undated)
    pages = walk(api, {"q": "flood", "size": 2, "sort": sort, "collapse": collapse, "fields": "id,published"})
    hits = [hit for page in pages for hit in page["hits"]]
    assert len(hits) == len({hit["id"] for hit in hits}) == 12
    if sort != "recent":
        dates = [hit["published"] for hit in hits]
        assert dates[7:] == [None] * 5
        assert dates[:7] == sorted(dates[:7], reverse=sort == "newest")

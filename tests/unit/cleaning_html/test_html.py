"""HTML pages: the page's own metadata first, a clean body, fallbacks, rejection."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_search.cleaning.html import extract_html
from archive_search.cleaning.html.metadata import page_metadata
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

PARAS = [
    "The harbour authority approved a plan on Wednesday to deepen the inner harbour by two metres, "
    "officials said, so that larger ships can dock without waiting for the tide.",
    "The work will take eighteen months and is paid for in part by a federal grant. Fishermen asked "
    "for a guarantee that their berths would stay open during the dredging.",
    "“We have listened to the fishing families,” the chair said, adding that noise limits would apply at night.",
]


def page(
    head: str = "", body_top: str = "", paras: list[str] = PARAS, tail: str = "", lang: str = "en"
) -> str:
    ps = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>'
        f"<article>{body_top}{ps}</article>{tail}"
        "<footer><p>© 2024 Eastbay Tribune. All rights reserved.</p></footer></body></html>"
    )


def jsonld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_metadata_comes_from_json_ld_inside_a_graph() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Eastbay Tribune"},
            {
                "@type": "NewsArticle",
                "headline": "Port authority approves dredging",
                "datePublished": "2024-03-14T08:30:00+02:00",
                "author": [{"@type": "Person", "name": "Maria Olsen"}],
                "publisher": {"@type": "Organization", "name": "Eastbay Tribune"},
                "inLanguage": "en-GB",
                "keywords": "harbour, shipping",
                "url": "https://tribune.example/dredging",
            },
        ],
    }
    [article] = extract_html(
        page(head="<title>Port authority approves dredging | ET</title>" + jsonld(graph)), "a.html"
    )
    assert article.title == "Port authority approves dredging"
    assert article.source == "Eastbay Tribune"
    assert article.published == date(2024, 3, 14)
    assert article.authors == ("Maria Olsen",)
    assert article.language == "en"
    assert article.url == "https://tribune.example/dredging"
    assert article.tags == ("harbour", "shipping")


def test_metadata_comes_from_meta_tags_and_markup_without_json_ld() -> None:
    head = (
        '<meta property="og:title" content="Port authority approves dredging">'
        '<meta property="og:site_name" content="Eastbay Tribune">'
        '<meta property="article:published_time" content="2024-03-14T06:00:00Z">'
        '<meta name="author" content="By Maria Olsen">'
        '<meta property="article:tag" content="harbour">'
        '<link rel="canonical" href="https://tribune.example/dredging">'
    )
    [article] = extract_html(page(head=head, lang="en-US"), "a.html")
    assert (
        article.title,
        article.source,
        article.published,
        article.authors,
        article.language,
        article.url,
    ) == (
        "Port authority approves dredging",
        "Eastbay Tribune",
        date(2024, 3, 14),
        ("Maria Olsen",),
        "en",
        "https://tribune.example/dredging",
    )
    assert article.tags == ("harbour",)


def test_time_element_gives_the_date_when_nothing_else_does() -> None:
    top = '<p class="meta"><time itemprop="datePublished" datetime="2021-05-07">May 7, 2021</time></p>'
    [article] = extract_html(page(body_top=top), "a.html")
    assert article.published == date(2021, 5, 7)


def test_page_without_metadata_leaves_it_empty_rather_than_inventing_it() -> None:
    [article] = extract_html(page(head="<title>Port authority approves dredging</title>"), "a.html")
    assert article.source is None
    assert article.published is None
    assert article.authors == ()
    assert article.title == "Port authority approves dredging"


def test_body_keeps_paragraphs_in_order_without_title_byline_or_page_furniture() -> None:
    head = '<meta property="og:title" content="Port authority approves dredging">'
    top = "<h1>Port authority approves dredging</h1><p>By Maria Olsen</p><p>March 14, 2024</p>"
    tail = (
        "<aside><h3>Most read</h3><ul><li><a href='/a'>Council approves new parking rules</a></li>"
        "<li><a href='/b'>Weekend weather: sunshine and showers</a></li>"
        "<li><a href='/c'>Five restaurants to try this month</a></li></ul></aside>"
    )
    [article] = extract_html(page(head=head, body_top=top, tail=tail), "a.html")
    assert article.body.split("\n\n") == PARAS
    assert article.authors == ("Maria Olsen",)


def test_script_and_style_never_reach_the_body() -> None:
    noisy = [
        p + "<script>var tracking = 'SECRET_SCRIPT';</script><style>.x{color:red}</style>" for p in PARAS
    ]
    [article] = extract_html(
        page(paras=noisy, tail="<script>document.write('SECRET_TAIL')</script>"), "a.html"
    )
    assert "SECRET" not in article.body
    assert "color:red" not in article.body
    assert "var tracking" not in article.body


def test_dateline_in_the_first_paragraph_gives_the_place() -> None:
    paras = ["KARACHI: " + PARAS[0], *PARAS[1:]]
    [article] = extract_html(page(paras=paras), "a.html")
    assert article.place == "Karachi"


ZH_PARAS = [
    "新华社北京3月5日电 北京市政府今天发布了新的空气质量管理规定，要求所有工厂在冬季减少排放。该规定将于下个月生效。",
    "根据规定，重点行业企业必须安装在线监测设备，并实时向环保部门报送数据。对于超标排放的企业，将依法予以处罚。",
    "北京市环保局负责人说，今年将继续加大执法力度，确保各项措施落到实处，并定期向社会公布企业排放情况。",
    "据了解，北京市去年共查处违法排污企业三百余家，罚款总额超过一亿元，空气质量优良天数比例持续上升。",
    "专家表示，这些措施将显著改善城市的空气质量。市民对此表示欢迎，许多人认为政府应该更早采取行动。",
]


@pytest.mark.parametrize("credit", ["责任编辑：王芳", "（責任編輯：王芳）", "【編集：山田太郎】"])
def test_a_chinese_article_gives_its_dateline_place_and_drops_the_editors_credit(credit: str) -> None:
    [article] = extract_html(page(paras=[*ZH_PARAS, credit], lang="zh"), "a.html")
    assert article.place == "北京"
    assert article.body.endswith("应该更早采取行动。")


def test_a_cjk_date_line_under_the_headline_names_the_author() -> None:
    top = "<h1>北京发布空气质量新规定</h1><div class='info'>2024年3月5日 10:32 来源：新华社 作者：李明</div>"
    [article] = extract_html(page(body_top=top, paras=ZH_PARAS, lang="zh"), "a.html")
    assert article.authors == ("李明",)
    assert article.published == date(2024, 3, 5)
    assert "作者" not in article.body


def test_a_cjk_credit_line_outside_the_article_names_the_author() -> None:
    # the label marks the credit: no byline class, and the extractor leaves the line out
    top = "<div class='info'><span>2024年3月5日</span> <span>作者：李明 王芳</span></div>"
    html = page(paras=ZH_PARAS, lang="zh").replace("<article>", f"{top}<article>")
    [article] = extract_html(html, "a.html")
    assert article.authors == ("李明", "王芳")


def test_a_short_cjk_article_is_not_taken_for_a_lost_one() -> None:
    # two paragraphs of Chinese say as much as a short news item, in fewer characters
    top = "<h1>北京发布空气质量新规定</h1><div class='info'>2024年3月5日 10:32 作者：李明</div>"
    [article] = extract_html(page(body_top=top, paras=ZH_PARAS[:2], lang="zh"), "a.html")
    assert article.body.split("\n\n") == ZH_PARAS[:2]


JA_PARAS = [
    "【東京＝山田太郎】東京都は5日、首都直下地震に備えた新たな防災計画を発表した。避難所の数を1.5倍に増やす。",
    "小池知事は記者会見で「都民の命を守るため、あらゆる手段を尽くす」と述べた。計画は来年度から実施される。",
    "専門家からは、高齢者や障害者への支援を強化すべきだとの声も上がっている。",
]


def test_a_short_japanese_article_keeps_its_paragraphs_apart() -> None:
    # under trafilatura's 250 characters its baseline rescue would run them into one line
    top = "<h1>東京都、新たな防災計画を発表</h1><p class='date'>2024/3/5 10:32</p>"
    [article] = extract_html(page(body_top=top, paras=JA_PARAS, lang="ja"), "a.html")
    assert article.body.split("\n\n") == JA_PARAS
    assert article.place == "東京"


def test_a_date_line_without_an_authors_label_names_nobody() -> None:
    top = "<h1>정부, 새 주택 공급 대책 발표</h1><p>송고시간 2024-03-05 10:32</p>"
    paras = [*PARAS, "reporter@example.com"]
    [article] = extract_html(page(body_top=top, paras=paras, lang="ko"), "a.html")
    assert article.authors == ()
    assert article.published == date(2024, 3, 5)
    assert article.body.split("\n\n") == PARAS  # a reporter's e-mail alone is no paragraph


def test_language_is_detected_when_the_page_does_not_declare_it() -> None:
    french = [
        "Le conseil municipal a adopté mardi soir le nouveau budget de la ville après un long débat sur "
        "les écoles, les routes et les transports publics.",
        "Les élus de l’opposition ont dénoncé une hausse des impôts locaux, tandis que la majorité a défendu "
        "des investissements nécessaires pour les quartiers.",
    ]
    html = page(paras=french).replace(' lang="en"', "")
    [article] = extract_html(html, "a.html")
    assert article.language == "fr"


def test_short_page_falls_back_to_json_ld_article_body() -> None:
    body = " ".join(PARAS)
    head = jsonld({"@type": "NewsArticle", "headline": "Dredging", "articleBody": body})
    html = f"<html><head>{head}</head><body><div id='app'></div></body></html>"
    [article] = extract_html(html, "a.html")
    assert "deepen the inner harbour" in article.body
    assert article.title == "Dredging"


def test_article_in_unusual_markup_is_rescued_rather_than_rejected() -> None:
    cells = "".join(f"<tr><td><font>{p}</font></td></tr>" for p in PARAS)
    html = f"<html><body><table>{cells}</table></body></html>"
    [article] = extract_html(html, "a.html")
    assert "federal grant" in article.body


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html><body></body></html>", "<html><body><nav><a href='/'>Home</a></nav></body></html>"],
)
def test_page_without_article_text_is_rejected_with_a_reason(html: str) -> None:
    with pytest.raises(RejectedInput) as err:
        extract_html(html, "empty.html")
    assert err.value.reason == "no_article_text"


def test_broken_json_ld_is_ignored_not_fatal() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    meta = page_metadata_of(page(head=head + "<title>Fallback title</title>"))
    assert meta.title == "Fallback title"


def page_metadata_of(html: str):
    from trafilatura.utils import load_html

    return page_metadata(load_html(html))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_gives_an_article_or_a_rejection_never_a_crash(text: str) -> None:
    try:
        articles = extract_html(text, "x.html")
    except RejectedInput as err:
        assert err.reason == "no_article_text"
    else:
        assert len(articles) == 1
        assert articles[0].body.strip()


def test_control_characters_in_markup_do_not_break_parsing() -> None:
    html = "<p><p><script></script><html>\x1f\x00" + "".join(f"<p>{p}\x0b</p>" for p in PARAS)
    [article] = extract_html(html, "ctrl.html")
    assert "federal grant" in article.body
    assert "\x1f" not in article.body


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"])
def test_characters_xml_refuses_are_dropped_before_parsing(bad: str) -> None:
    html = page(paras=[p.replace(" harbour", f"{bad} harbour", 1) for p in PARAS])
    [article] = extract_html(html, "bad.html")
    [clean] = extract_html(page(), "clean.html")
    assert article.body == clean.body


_TAGS = st.sampled_from(
    ["p", "div", "script", "style", "h1", "title", "time", "li", "a", "td", "html", "!--"]
)
_ATTRS = st.sampled_from(
    ["", ' type="application/ld+json"', ' datetime="2020-13-45"', ' lang="zz-ZZ"', ' itemprop="author"']
)
_TEXTS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            '{"@type":"NewsArticle","headline":{"a":1},"author":[1,null,{"name":["x"]}],"publisher":[{"name":5}]}',
            '{"@graph": [[[]]]}',
            "A sentence of article text that is long enough to count as such. " * 3,
        ]
    ),
)
_SOUP = st.lists(
    st.tuples(_TAGS, _ATTRS, _TEXTS).map(lambda t: f"<{t[0]}{t[1]}>{t[2]}</{t[0]}>"), max_size=20
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SOUP)
def test_tag_soup_and_odd_json_ld_give_an_article_or_a_rejection(html: str) -> None:
    try:
        articles = extract_html(html, "soup.html")
    except RejectedInput as err:
        assert err.reason == "no_article_text"
    else:
        assert "application/ld+json" not in articles[0].body
        assert all(a.body.strip() for a in articles)


def test_article_split_into_sibling_chunks_is_continued_but_far_blocks_are_not() -> None:
    import lxml.html

    from archive_search.cleaning.html.fallbacks import continue_article as _continue_article

    chunk = '<div class="body">{}</div>'
    first = [
        f"First chunk paragraph {i} with enough words to read as running article text." for i in range(3)
    ]
    second = [
        f"Second chunk paragraph {i} with enough words to read as running article text." for i in range(2)
    ]
    html = (
        "<html><body><article><div class='chunks'>"
        + "<div class='grid'>" + chunk.format("".join(f"<p>{p}</p>" for p in first)) + "</div>"
        + "<div class='ad'>Advertisement</div>"
        + "<div class='grid'>" + chunk.format("".join(f"<p>{p}</p>" for p in second)
                                              + "<p><a href='/x'>A related story link</a></p>") + "</div>"
        + "</div></article>"
        + "<div><div><div><section class='comments'>"
        + chunk.format("<p>A reader comment far away from the article in the page.</p>")
        + "</section></div></div></div></body></html>"
    )  # fmt: skip
    tree = lxml.html.document_fromstring(html)
    out = _continue_article(tree, first, first)
    assert out == first + second


def test_article_nested_as_the_main_entity_of_a_web_page_is_found() -> None:
    data = {
        "@type": "WebPage",
        "name": "Eastbay Tribune - News",
        "mainEntity": {
            "@type": "ReportageNewsArticle",
            "headline": "Dredging approved",
            "datePublished": "2024-03-14",
        },
    }
    meta = page_metadata_of(page(head=jsonld(data)))
    assert meta.title == "Dredging approved"
    assert meta.published == date(2024, 3, 14)


# trafilatura_steps.py runs trafilatura's steps itself (``_extract_body``) for the version it was checked
# against: the same body as ``bare_extraction``, the same prunes as its XPaths.
_CLASS_OR_ID = st.sampled_from(
    [
        "comment", "Comments", "commentary", "comol-1", "disqus_thread", "dsq-comments", "post-comments x",
        "article-comments", "infinite-scroll", "infinitescroll", "mvp-post-add-box", "mvp-post-add-wrap",
        "x elementor-share-buttons", "site-footer", "Footer", "cookie-banner", "Cookie_Notice",
        "notice__cookie", "CMPLZ", "onetrust-pc", "moove_gdpr", "share-tools", "related", "main", "",
        "post", "entry", "articleBody", "article-body x", "story-content", "nav", "Navigation", "cookie",
        "x cookie", "sidebar", "widget", " ad ", "meta", "reply-form", "hidden", "x hidden", "hide-me",
        "display:none", "color: red; display: none", "comments-title", "akismet", "true", "MostPopularStories",
        "article", "story", "text", "cell", "primary", "x story-body", "fulltext", "FullText", "content",
        "content_main", "Main-Content", "page-content", "x Page-content", "article ",
    ]
)  # fmt: skip
_PRUNE_TAGS = st.sampled_from(
    [
        "div",
        "section",
        "aside",
        "ol",
        "ul",
        "details",
        "p",
        "span",
        "footer",
        "article",
        "main",
        "h1",
        "li",
        "a",
    ]
)
_ATTRIBUTE_NAMES = st.sampled_from(
    [
        "id",
        "class",
        "title",
        "style",
        "role",
        "aria-hidden",
        "data-component",
        "itemprop",
        "data-lp-replacement-content",
    ]
)
_SENTENCE = st.sampled_from([*PARAS, "Short line.", "Read more", ""])


@st.composite
def _attributed_tree(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_PRUNE_TAGS)
    names = draw(st.lists(_ATTRIBUTE_NAMES, unique=True, max_size=4))
    attrs = "".join(f' {n}="{draw(_CLASS_OR_ID)}"' for n in names)
    children = draw(st.lists(_attributed_tree(depth + 1), max_size=3)) if depth < 4 else []
    return f"<{tag}{attrs}>{draw(_SENTENCE)}{''.join(children)}</{tag}>{draw(_SENTENCE)}"


_ATTRIBUTED_PAGE = st.lists(_attributed_tree(), min_size=1, max_size=5).map(
    lambda parts: f"<html><body>{''.join(parts)}</body></html>"
)


def test_the_installed_trafilatura_is_the_version_its_steps_were_checked_against() -> None:
    # pyproject.toml pins it: after an upgrade, check the steps again (the tests below) and
    # move the pin and trafilatura_steps._TRAFILATURA_STEPS_VERSION together.
    from archive_search.cleaning.html import trafilatura_steps

    assert trafilatura_steps._own_steps()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ATTRIBUTED_PAGE)
def test_own_trafilatura_prunes_match_its_xpaths(html: str) -> None:
    import copy
    import sys

    from lxml import etree
    from trafilatura.baseline import html2txt
    from trafilatura.htmlprocessing import prune_unwanted_nodes

    from archive_search.cleaning.html import parse
    from archive_search.cleaning.html import trafilatura_steps as mod

    core = sys.modules["trafilatura.core"]
    tree = parse.parse(html, "x.html")
    assert tree is not None
    theirs, ours = copy.copy(tree), copy.copy(tree)
    prune_unwanted_nodes(theirs, core.RAW_TREE_PRUNE_XPATH)
    prune_unwanted_nodes(theirs, core.REMOVE_COMMENTS_AND_LISTS_XPATH)
    mod._raw_prune(ours)
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert mod._page_text_length(tree) == len(html2txt(tree))
    for chars in (0, 10, 50, 200, 1000):
        assert mod._covers_little_of_page(chars, tree, 0.2) == (chars < 0.2 * len(html2txt(tree)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ATTRIBUTED_PAGE)
def test_own_trafilatura_steps_give_bare_extractions_body(html: str) -> None:
    import copy

    from lxml import etree
    from trafilatura import bare_extraction

    from archive_search.cleaning.html import parse
    from archive_search.cleaning.html import trafilatura_steps as mod

    tree = parse.parse(html, "x.html")
    assert tree is not None
    for recall in (False, True):
        options = mod._extractor_options(recall)
        doc = bare_extraction(tree, options=options)
        body = mod._extract_body(copy.copy(tree), options)
        assert (body is None) == (doc is None)
        if body is not None:
            assert etree.tostring(body) == etree.tostring(doc.body)


_EVERY_CLAUSE = [  # an element for each clause of the content and discard XPaths
    '<section class="post">a</section>', '<div class="entry">a</div>', '<main itemprop="articleBody">a</main>',
    '<article id="articleContent">a</article>', '<div id="article-body">a</div>', '<div class="post-text">a</div>',
    '<span data-lp-replacement-content="">a</span>', '<p role="Navigation">a</p>',
    '<div data-component="MostPopularStories">a</div>', '<div class="cookie" id="x">a</div>',
    '<div id="sidebar">a</div>', '<div class="widget">a</div>', '<i class="comments-title">a</i>',
    '<i class="reply-form">a</i>', '<i style="visibility: hidden">a</i>', '<i style="display:none">a</i>',
    '<i id="akismet">a</i>', '<i class="x hidden">a</i>', '<i aria-hidden="true">a</i>',
    '<div role="article">a</div>', '<div id="article">a</div>', '<div id="story">a</div>',
    '<div class="postarea">a</div>', '<div class="art-postcontent">a</div>', '<div class="text">a</div>',
    '<div class="cell">a</div>', '<div class="story">a</div>', '<div id="primary-x">a</div>',
    '<div id="x-story-body">a</div>', '<div class="x FullText">a</div>', '<div class="article x">a</div>',
    '<div class="story-content">a</div>', '<div id="content">a</div>', '<div class="content">a</div>',
    '<div id="x-contentBody">a</div>', '<div class="content_main">a</div>', '<div id="Main-Content">a</div>',
    '<div class="MAIN-CONTENT">a</div>', '<div class="x Page-content">a</div>', '<main class="x">a</main>',
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ATTRIBUTED_PAGE)
def test_own_matchers_find_what_trafilaturas_xpaths_find(html: str) -> None:
    _matchers_agree(html)


@pytest.mark.parametrize("element", _EVERY_CLAUSE)
def test_own_matchers_agree_on_each_clause(element: str) -> None:
    _matchers_agree(f"<html><body><div>{element}<div>{element}</div></div></body></html>")


def _matchers_agree(html: str) -> None:
    import copy

    from trafilatura import xpaths
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning

    from archive_search.cleaning.html import parse
    from archive_search.cleaning.html import trafilatura_steps as mod

    tree = parse.parse(html, "x.html")
    assert tree is not None
    options = mod._extractor_options(False)
    converted = convert_tags(tree_cleaning(copy.copy(tree), options), options, None)  # lists are <list>
    for t in (tree, converted):
        for ours, theirs in zip(
            (mod._content_container, mod._story_container, mod._main_container),
            (xpaths.BODY_XPATH[0], xpaths.BODY_XPATH[2], xpaths.BODY_XPATH[3]),
            strict=True,
        ):
            assert ours(t) == [el for el in theirs(t) if el is not None][:1]
        assert mod._boilerplate_blocks(t) == xpaths.OVERALL_DISCARD_XPATH[0](t)
        assert mod._hidden_elements(t) == xpaths.OVERALL_DISCARD_XPATH[1](t)


def test_a_ranked_list_written_as_paragraphs_is_article_text_not_a_menu() -> None:
    ranked = [f"{n:02d}. {name}" for n, name in enumerate(["Ada Lovelace", "Grace Hopper", "Alan Turing",
              "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "Ken Thompson",
              "Frances Allen", "John Backus"], start=1)]  # fmt: skip

    body = extract_html(page(paras=[PARAS[0], "Here is the full list.", *ranked, PARAS[1]]), "k.html")[0].body

    assert all(line in body for line in ranked)


def test_article_text_wrapped_in_a_figure_is_kept() -> None:
    html = page(paras=[]).replace(
        "<article>", "<article><figure>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</figure>"
    )

    body = extract_html(html, "k.html")[0].body

    assert all(p in body for p in PARAS)


def _lost_article_page() -> str:
    """A page whose own markup hides most of its article from the main-content steps: a short
    lede in <article>, the rest in a <div> sibling among many long paragraphs of a sidebar."""
    lede = PARAS[0]
    rest = " ".join(PARAS[1:] * 8)
    return page(paras=[lede], tail=f"<div class='x'><p>{rest}</p></div>")


@pytest.mark.parametrize(
    ("theirs", "taken"),
    [
        (PARAS[0] + "\n" + " ".join(PARAS[1:] * 8), True),  # ours, whole: taken
        (" ".join(PARAS[1:] * 8), False),  # longer but another block of the page: kept ours
        (PARAS[0] + " more", False),  # not much longer: kept ours
    ],
)
def test_a_lost_article_is_taken_from_trafilaturas_full_extraction_only_when_it_holds_ours(
    monkeypatch: pytest.MonkeyPatch, theirs: str, taken: bool
) -> None:
    import trafilatura

    from archive_search.cleaning.html import fallbacks, parse

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: {"text": theirs})
    tree = parse.parse(_lost_article_page(), "x.html")

    kept = fallbacks.rescued(_lost_article_page(), tree, [PARAS[0]])

    assert kept == (fallbacks.split_body(theirs) if taken else [PARAS[0]])


_TEASER = (
    "Night mode arrives on the new phones, with a longer exposure for dark scenes and a steadier hand. "
    "The camera app now waits for the phone to settle before it opens the shutter, and a slider sets "
    "how long the exposure lasts, from one second to thirty when the phone rests on a tripod."
)


def _teaser_in_the_content_box_page(article: list[str]) -> str:
    """A sidebar blurb in the box marked as content; the article in unmarked divs."""
    paras = "".join(f"<p>{p}</p>" for p in article)
    return (
        f'<html><body><div class="content"><p>{_TEASER}</p></div>'
        f'<div class="x"><div class="y">{paras}</div></div></body></html>'
    )


def test_a_short_main_pass_is_compared_with_readability_and_the_article_is_found() -> None:
    import copy

    from archive_search.cleaning.html import parse
    from archive_search.cleaning.html import trafilatura_steps as mod

    tree = parse.parse(_teaser_in_the_content_box_page(PARAS), "x.html")
    assert tree is not None
    options = mod._extractor_options(False)

    def text(compare: bool) -> str:
        body = mod._extract_body(copy.copy(tree), options, compare=compare)
        return " ".join(" ".join(body.itertext()).split()) if body is not None else ""

    assert not any(p in text(False) for p in PARAS)  # the fast steps alone keep the blurb
    assert all(p in text(True) for p in PARAS)
    [article] = extract_html(_teaser_in_the_content_box_page(PARAS), "k.html")
    assert all(p in article.body for p in PARAS)


def test_a_main_pass_as_long_as_a_news_item_is_not_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    from trafilatura import external

    from archive_search.cleaning.html import trafilatura_steps as mod

    calls: list[int] = []
    real = external.compare_extraction

    def counted(*args: object) -> object:
        calls.append(len(str(args[3])))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(external, "compare_extraction", counted)
    [article] = extract_html(page(paras=PARAS * 3), "k.html")
    assert calls == [] and len(article.body) >= mod._COMPARE_BELOW_CHARS
    extract_html(_teaser_in_the_content_box_page(PARAS), "k.html")
    assert calls and all(n < mod._COMPARE_BELOW_CHARS for n in calls)


def test_a_noscript_holding_the_page_is_read_and_a_javascript_note_is_not() -> None:
    article = PARAS * 6
    html = (
        # a <div> opened inside a <noscript> and closed in another: the page nests in the first
        "<html><body><noscript>Please turn JavaScript on to read the comments.</noscript>"
        '<noscript><div class="no-js"></noscript>'
        + "".join(f"<p>{p}</p>" for p in article)
        + "<noscript></div></noscript></body></html>"
    )
    [found] = extract_html(html, "k.html")
    assert PARAS[0] in found.body and PARAS[2] in found.body
    assert "JavaScript" not in found.body


def test_an_aside_holding_the_pages_only_headline_is_the_article_and_a_sidebar_is_not() -> None:
    sidebar = "Subscribe to our newsletter and read the best stories of the week in your inbox every Friday."
    html = (
        '<html><body><main><aside class="direct-content"><article><h1>Harbour to be deepened</h1>'
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + f'</article></aside></main><aside class="widget"><h2>Newsletter</h2><p>{sidebar}</p></aside>'
        "</body></html>"
    )
    [found] = extract_html(html, "k.html")
    assert all(p in found.body for p in PARAS)
    assert sidebar not in found.body
    # widgets that title themselves with <h1>s: no single headline, every <aside> stays one
    from archive_search.cleaning.html import extract, parse

    tree = parse.parse(html.replace("<h2>Newsletter</h2>", "<h1>Newsletter</h1>"), "x.html")
    assert tree is not None
    extract._unwrap_misused_containers(tree)
    assert [el.get("class") for el in tree.iter("aside")] == ["direct-content", "widget"]
    tree = parse.parse(html, "x.html")
    assert tree is not None
    extract._unwrap_misused_containers(tree)
    assert [el.get("class") for el in tree.iter("aside")] == ["widget"]


def test_text_written_right_after_a_heading_without_a_paragraph_is_kept() -> None:
    loose = "“We start more than rockets,” the agency wrote, announcing that the service costs nothing."
    after = f"<h2>A wider overhaul</h2>\n{loose}\n<br/><br/>\n<p>{PARAS[0].replace('harbour', 'port')}</p>"

    [found] = extract_html(page().replace("</article>", f"{after}</article>"), "k.html")

    assert loose in found.body
    assert found.body.index(loose) < found.body.index("inner port")


def test_a_table_of_short_rows_is_article_text_not_a_menu() -> None:
    specs = [("Grape", "Zinfandel"), ("Colour", "Rosé"), ("Taste", "Medium sweet"), ("Vintage", "2019"),
             ("Region", "California"), ("Alcohol", "10 per cent"), ("Serve at", "8 degrees"),
             ("Decanting", "Not needed"), ("Closure", "Screw cap")]  # fmt: skip
    table = "<table>" + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in specs) + "</table>"

    body = extract_html(
        page(paras=PARAS[:2]).replace("</article>", f"{table}<p>{PARAS[2]}</p></article>"), "k.html"
    )[0].body

    assert all(f"{k} {v}" in body for k, v in specs)


def test_subheadings_and_lists_skipped_between_kept_paragraphs_are_added_in_order() -> None:
    import lxml.html

    from archive_search.cleaning.html.fallbacks import continue_article as _continue_article

    paras = [
        f"Paragraph {i} of the article, with enough running words to read as its own text." for i in range(4)
    ]
    html = (
        "<html><body><div class='entry'><span>"
        f"<p>{paras[0]}</p><h2>What inner calm is</h2><p>{paras[1]}</p>"
        "<ul><li>A positive outlook on hard days</li><li>A sense of purpose in life</li></ul>"
        f"<p>{paras[2]}</p>"
        "<ul><li><a href='/a'>A related story</a></li><li><a href='/b'>Another related story</a></li></ul>"
        "<ul><li><img src='a.jpg'>A gallery caption</li><li>A second item</li></ul>"
        f"<p>{paras[3]}</p><h2>Read more</h2>"
        "</span></div></body></html>"
    )
    tree = lxml.html.document_fromstring(html)
    out = _continue_article(tree, paras, paras)
    assert out == [
        paras[0], "What inner calm is", paras[1],
        "A positive outlook on hard days", "A sense of purpose in life", paras[2], paras[3],
    ]  # fmt: skip


@pytest.mark.parametrize(
    "notice",
    ["DER SPIEGEL 52/2018 Alle Rechte vorbehalten", "Le Monde, tous droits réservés", "© 2024 Example Post"],
)
def test_a_copyright_notice_in_the_page_language_is_boilerplate(notice: str) -> None:
    from archive_search.cleaning.html.boundaries import is_boilerplate
    from archive_search.cleaning.html.lines import Line

    assert is_boilerplate(Line(notice, 0, "p"))
    assert not is_boilerplate(
        Line("Die Rechte der Mieter bleiben vorbehaltlich einer Einigung gewahrt.", 0, "p")
    )


def test_text_after_the_article_end_sign_is_cut_unless_it_is_most_of_the_page() -> None:
    from archive_search.cleaning.html.boundaries import cut_after_end_sign

    article = [
        "The first paragraph of the magazine story, long enough to be most of it.",
        "The story closes here, as the magazine marks its end. ❖",
    ]
    disclaimer = ["Advertising disclosure: we may receive compensation for links."]
    assert cut_after_end_sign(article + disclaimer) == article
    second_story = ["A second story of the digest follows, longer than the first one by far, " * 3]
    assert cut_after_end_sign(article + second_story) == article + second_story


@pytest.mark.parametrize(
    "label",
    [
        "<h3>Related stories</h3>",
        "<p>3 Kommentare</p>",
        "<p>Ähnliche Artikel</p>",
        "<h4>Mehr zum Thema</h4>",
        "<p>Comments (12)</p>",
    ],
)
def test_what_follows_an_end_label_below_the_article_is_cut(label: str) -> None:
    after = (
        "<p>Readers also liked this other story about a bridge that was repaired last spring by the city.</p>"
    )

    body = extract_html(page().replace("</article>", f"{label}{after}</article>"), "k.html")[0].body

    assert body.endswith(PARAS[2])


def test_an_end_label_above_most_of_the_article_or_inside_a_sentence_cuts_nothing() -> None:
    early = "<h3>Related stories</h3>"
    mention = "<p>The comments</p>"  # neither the label alone, a heading nor before a colon

    [found] = extract_html(
        page(paras=[PARAS[0], "EARLY", *PARAS[1:]]).replace("<p>EARLY</p>", early), "k.html"
    )
    [mentioned] = extract_html(
        page().replace("</article>", f"{mention}<p>{PARAS[0]}</p></article>"), "k.html"
    )

    assert found.body.endswith(PARAS[2])
    assert mentioned.body.endswith(PARAS[0])


def test_a_card_repeating_the_title_after_an_end_label_is_kept() -> None:
    head = "<title>Peanut butter truffles</title>"
    card = (
        "<h3>Related recipes</h3><p>Try the almond cookies and the date bars from last winter next time.</p>"
        "<h2>Peanut butter truffles</h2><p>Roll the filling into balls and dip each one into the melted chocolate.</p>"
    )

    body = extract_html(page(head=head).replace("</article>", f"{card}</article>"), "k.html")[0].body

    assert "almond cookies" not in body
    assert body.endswith("dip each one into the melted chocolate.")


@pytest.mark.parametrize(
    "prompt",
    [
        "Sign up for our weekly newsletter to get the best stories in your inbox.",
        "Follow us on Instagram and Facebook for more pictures from the harbour.",
        "¡Únete a nuestro canal de Telegram!",
    ],
)
def test_a_readers_prompt_closing_the_page_is_dropped_but_not_one_inside_the_article(prompt: str) -> None:
    from archive_search.cleaning.html.boundaries import drop_closing_prompts

    assert drop_closing_prompts([*PARAS, prompt]) == PARAS
    assert drop_closing_prompts([PARAS[0], prompt, PARAS[1]]) == [PARAS[0], prompt, PARAS[1]]
    closing = (
        "The mayor said she would follow the work closely and post updates on the city's Twitter account."
    )
    assert drop_closing_prompts([*PARAS, closing]) == [*PARAS, closing]  # a call with a channel: a sentence


@pytest.mark.parametrize(
    "credit", ["Titelbild: Jane Doe/Agency", "Photo source: Jane Doe from a stock site."]
)
def test_a_picture_credit_closing_the_page_is_dropped(credit: str) -> None:
    from archive_search.cleaning.html.boundaries import drop_closing_prompts

    assert drop_closing_prompts([*PARAS, credit]) == PARAS
    assert drop_closing_prompts([PARAS[0], credit, PARAS[1]]) == [PARAS[0], credit, PARAS[1]]

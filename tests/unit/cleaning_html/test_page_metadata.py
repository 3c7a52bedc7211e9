"""Page metadata as readers cite it: the publisher's name, an edition, topic tags."""

from __future__ import annotations

import json
from datetime import date

import pytest
from trafilatura.utils import load_html

from archive_search.cleaning.html import extract_html
from archive_search.cleaning.html.metadata import edition_for_language, guessed_published, page_metadata
from archive_search.cleaning.metadata import Byline

BODY = (
    "<article>" + "<p>The council approved the budget on Tuesday after a long debate about schools.</p>" * 6
)
BODY += "</article>"


def metadata_of(head: str, url: str = "https://www.example.com/story"):
    canonical = f'<link rel="canonical" href="{url}">'
    return page_metadata(load_html(f"<html><head>{canonical}{head}</head><body>{BODY}</body></html>"))


def site_name(name: str) -> str:
    return f'<meta property="og:site_name" content="{name}">'


@pytest.mark.parametrize(
    ("head", "url", "publisher"),
    [
        # a tagline after the name
        (
            site_name("Autoracing | F1 | Indy | MotoGP | StockCar"),
            "http://www.autoracing.com.br/x",
            "Autoracing",
        ),
        # a section or a platform is not the publisher: the <title>'s site part is
        (
            site_name("U.S.") + "<title>Oil slips - Reuters</title>",
            "https://www.reuters.com/article/x",
            "Reuters",
        ),
        (
            site_name("Blogger") + "<title>Garden notes</title>",
            "https://gardens.example.org/x",
            "gardens.example.org",
        ),
        # a bare host fragment in metadata: the name the site's title gives, else the domain
        (site_name("nj") + "<title>Storm damage | nj.com</title>", "https://www.nj.com/news/x", "nj.com"),
        (site_name("cleveland"), "https://www.cleveland.com/news/x", "cleveland.com"),
        # a tagline without the site's name
        (site_name("Kabar tentang Dunia Islam"), "https://kabarislamia.com/2015/x", "kabarislamia.com"),
        # variants of one name become one
        (
            site_name("Inexhibit")
            + '<script type="application/ld+json">'
            + json.dumps(
                {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Inexhibit magazine"}}
            )
            + "</script>",
            "https://www.inexhibit.com/x",
            "Inexhibit",
        ),
        # a syndicated story's agency is not the site
        (
            site_name("SFGate")
            + '<script type="application/ld+json">'
            + json.dumps(
                {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Associated Press"}}
            )
            + "</script>",
            "https://www.sfgate.com/news/x",
            "SFGate",
        ),
    ],
)
def test_publisher_is_the_name_readers_cite(head: str, url: str, publisher: str) -> None:
    assert metadata_of(head, url).source == publisher


def test_the_masthead_logo_names_a_site_whose_metadata_does_not() -> None:
    logo = '<header><a href="/"><img src="/logo.png" alt="The Space Review"></a></header>'
    html = f'<html><head><link rel="canonical" href="https://www.thespacereview.com/a/1"></head><body>{logo}{BODY}</body></html>'
    assert page_metadata(load_html(html)).source == "The Space Review"


def test_the_sites_own_name_wins_over_another_organisation_in_json_ld() -> None:
    ld = json.dumps(
        {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "DH News Service"}}
    )
    head = site_name("Deccan Herald") + f'<script type="application/ld+json">{ld}</script>'
    assert metadata_of(head, "https://www.deccanherald.com/x").source == "Deccan Herald"


def test_a_site_stating_no_name_is_named_by_its_handle_before_its_domain() -> None:
    head = '<meta name="twitter:site" content="@ap">' + site_name("Hosted")
    assert metadata_of(head, "https://hosted.ap.org/berkshireeagle/article/x").source == "AP"
    assert metadata_of(
        '<meta name="twitter:site" content="@comwrap">', "https://blog.comwrap.com/x"
    ).source == ("comwrap")


def test_a_title_part_that_only_mentions_the_site_is_not_cut() -> None:
    head = "<title>Take C.A.R.E. - comwrap auf der DMEXCO 2018</title>"
    meta = metadata_of(head + '<meta name="twitter:site" content="@comwrap">', "https://blog.comwrap.com/x")
    assert meta.title == "Take C.A.R.E. - comwrap auf der DMEXCO 2018"


def test_an_edition_name_stays_only_on_a_page_in_its_language() -> None:
    assert edition_for_language("Business Insider Deutschland", "en") == "Business Insider"
    assert edition_for_language("Business Insider Deutschland", "de") == "Business Insider Deutschland"
    assert edition_for_language("The New York Times", "en") == "The New York Times"


def test_an_english_page_of_a_german_edition_is_cited_without_the_edition() -> None:
    html = (
        '<html lang="de"><head><meta property="og:site_name" content="Business Insider Deutschland">'
        f"</head><body>{BODY}</body></html>"
    )
    [article] = extract_html(html, "a.html")
    assert (article.language, article.source) == ("en", "Business Insider")


def test_tags_are_topic_keywords_only() -> None:
    keywords = (
        "&amp;quot, /article, @post-id:1913719, channel_other, No Autolink, 12345, Climate change, Energy"
    )
    meta = metadata_of(f'<meta name="keywords" content="{keywords}">')
    assert meta.tags == ("Climate change", "Energy")


def test_a_comment_authors_name_is_not_the_byline() -> None:
    comments = '<div class="comments"><span class="comment-author-link">Milan Griffes</span></div>'
    html = f"<html><head></head><body>{BODY}{comments}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == ()


def test_a_signed_byline_element_may_hold_a_single_name() -> None:
    html = f'<html><head></head><body><span class="byline">by Anmol</span>{BODY}</body></html>'
    assert page_metadata(load_html(html)).byline.authors == ("Anmol",)
    unsigned = f'<html><head></head><body><span class="byline">Anmol</span>{BODY}</body></html>'
    assert page_metadata(load_html(unsigned)).byline.authors == ()


@pytest.mark.parametrize(
    ("byline", "authors"),
    [("بقلم أحمد علي", ("أحمد علي",)), ("מאת יוסי כהן", ("יוסי כהן",)), ("作者：李明", ("李明",))],
)
def test_a_byline_element_in_a_script_without_letter_case_gives_its_names(
    byline: str, authors: tuple[str, ...]
) -> None:
    html = f'<html><head></head><body><div class="byline">{byline}</div>{BODY}</body></html>'
    assert page_metadata(load_html(html)).byline.authors == authors


@pytest.mark.parametrize(
    "element",
    [
        '<span class="entry-content__authors">Von Jane Doe</span>',
        '<div class="node-block--authors"><a href="/jane-doe-8091766">Jane Doe</a></div>',
        '<span class="auteurs">Jane Doe</span>',
        '<p class="autoren">Von Jane Doe</p>',
    ],
)
def test_an_element_marked_as_the_authors_in_the_plural_gives_its_names(element: str) -> None:
    html = f"<html><head></head><body>{element}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == ("Jane Doe",)


def test_a_byline_reads_a_name_once_without_its_screen_reader_copy() -> None:
    hidden = '<span class="u-screen-reader-text">Jane Doe</span>'
    html = f'<html><head></head><body><p class="byline">By <a>Jane Doe{hidden}</a></p>{BODY}</body></html>'
    assert page_metadata(load_html(html)).byline.authors == ("Jane Doe",)


def test_a_byline_element_holding_a_phrase_names_no_one() -> None:
    # lower-case words in a name are short particles: "documentaire" is not one
    html = f'<html><head></head><body><p class="byline">Un documentaire de Jane Doe</p>{BODY}</body></html>'
    assert page_metadata(load_html(html)).byline.authors == ()


LONG_PARAGRAPH = "<p>" + "The council approved the budget on Tuesday after a long debate. " * 4 + "</p>"


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        ("<span>von Jane Doe</span>", ("Jane Doe",)),
        ("<p><em>---- by Jane Doe</em></p>", ("Jane Doe",)),
        ("<div>Posted on September 21, 2020 by Jane Doe</div>", ("Jane Doe",)),
        # a line break ends the signature: the place under it is no name
        ("<p>Von <b>Jane Doe</b> und <b>John Roe</b><br>Kakuma/Kenia</p>", ("Jane Doe", "John Roe")),
        # a date trailing the signature is not counted among its words
        (
            '<p>By <a href="/staff/jane-doe/">Jane Doe</a> , <a href="/staff/john-roe/">John Roe</a>'
            " on Monday, November 18th, 2019 at 11:08 a.m.</p>",
            ("Jane Doe", "John Roe"),
        ),
        (
            "<p>By Jane Doe and John Roe | Wednesday, 21 September 2020, 10:15 a.m. EDT</p>",
            ("Jane Doe", "John Roe"),
        ),
    ],
)
def test_an_unmarked_signature_under_the_headline_gives_the_authors(
    header: str, authors: tuple[str, ...]
) -> None:
    html = f"<html><head></head><body><h1>Budget approved</h1>{header}{LONG_PARAGRAPH}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == authors


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        (
            '<div><a href="/staff/jane-doe/">Jane Doe</a> <a href="/staff/john-roe/">John Roe</a></div>',
            ("Jane Doe", "John Roe"),
        ),
        (
            '<div><a href="https://example.com/autoren/jose-garcia-123.html">José García</a></div>',
            ("José García",),
        ),
        ('<div><a href="/auteur/jos%C3%A9-garc%C3%ADa/">José García</a></div>', ("José García",)),
        # a link to an author's page that is not the name its address spells names no one
        ('<div><a href="/author/jane-doe/">Read more stories</a></div>', ()),
        ('<div><a href="/tag/jane-doe/">Jane Doe</a></div>', ()),
    ],
)
def test_links_to_author_pages_under_the_headline_give_the_authors(
    header: str, authors: tuple[str, ...]
) -> None:
    html = f"<html><head></head><body><h1>Budget approved</h1>{header}{LONG_PARAGRAPH}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == authors


def test_a_signature_after_the_first_paragraph_is_not_the_articles() -> None:
    teaser = "<ul><li><a href='/other'>Other story</a> <span>by John Roe</span></li></ul>"
    html = f"<html><head></head><body><h1>Budget approved</h1>{LONG_PARAGRAPH}{teaser}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == ()


def test_a_dated_byline_element_gives_the_name_after_the_date() -> None:
    byline = '<div class="page-meta--author">Posted on September 21, 2020 by Jane Doe</div>'
    html = f"<html><head></head><body>{byline}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == ("Jane Doe",)


def page_of(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}{BODY}</body></html>"


def test_a_page_stating_no_url_is_named_from_the_site_its_links_go_to() -> None:
    links = "".join(f'<a href="http://www.entermedia.co.kr/news/{i}">story</a>' for i in range(4))
    links += '<a href="http://www.entermedia.co.kr/">home</a><a href="https://twitter.com/x">t</a>'
    html = page_of("<title>Headline of the day - Entermedia</title>", links)
    meta = page_metadata(load_html(html))
    assert (meta.source, meta.title, meta.url) == ("Entermedia", "Headline of the day", None)
    # links spread over other sites name no site of the page's own
    spread = "".join(f'<a href="https://site{i}.example/">x</a>' for i in range(4))
    assert page_metadata(load_html(page_of("<title>Headline - Entermedia</title>", spread))).source is None


def test_the_domain_of_last_resort_is_cased_as_the_page_writes_it() -> None:
    footer = "<footer>Copyright (C) EnterMedia.co.kr. All rights reserved.</footer>"
    html = page_of('<link rel="canonical" href="http://www.entermedia.co.kr/news/1">', footer)
    assert page_metadata(load_html(html)).source == "EnterMedia.co.kr"
    assert metadata_of("", "http://vse-diety.com/x").source == "vse-diety.com"


def test_a_title_ending_with_the_sites_domain_names_the_publisher() -> None:
    head = (
        "<title>Model speaks about ageing — www.wday.ru</title>"
        + '<meta name="twitter:site" content="@Wday_">'
    )
    assert metadata_of(head, "https://www.wday.ru/x/").source == "wday.ru"


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        # the words after the site's name are the section the URL is in: a regional edition
        ("https://www.politifact.com/west-virginia/statements/2019/x/", "PolitiFact"),
        ("https://www.swr.de/sport/volleyball/x.html", "SWR"),
        # words that are no section of the URL are part of the name
        ("https://www.politifact.com/truth-o-meter/article/x/", "PolitiFact West Virginia"),
    ],
)
def test_a_section_after_the_sites_name_is_not_the_publisher(url: str, publisher: str) -> None:
    if "swr" in url:  # the name in og:site_name, or in the <title> as the site ends it
        head = site_name("SWR Sport")
    else:
        head = "<title>What drugs cost at the border | PolitiFact West Virginia</title>"
    assert metadata_of(head, url).source == publisher


@pytest.mark.parametrize(
    ("alt", "publisher"),
    [
        ("Schweizer Jäger Logo", "Schweizer Jäger"),
        ("express_logo", "express.co.uk"),
        ("Logo", "express.co.uk"),
    ],
)
def test_a_masthead_logos_alt_names_the_site_without_the_word_logo(alt: str, publisher: str) -> None:
    logo = f'<header><a href="/"><img src="/logo.png" alt="{alt}"></a></header>'
    html = page_of('<link rel="canonical" href="https://www.express.co.uk/news/1">', logo)
    assert page_metadata(load_html(html)).source == publisher


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        # the host leaves out the article and the accents the name has
        ("Justice sworn in | The Times of Israel", "https://www.timesofisrael.com/x/", "The Times of Israel"),
        ("L’évaluation des revues - La Vie des idées", "https://laviedesidees.fr/x.html", "La Vie des idées"),
    ],
)
def test_a_title_names_its_site_without_the_article_or_accents(title: str, url: str, publisher: str) -> None:
    handle = (
        '<meta name="twitter:site" content="@' + url.split("/")[2].removeprefix("www.").split(".")[0] + '">'
    )
    assert metadata_of(f"<title>{title}</title>{handle}", url).source == publisher


@pytest.mark.parametrize(
    ("head", "published"),
    [
        # a UTC timestamp one day after the URL's date is the same day, written in UTC
        ('<meta property="article:published" content="2019-11-19">', date(2019, 11, 18)),
        # a page stating no date is dated by its URL
        ("", date(2019, 11, 18)),
        # a stated date further from the URL's is the page's own
        ('<meta property="article:published" content="2019-12-02">', date(2019, 12, 2)),
    ],
)
def test_a_date_in_the_url_path_is_the_sites_local_date(head: str, published: date) -> None:
    assert metadata_of(head, "https://www.forbes.com/sites/x/2019/11/18/story/").published == published


def test_a_page_without_stated_dates_is_dated_from_its_text_but_not_by_a_bare_year() -> None:
    dated = page_of("", '<span class="about__block">publiziert am 25. September 2018</span>')
    assert guessed_published(load_html(dated), None) == date(2018, 9, 25)
    copyright_only = page_of("", "<footer>© 2018 comwrap GmbH</footer>")
    assert guessed_published(load_html(copyright_only), None) is None
    updated_only = page_of("", "<span>Aktualisiert am 2. Oktober 2018</span>")
    assert guessed_published(load_html(updated_only), None) is None


@pytest.mark.parametrize(
    "text",
    [
        "<div><span>20.01.2022</span></div>",
        "<p>Pressemitteilung vom 20.01.2022</p>",
        "<div><b>Donnerstag, 20. Januar 2022</b></div>",
    ],
)
def test_a_page_dated_only_by_a_bare_date_in_its_text_takes_that_date(text: str) -> None:
    # no metadata, no dated element, no "published" phrase: htmldate's search of the text
    assert guessed_published(load_html(page_of("", text)), None) == date(2022, 1, 20)


def test_a_site_linked_to_without_a_home_link_is_confirmed_by_its_feeds() -> None:
    links = "".join(
        f'<a href="http://bayrische-bembel.de/bbr/article.php?id={i}">story</a>' for i in range(5)
    )
    feed = '<link rel="alternate" type="application/rss+xml" href="http://bayrische-bembel.de/rss.php">'
    html = page_of("<title>Weichen gestellt</title>" + feed, links)
    assert page_metadata(load_html(html)).source == "bayrische-bembel.de"
    assert page_metadata(load_html(page_of("<title>Weichen gestellt</title>", links))).source is None


def test_a_site_the_page_loads_its_feed_from_and_links_to_is_its_own() -> None:
    # under half of the page's links go to its own site, but it loads its feed from it
    links = "".join(f'<a href="https://other{i}.example/x">x</a>' for i in range(4))
    links += '<a href="https://www.l-mag.example/news">news</a>'
    feed = '<link rel="alternate" type="application/rss+xml" href="https://www.l-mag.example/rss.xml">'
    html = page_of("<title>Gedenktag in Berlin</title>" + feed, links)
    assert page_metadata(load_html(html)).source == "l-mag.example"
    # a host it only loads from (fonts, a CDN) and never links to is not the page's site
    fonts = '<link rel="stylesheet" href="https://fonts.example-cdn.com/css">'
    assert (
        page_metadata(load_html(page_of("<title>Gedenktag in Berlin</title>" + fonts, links))).source is None
    )


def test_a_title_split_by_a_left_guillemet_or_a_box_bar_names_its_site() -> None:
    guillemet = metadata_of("<title>Lexikon « Nalas Tierseiten</title>", "http://www.nalas-tierseiten.info/x")
    assert guillemet.source == "Nalas Tierseiten"
    bar = metadata_of(
        "<title>Produkttester werden│Kaffee Marktplatz</title>", "https://kaffee-marktplatz.de/x"
    )
    assert bar.source == "Kaffee Marktplatz"


def test_an_archived_copy_is_published_by_the_site_it_archives() -> None:
    url = "https://web.archive.org/web/20140226054445/http://www.time4talks.com/2013/08/07/story/"
    meta = metadata_of("<title>Story</title>", url)
    assert (meta.source, meta.published) == ("time4talks.com", date(2013, 8, 7))


@pytest.mark.parametrize(
    ("names", "url", "publisher"),
    [
        # a domain-style name is the site's when its host is the site's ("DW.COM" on dw.com)
        (("DW.COM", "Deutsche Welle GmbH"), "https://www.dw.com/fr/x", "DW.COM"),
        # umlauts as host names spell them
        (("Süddeutsche.de", "SZ.de"), "https://www.sueddeutsche.de/x", "Süddeutsche.de"),
        (
            ("www.leichtathletik.de | Das Leichtathletik-Portal", "DLV"),
            "https://www.leichtathletik.de/x",
            "leichtathletik.de",
        ),
    ],
)
def test_the_name_matching_the_host_is_the_sites_own(
    names: tuple[str, str], url: str, publisher: str
) -> None:
    # another organisation's name comes first, as the article's JSON-LD publisher
    ld = json.dumps({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": names[1]}})
    head = site_name(names[0]) + f'<script type="application/ld+json">{ld}</script>'
    assert metadata_of(head, url).source == publisher


@pytest.mark.parametrize(
    "masthead",
    [
        '<p class="site-title"><a href="https://www.limespace.de/" rel="home">LimeSpace</a></p>',
        '<a href="http://limespace.de"><img src="/l.png" alt="LimeSpace"></a>',  # www and scheme differ
    ],
)
def test_a_home_link_marked_as_the_site_title_is_the_masthead(masthead: str) -> None:
    html = page_of('<link rel="canonical" href="https://www.limespace.de/2019/x/">', masthead)
    assert page_metadata(load_html(html)).source == "LimeSpace"


def test_a_plain_home_link_names_no_site() -> None:
    html = page_of('<link rel="canonical" href="https://www.limespace.de/x/">', '<a href="/">Startseite</a>')
    assert page_metadata(load_html(html)).source == "limespace.de"


@pytest.mark.parametrize(
    "title",
    [
        "The Space Review: Seeking a bigger role for a big rocket",
        "BMAS - Änderung der Anforderungen - Meldung",
    ],
)
def test_a_title_opening_with_the_sites_name_names_the_publisher(title: str) -> None:
    url = "https://www.bmas.de/x" if title.startswith("BMAS") else "https://www.thespacereview.com/article/1"
    assert metadata_of(f"<title>{title}</title>", url).source == title.split(":")[0].split(" - ")[0]


JUNK_TAGS = [
    "&amp;quot",
    "&quot;",
    "/article",
    "@post-id:1913719",
    "channel_other",
    "No Autolink",
    "12345",
    "uncategorized",
]


@pytest.mark.parametrize("junk", JUNK_TAGS)
@pytest.mark.parametrize("source", ["keywords", "article:tag", "json-ld string", "json-ld list"])
def test_each_junk_tag_shape_is_dropped_from_every_source(junk: str, source: str) -> None:
    topics = [junk, "Climate change"]
    if source == "keywords":
        head = f'<meta name="keywords" content="{", ".join(topics)}">'
    elif source == "article:tag":
        head = "".join(f'<meta property="article:tag" content="{t}">' for t in topics)
    else:
        keywords: str | list[str] = ", ".join(topics) if source == "json-ld string" else topics
        head = f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "keywords": keywords})}</script>'
    assert metadata_of(head).tags == ("Climate change",)


def test_a_quoted_topic_keeps_its_words() -> None:
    meta = metadata_of('<meta name="keywords" content="&quot;Brexit&quot;, «Energie», Climate change">')
    assert meta.tags == ("Brexit", "Energie", "Climate change")


@pytest.mark.parametrize(
    ("footer", "publisher"),
    [
        ("© 2019 The Detroit News, a part of the USA TODAY Network", "The Detroit News"),
        ("Copyright (c) 2008-2019 Detroit News. All rights reserved.", "Detroit News"),
        # a picture credit, a bare "(c)" or another organisation's name is not the site's
        ("Foto: © DetroitNews/AdobeStock", "detroitnews.com"),
        ("© (c)", "detroitnews.com"),
        ("© 2019 Gannett Co., Inc.", "detroitnews.com"),
        # the publication a company's notice names in quotes is the site's
        ("© Detroit Medien AG «The Detroit News» | Impressum", "The Detroit News"),
        # a line break in the markup's text is a space: the notice goes on
        ("<span>©</span><span> Detroit Medien AG\n«The Detroit News» | Impressum</span>", "The Detroit News"),
        ('© 2019 Detroit Newspapers Ltd. "Detroit News" is a registered trademark.', "Detroit News"),
    ],
)
def test_a_copyright_line_naming_the_site_names_the_publisher(footer: str, publisher: str) -> None:
    html = page_of(
        '<link rel="canonical" href="https://www.detroitnews.com/story/x/">', f"<footer>{footer}</footer>"
    )
    assert page_metadata(load_html(html)).source == publisher


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        # scripts without spaces join a title's parts unspaced
        ("<title>北京发布空气质量新规定_新华网</title>", "", "新华网"),
        ("<title>北京发布空气质量新规定｜日本経済新聞</title>", "", "日本経済新聞"),
        # a name the host cannot spell: the title's end that the copyright line credits
        ("<title>北京发布空气质量新规定_新华网</title>", "http://www.news.cn/2024/c_1.htm", "新华网"),
        ("<title>北京发布空气质量新规定_新闻中心</title>", "http://www.news.cn/2024/c_1.htm", "news.cn"),
    ],
)
def test_a_cjk_title_names_the_site(title: str, url: str, publisher: str) -> None:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    html = page_of(
        canonical + title, "<h1>北京发布空气质量新规定</h1><footer>版权所有 © 2024 新华网</footer>"
    )
    assert page_metadata(load_html(html)).source == publisher


def test_a_title_end_the_home_link_repeats_names_the_site() -> None:
    head = (
        '<link rel="canonical" href="https://mainichi.jp/articles/1"><title>防災計画を発表｜毎日新聞</title>'
    )
    html = page_of(head, '<header><a href="/">毎日新聞</a><a href="/news">ニュース</a></header>')
    assert page_metadata(load_html(html)).source == "毎日新聞"
    # a home link saying "home" confirms no name
    html = page_of(head, '<header><a href="/">ホーム</a></header>')
    assert page_metadata(load_html(html)).source == "mainichi.jp"


def test_an_agencys_own_site_is_published_by_it() -> None:
    ld = json.dumps({"@type": "Organization", "name": "NBCUniversal Media"})
    head = site_name("NBC News") + f'<script type="application/ld+json">{ld}</script>'
    assert metadata_of(head, "https://www.nbcnews.com/politics/x").source == "NBC News"
    # the same agency on another site's syndicated story is not that site's name
    assert metadata_of(head, "https://www.ctpost.com/news/x").source == "NBCUniversal Media"


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        ("Stocks rally - Yahoo News", "https://news.yahoo.com/x.html", "Yahoo News"),
        ("Officials report a 6th case – CBS Detroit", "https://detroit.cbslocal.com/2019/x/", "CBS Detroit"),
        # words the host does not hold are a headline's, not the site's name
        ("Stocks rally - Yahoo Answers Today", "https://news.yahoo.com/x.html", "news.yahoo.com"),
    ],
)
def test_a_name_whose_every_word_is_in_the_host_is_the_sites(title: str, url: str, publisher: str) -> None:
    assert metadata_of(f"<title>{title}</title>", url).source == publisher


def test_a_home_link_worded_as_home_in_any_language_names_no_site() -> None:
    for word in ("Startseite", "Accueil", "Inicio"):
        masthead = f'<p class="site-title"><a href="/" rel="home">{word}</a></p>'
        html = page_of('<link rel="canonical" href="https://www.travanto.de/x/">', masthead)
        assert page_metadata(load_html(html)).source == "travanto.de"


def test_a_corporate_owners_short_initials_do_not_name_the_site() -> None:
    ld = json.dumps({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Tamedia AG"}})
    head = site_name("Tages-Anzeiger") + f'<script type="application/ld+json">{ld}</script>'
    assert metadata_of(head, "https://www.tagesanzeiger.ch/x").source == "Tages-Anzeiger"


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        ("Car sales plunge - Houston Chronicle", "https://www.chron.com/business/x.php", "Houston Chronicle"),
        # the host as a whole word of a phrase, or a phrase in lower case, is not the name
        ("Maulwurfkuchen - Rezept von Backen.de", "https://backen.de/rezept/x", "backen.de"),
        ("Pierogi przepis - Zobacz na przepisy.pl", "https://www.przepisy.pl/przepis/x", "przepisy.pl"),
    ],
)
def test_a_host_opening_a_word_of_the_name_is_the_sites(title: str, url: str, publisher: str) -> None:
    assert metadata_of(f"<title>{title}</title>", url).source == publisher


def test_a_publisher_meta_not_naming_the_host_is_not_the_site() -> None:
    head = '<meta name="publisher" content="Bussaba Rueegsegger-Panthumhinda">'
    assert metadata_of(head, "https://der-farang.com/de/pages/x").source == "der-farang.com"
    # a template's default gives way to the copyright line naming the site
    html = page_of(
        '<link rel="canonical" href="https://www.petri-heil.ch/de/x"><meta name="publisher" content="Auto Illustrierte">',
        "<footer>© 2020 Petri Heil. Alle Rechte vorbehalten.</footer>",
    )
    assert page_metadata(load_html(html)).source == "Petri Heil"


@pytest.mark.parametrize(
    ("head", "h1", "publisher"),
    [
        (
            "<title>Libre cours : Raoult - Avocat | Dalloz Actualité</title>",
            "Libre cours : Raoult",
            "Dalloz Actualité",
        ),
        (
            "<title>Die Freiheit der Planung | Urania Berlin</title>",
            "Die Freiheit der Planung",
            "Urania Berlin",
        ),
        # a site name repeating the whole title is the title
        (
            site_name("Achtsam durch die Krise | Die FURCHE")
            + "<title>Achtsam durch die Krise | Die FURCHE</title>",
            "Achtsam durch die Krise",
            "Die FURCHE",
        ),
        # the last part is a tagline: the part right after the headline is the site
        (
            "<title>Hafenfest beginnt - Kieler Segelblatt - Segelmacher, Surf und Kite Shop an der Förde</title>",
            "Hafenfest beginnt",
            "Kieler Segelblatt",
        ),
        (
            "<title>Hafenfest beginnt / Lokales / Home - segelblatt.de - Nachrichten aus Kiel mit Bildern und Videos</title>",
            "Hafenfest beginnt",
            "segelblatt.de",
        ),
        # the last part is the headline's (a section page), or no <h1> shows the headline
        ("<title>Feuerwehr Oldenburg - Ausbildung</title>", "Ausbildung", None),
        # no early parts hold the whole headline: no site part after it
        (
            "<title>News - Site Update - Leseprobe aus Band 14 und Kapitel 121 des Mangas</title>",
            "Archiv News",
            None,
        ),
        ("<title>Die Freiheit der Planung | Urania Berlin</title>", "", None),
        # a handle in lower case is an account's, not the site's name
        ('<title>Dateien austauschen</title><meta name="twitter:site" content="@zilpz">', "Dateien", None),
    ],
)
def test_a_page_stating_no_url_is_named_by_its_titles_site_part(
    head: str, h1: str, publisher: str | None
) -> None:
    body = f"<h1>{h1}</h1>" if h1 else ""
    assert page_metadata(load_html(page_of(head, body))).source == publisher


def test_a_masthead_in_lower_case_names_a_page_stating_no_url() -> None:
    html = page_of(
        "<title>CDPATH replacements - anarcat</title>", '<a href="/"><img alt="anarcat" src="/a.png"></a>'
    )
    assert page_metadata(load_html(html)).source == "anarcat"


def test_a_malformed_address_in_a_copyright_line_is_no_failure() -> None:
    html = page_of(
        '<link rel="canonical" href="https://www.acpjournals.org/x">', "<footer>© [m].org</footer>"
    )
    assert page_metadata(load_html(html)).source == "acpjournals.org"


def test_a_place_named_new_keeps_its_edition_word() -> None:
    assert edition_for_language("Searchlight New Mexico", "en") == "Searchlight New Mexico"
    assert edition_for_language("El Diario Nuevo México", "en") == "El Diario Nuevo México"
    assert edition_for_language("Business Insider México", "en") == "Business Insider"


def test_an_author_itemprop_among_other_tokens_is_the_byline() -> None:
    span = '<p><span itemprop="author creator" class="info">Текст: Лида Буслаева</span></p>'
    assert page_metadata(load_html(page_of("", span))).byline.authors == ("Лида Буслаева",)


def test_the_visible_byline_adds_the_coauthors_json_ld_leaves_out() -> None:
    ld = json.dumps({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Tariq Malik"}})
    head = f'<script type="application/ld+json">{ld}</script>'
    both = (
        '<p class="byline">By <a href="/author/tm" rel="author">Tariq Malik</a>, '
        '<a href="/author/mw" rel="author">Mike Wall</a></p>'
    )
    assert page_metadata(load_html(page_of(head, both))).byline.authors == ("Tariq Malik", "Mike Wall")
    # a visible byline naming someone else does not replace the stated author
    other = '<p class="byline">By Mike Wall</p>'
    assert page_metadata(load_html(page_of(head, other))).byline.authors == ("Tariq Malik",)


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        (
            "Perfekte Schnitte an der Kreissäge // HolzWerken",
            "https://www.holzwerken.net/blog/x",
            "HolzWerken",
        ),
        ("Beauty-Tipps für jede Braut • Crazy Julia", "https://crazy-julia.de/x/", "Crazy Julia"),
    ],
)
def test_a_title_split_by_slashes_or_a_bullet_names_its_site(title: str, url: str, publisher: str) -> None:
    meta = metadata_of(f"<title>{title}</title>", url)
    assert (meta.source, meta.title) == (publisher, title.split(" // ")[0].split(" • ")[0])


@pytest.mark.parametrize(
    ("head", "url", "publisher"),
    [
        # some of the name's words, in order, spell the host
        (
            "<title>Der Lange und die alte Dame | Hertha BSC Blog</title>",
            "http://www.hertha-blog.de/x",
            "Hertha BSC Blog",
        ),
        # a tagline after the name spelling the host (a domain spells it without its ending)
        (site_name("kath.net katholische Nachrichten"), "https://www.kath.net/news/1", "kath.net"),
        (site_name("Gartenwelt praktische Tipps"), "https://www.gartenwelt.de/x", "Gartenwelt"),
    ],
)
def test_a_name_spelling_the_host_is_the_sites_without_its_tagline(
    head: str, url: str, publisher: str
) -> None:
    assert metadata_of(head, url).source == publisher


@pytest.mark.parametrize(
    ("og_title", "h1", "title"),
    [
        # the metadata left a word out of the visible headline
        (
            "Milan Design Week 2018 | Anastassiades' light installation for FLOS",
            "Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS",
            "Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS",
        ),
        # a kicker glued before the headline, or an <h1> saying something else, is not the title
        ("Wurmkiste selber bauen", "Wurmkiste Wurmkiste selber bauen", "Wurmkiste selber bauen"),
        (
            "Council approves budget",
            "Council approves the budget after long debate",
            "Council approves budget",
        ),
    ],
)
def test_the_h1_is_the_title_when_the_metadata_left_words_out_of_it(
    og_title: str, h1: str, title: str
) -> None:
    html = page_of(f'<meta property="og:title" content="{og_title}">', f"<h1>{h1}</h1>")
    assert page_metadata(load_html(html)).title == title


@pytest.mark.parametrize(
    ("head", "url", "publisher"),
    [
        # one word in lower case is a brand, not a tagline, even when the host is another's
        (site_name("nachtfalter - Der Blog"), "https://journal.example.org/x", "nachtfalter"),
        # a top-level domain that is a word is part of the name; the tagline whose initials
        # spell the rest of the host is not
        (site_name("KAM media - Kultur Alltag Medien"), "https://kam.media/x", "KAM media"),
        # the name between the headline and a tagline, " : " separating them
        (
            "<title>Ein Abend im Park : Stadtgarten-Archiv | Notizen aus dem Grünen | Seit 2009</title>",
            "https://archiv.stadtgarten.de/?p=1",
            "Stadtgarten-Archiv",
        ),
    ],
)
def test_the_sites_name_survives_lower_case_word_domains_and_middle_parts(
    head: str, url: str, publisher: str
) -> None:
    assert metadata_of(head, url).source == publisher


def test_a_masthead_logos_alt_is_the_name_before_its_tagline() -> None:
    logo = '<header><a href="/"><img src="/logo.png" alt="Landkorb | Regionale Produkte, Gutscheine und ein Video-Blog aus dem Harz"></a></header>'
    html = page_of('<link rel="canonical" href="https://www.landkorb.de/laden/1">', logo)
    assert page_metadata(load_html(html)).source == "Landkorb"


def test_json_ld_with_a_javascript_comment_still_names_the_organisation() -> None:
    jsonld = '{ "@context": "https://schema.org",\n "@type": "Organization", //"Person",\n "name": "Gemeinde Lindental" }'
    head = f'<script type="application/ld+json">{jsonld}</script>'
    assert metadata_of(head, "https://www.lindental.de/news/1").source == "Gemeinde Lindental"


def test_a_dotted_word_that_is_not_the_pages_host_names_no_site() -> None:
    logo = '<header><a href="/" class="navbar-brand">navbar.site.backstube.de</a></header>'
    html = page_of('<link rel="canonical" href="https://backstube.de/rezept/1">', logo)
    assert page_metadata(load_html(html)).source == "backstube.de"


def _page(head: str, body_top: str) -> str:
    return f"<html><head>{head}</head><body>{body_top}{BODY}</body></html>"


def test_a_blogs_h1_naming_the_site_gives_way_to_the_article_heading() -> None:
    html = _page(
        f"<title>Lakeside Notes » Blog Archive » The council keeps the library open</title>{site_name('Lakeside Notes')}",
        "<h1>Lakeside Notes</h1><h2>The council keeps the library open</h2>",
    )
    assert page_metadata(load_html(html)).title == "The council keeps the library open"


@pytest.mark.parametrize(
    "doc_title",
    [
        "Lakeside Daily | The council keeps the library open",
        "The council keeps the library open - Lakeside Daily Community Forum",
    ],
)
def test_the_part_of_a_title_the_page_heads_its_article_with_is_the_headline(doc_title: str) -> None:
    # the site's name in the title differs from the one its metadata states
    html = _page(
        f"<title>{doc_title}</title>{site_name('Daily of Lakeside')}",
        "<h2>The council keeps the library open</h2>",
    )
    assert page_metadata(load_html(html)).title == "The council keeps the library open"


def test_a_short_heading_matching_a_later_title_part_is_not_the_headline() -> None:
    html = _page("<title>The council keeps the library open | Politics</title>", "<h2>Politics</h2>")
    assert page_metadata(load_html(html)).title == "The council keeps the library open | Politics"


def _graph_page(shown: str) -> str:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Person", "@id": "https://example.com/#/person/1", "name": "Mara Olsen"},
            {
                "@type": "BlogPosting",
                "headline": "Library stays open",
                "author": {"@id": "https://example.com/#/person/1"},
            },
        ],
    }
    script = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    return f"<html><head>{script}</head><body><p>{shown}</p>{BODY}</body></html>"


def test_a_json_ld_author_given_by_reference_is_the_person_the_graph_names() -> None:
    assert page_metadata(load_html(_graph_page("Posted by Mara Olsen"))).byline.authors == ("Mara Olsen",)


def test_a_referenced_author_the_page_never_shows_is_not_the_byline() -> None:
    assert page_metadata(load_html(_graph_page("Posted in News"))).byline.authors == ()


def test_a_time_element_without_datetime_gives_the_date_its_text_states() -> None:
    stamp = '<ul><li><time class="field-node-create-date"> 31.03.2020 </time></li></ul>'
    html = f"<html><head></head><body><h1>Budget approved</h1>{stamp}{BODY}</body></html>"
    assert page_metadata(load_html(html)).published == date(2020, 3, 31)
    # a machine-readable date still comes first
    dated = '<time datetime="2020-04-02">2. April</time>'
    html = f"<html><head></head><body><h1>Budget approved</h1>{stamp}{dated}{BODY}</body></html>"
    assert page_metadata(load_html(html)).published == date(2020, 4, 2)


def test_json_ld_with_a_raw_line_break_in_a_string_is_read() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "Budget approved",'
        ' "description": "First line\nsecond line", "author": {"@type": "Person", "name": "Jane Doe"}}</script>'
    )
    html = f"<html><head>{ld}</head><body>{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline.authors == ("Jane Doe",)


def test_persons_signing_under_the_headline_win_over_the_site_credited_as_author() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget approved",'
        ' "author": {"@type": "Organization", "name": "Makronom"}}</script>'
    )
    header = '<h1>Budget approved</h1><p class="byline">Von Jane Doe</p>'
    html = f"<html><head>{ld}</head><body>{header}{LONG_PARAGRAPH}{BODY}</body></html>"
    assert page_metadata(load_html(html)).byline == Byline(("Jane Doe",), None)
    # a signature further down (a teaser's, a sidebar's) leaves the organisation credited
    teaser = '<div class="teaser"><p class="byline">Von John Roe</p></div>'
    html = (
        f"<html><head>{ld}</head><body><h1>Budget approved</h1>{LONG_PARAGRAPH}{teaser}{BODY}</body></html>"
    )
    assert page_metadata(load_html(html)).byline == Byline((), "Makronom")


def test_a_jsonld_websites_name_names_the_site() -> None:
    ld = json.dumps({"@context": "http://schema.org", "@type": "WebSite", "name": "Feriendomizil"})
    head = f'<script type="application/ld+json">{ld}</script><title>Haus am See (40222) - Ferienhaus Seedorf</title>'
    assert metadata_of(head, "https://www.feriendomizil.de/haus/40222").source == "Feriendomizil"


@pytest.mark.parametrize(
    ("url", "footer", "publisher"),
    [
        # a subdomain's page writing only the registered domain is cited by that
        (
            "http://lexikon.kuechenhilfe.de/obst/banane.html",
            "2006 - 2012 Kuechenhilfe.de - Rezepte",
            "Kuechenhilfe.de",
        ),
        ("http://news.example.co.uk/a/1", "Read more on example.co.uk - Contact", "example.co.uk"),
        # a publishing platform's domain is not the blog's
        (
            "https://gnadlib.wordpress.com/2020/x/",
            "Create a website at WordPress.com - Follow",
            "gnadlib.wordpress.com",
        ),
    ],
)
def test_a_subdomains_page_writing_its_registered_domain_is_cited_by_it(
    url: str, footer: str, publisher: str
) -> None:
    html = page_of(f'<link rel="canonical" href="{url}">', f"<footer>{footer}</footer>")
    assert page_metadata(load_html(html)).source == publisher


@pytest.mark.parametrize(
    ("head", "body", "publisher"),
    [
        # the domain opening the <h1> masthead is the page's host: its title's end names it
        (
            "<title>News - Site Update - Manga Fans</title>",
            "<h1>mangafans.ch News - Archiv</h1>",
            "Manga Fans",
        ),
        # an <h1> masthead that is the domain
        ("<title>Ein Presse-Event der Extraklasse</title>", "<h1>Modepilot.de</h1>", "modepilot.de"),
        # a domain-like word inside a part is a name in the text (a file, a library), not the host
        ("<title>Learn Node.js in a day - Intro</title>", "", None),
    ],
)
def test_a_page_stating_no_url_is_on_the_domain_its_masthead_writes(
    head: str, body: str, publisher: str | None
) -> None:
    assert page_metadata(load_html(page_of(head, body))).source == publisher


@pytest.mark.parametrize(
    ("title", "url", "publisher"),
    [
        # a name of a few words, one of which the host spells
        (
            "Verein ruft zu Verzicht auf – Tierheim Berlin",
            "https://tierschutz-berlin.de/x/",
            "Tierheim Berlin",
        ),
        (
            "Ministerin Raab trifft Länder - Bundeskanzleramt Österreich",
            "https://www.bundeskanzleramt.gv.at/x",
            "Bundeskanzleramt Österreich",
        ),
        # a phrase is no name; on a subdomain a name sharing the brand may be a sister site's
        (
            "Verzicht – Alles über das Tierheim in Berlin und Umgebung",
            "https://tierschutz-berlin.de/x/",
            "tierschutz-berlin.de",
        ),
        (
            "Verein ruft zu Verzicht auf – Tierheim Berlin",
            "https://news.tierschutz-berlin.de/x/",
            "news.tierschutz-berlin.de",
        ),
    ],
)
def test_a_title_end_the_host_spells_in_part_names_the_site(title: str, url: str, publisher: str) -> None:
    assert metadata_of(f"<title>{title}</title>", url).source == publisher


@pytest.mark.parametrize(
    ("head", "publisher"),
    [
        # a phrase wholly in lower case that the <title> writes as the site's name: a blog's name
        (
            site_name("lakeside ramblings") + "<title>Spring walk | lakeside ramblings</title>",
            "lakeside ramblings",
        ),
        # not written so by the <title>, it may be a tagline
        (site_name("lakeside ramblings") + "<title>Spring walk</title>", "shorewalker.example.org"),
        # a tagline in sentence case stays one, whatever the <title> repeats
        (
            site_name("Notes about the lake shore")
            + "<title>Spring walk | Notes about the lake shore</title>",
            "shorewalker.example.org",
        ),
    ],
)
def test_a_lower_case_name_the_title_writes_is_the_blogs_name(head: str, publisher: str) -> None:
    assert metadata_of(head, "https://shorewalker.example.org/2020/spring-walk/").source == publisher


def test_a_two_part_title_split_by_a_spaced_colon_names_its_site() -> None:
    head = "<title>Things we never knew we wanted : The Lakeside</title>"
    assert metadata_of(head, "https://ext.thelakeside.com/things/1/").source == "The Lakeside"
    # a part that does not name the host is a headline's
    head = "<title>Spring walk : Notes from a lake</title>"
    assert metadata_of(head, "https://ext.thelakeside.com/things/1/").source == "ext.thelakeside.com"


@pytest.mark.parametrize(
    ("meta", "url", "publisher"),
    [
        # a first name the host opens with is the personal site owner's, not the site's name
        ('<meta name="dc.publisher" content="Ann">', "http://www.ann-becker.de/x.html", "ann-becker.de"),
        # a short name that is the whole host is the site's
        ('<meta name="application-name" content="Kiel">', "http://www.kiel.de/x.html", "Kiel"),
        ('<meta name="dc.publisher" content="Becker">', "http://www.ann-becker.de/x.html", "Becker"),
    ],
)
def test_a_short_publisher_meta_names_the_site_only_as_its_whole_host(
    meta: str, url: str, publisher: str
) -> None:
    assert metadata_of(meta, url).source == publisher


@pytest.mark.parametrize(
    ("holder", "publisher"),
    [
        # the title's end and a word for the kind of company, run together without a space
        ("湖滨周刊杂志社", "湖滨周刊"),
        # another name opening differently credits another organisation
        ("湖滨日报社", "hubin.org"),
    ],
)
def test_a_cjk_copyright_holder_opening_with_the_titles_end_names_the_site(
    holder: str, publisher: str
) -> None:
    head = (
        '<link rel="canonical" href="http://www.hubin.org/a/1.html"><title>春季植树活动启动-湖滨周刊</title>'
    )
    html = page_of(
        head,
        f"<h1>春季植树活动启动</h1><footer>Copyright (C) {holder} 2010-2020, All Rights Reserved</footer>",
    )
    assert page_metadata(load_html(html)).source == publisher


def _feed(title: str) -> str:
    return f'<link rel="alternate" type="application/rss+xml" title="{title}" href="/feed/">'


@pytest.mark.parametrize(
    ("head", "body", "publisher"),
    [
        # the <title>'s site part a feed's title names too (a forum's feed: "Feed - Site")
        (
            "<title>Was ist Freie Software - Linden Community Forum</title>"
            + _feed("Feed - Linden Community Forum"),
            "",
            "Linden Community Forum",
        ),
        # what the <title> holds besides the <h1> headline, named by the blog's feed
        (
            "<title>Trails! Ischgl</title>" + _feed("Trails! » Ischgl Comments Feed"),
            "<h1>Ischgl</h1>",
            "Trails!",
        ),
        # the <title>'s site part opening the organisation the author meta names
        (
            '<title>Feuerwehr Lindenau - Ausbildung</title><meta name="author" '
            'content="Feuerwehr Lindenau, Abteilung Wasserrettung">',
            "",
            "Feuerwehr Lindenau",
        ),
        # a person's site: the <title>'s part opening with the copyright line's holder
        (
            "<title>Ann Becker's Digital Home | Notes on Python 3</title>",
            "<footer>Copyright (c) 2012- Ann Becker. All rights reserved.</footer>",
            "Ann Becker",
        ),
        # the <title>'s end that the masthead's heading, linking home, ends with
        (
            "<title>Enchufla Figuren - Salsa-Figuren - Rueda in Lindenau</title>",
            '<div id="header"><h1><a href="/"><span>Salsa-Figuren - Rueda in Lindenau</span></a></h1></div>',
            "Rueda in Lindenau",
        ),
        # the copyright meta and the author meta naming the same person
        (
            '<title>Mailaktion an den Bundestag</title><meta name="copyright" content="Ann Becker, Essen">'
            '<meta name="author" content="Ann Becker">',
            "",
            "Ann Becker",
        ),
        # the masthead's logo and the author meta naming the same organisation
        (
            '<title>Städteschutz statt Alpentrutz</title><meta name="author" '
            'content="Departement für Wirtschaft, Bildung und Forschung WBF">',
            '<a href="/de/home.html" class="brand" id="logo"><img src="/logo.png" '
            'alt="Departement für Wirtschaft, Bildung und Forschung"></a>',
            "Departement für Wirtschaft, Bildung und Forschung",
        ),
        # one statement alone names nothing: a menu label the <title> ends with, an author
        ("<title>Garden notes | Overview</title>", '<nav><a href="/">Overview</a></nav>', None),
        ('<title>Garden notes</title><meta name="author" content="Ann Becker">', "", None),
        # two statements sharing only a first word do not agree
        ("<title>Ann Becker - Notes</title>", "<footer>© 2020 Ann Smith</footer>", None),
    ],
)
def test_a_page_stating_no_url_is_named_by_two_of_its_statements_agreeing(
    head: str, body: str, publisher: str | None
) -> None:
    assert page_metadata(load_html(page_of(head, body))).source == publisher


@pytest.mark.parametrize(
    ("url", "footer", "masthead"),
    [
        # the rights-reserved words before the sign; a licence number after the name
        ("http://www.bhrb.cn/a/1.html", "关于我们 | 版权所有 © 2024 滨海日报 京ICP备12345678号", "滨海日报"),
        ("http://www.bhrb.cn/a/1.html", "© 2024 滨海日报 版权所有 京公网安备11010502000001号", "滨海日报"),
        # Korean: the holder up to "no reproduction or redistribution"
        ("https://www.hanbit.co.kr/a/1", "저작권자 © 한빛일보 무단전재 및 재배포 금지", "한빛일보"),
    ],
)
def test_a_cjk_footer_notice_and_the_home_link_agree_on_the_site(
    url: str, footer: str, masthead: str
) -> None:
    head = f'<link rel="canonical" href="{url}"><title>春季植树活动启动</title>'
    body = f'<header><a href="/">{masthead}</a></header><h1>春季植树活动启动</h1><footer>{footer}</footer>'
    assert page_metadata(load_html(page_of(head, body))).source == masthead

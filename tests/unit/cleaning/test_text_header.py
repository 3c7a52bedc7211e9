"""A text dump's header: the headline above its byline or date line, and the byline and date
read below a standfirst or share buttons."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search.cleaning.metadata import (
    HeaderMask,
    breadcrumb_end,
    cjk_credit,
    copyright_holder,
    copyright_holders,
    first_dateline,
    header_lines,
    is_header_line,
    is_menu_line,
    parse_date,
    read_header,
)
from archive_search.cleaning.text import extract_text

pytestmark = pytest.mark.unit

BODY = [
    "The harbour authority approved a plan on Tuesday to dredge the northern channel so that larger "
    "cargo ships can dock at the port for the first time since 1998.",
    "Work is due to start in the spring and last two years, the authority said in a statement after "
    "a meeting that ran late into the evening.",
    "Fishermen said they welcomed the plan but asked for the work to pause during the herring season.",
]
TEASERS = [
    "Council to review parking charges in the old town next month",
    "Ferry timetable changes for the winter season announced today",
    "Local school wins regional robotics contest for second year running",
]


def dump(*blocks: str) -> str:
    return "\n".join(blocks) + "\n"


def assert_headline_and_author(*header: str) -> None:
    """The headline above ``header`` and the article's body is the title, Jane Marlow the author."""
    article = extract_text(dump("Harbour channel to be dredged for larger ships", *header, *BODY), "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.authors == ("Jane Marlow",)


def test_headline_above_byline_wins_over_a_longer_teaser_and_a_caption() -> None:
    text = dump(
        "Home", "News", "Harbour", *TEASERS,
        "Harbour channel to be dredged for larger ships",
        "The plan ends a decade of delays.",
        "Facebook", "Twitter", "Email",
        "By Jane Marlow and PETER QUILL",
        "Share this with friends and family on every network",
        "(Photo by Ann Lee / Harbour Gazette)",
        *BODY,
    )  # fmt: skip
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.authors == ("Jane Marlow", "Peter Quill")


LEAD = (
    "Officials say the new channel will be ready in two years, but fishermen worry about the "
    "herring season and the noise of the dredgers"
)


def test_a_lead_under_its_headline_is_no_title_and_opens_the_body() -> None:
    text = dump(
        "Home", "News", "Harbour", *TEASERS,
        "Harbour channel to be dredged for larger ships",
        LEAD,
        "By Jane Marlow",
        "November 18, 2019",
        *BODY,
    )  # fmt: skip
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.body.startswith(LEAD)
    assert article.authors == ("Jane Marlow",)


def test_a_long_headline_in_title_case_under_a_label_stays_the_title() -> None:
    headline = (
        "Harbour Authority Approves Plan to Dredge the Northern Channel So That Larger Cargo Ships Can Dock"
    )
    article = extract_text(
        dump("Home", "News", *TEASERS, "Harbour News", headline, "By Jane Marlow", *BODY), "a.txt"
    )[0]
    assert article.title == headline


def test_a_name_alone_above_the_date_line_is_the_byline() -> None:
    byline, published = read_header(["Jane Marlow", "Published 18 November 2019", "Share"])
    assert byline.authors == ("Jane Marlow",)
    assert published == date(2019, 11, 18)


def test_label_on_its_own_line_credits_the_next_line() -> None:
    byline, published = read_header(["Author:", "The Harbour Desk", "Publish date:", "Nov 18, 2019"])
    assert byline.org == "The Harbour Desk"
    assert published == date(2019, 11, 18)


def test_an_updated_line_is_a_header_line_but_not_the_publication_date() -> None:
    lines = ["Updated 10:01 pm, November 19, 2019", "Published November 18, 2019"]
    assert header_lines(lines) == [True, True]
    assert read_header(lines)[1] == date(2019, 11, 18)


def test_an_updated_line_dates_the_article_when_no_other_date_is_stated() -> None:
    lines = ["By Jane Marlow", "Updated 12:24 am EST, Wednesday, November 20, 2019"]
    assert read_header(lines)[1] == date(2019, 11, 20)
    assert read_header(lines, above=["Nov. 19, 2019"])[1] == date(2019, 11, 19)


def test_the_marked_bylines_own_date_wins_over_a_dated_quote_above_it() -> None:
    lines = [
        "— Jane Roe on Sunday, October 13th, 2019 in an article in a local newspaper",
        "By Jane Marlow , Ann Lee on Monday, November 18th, 2019 at 11:08 a.m.",
    ]
    byline, published = read_header(lines)
    assert byline.authors == ("Jane Marlow", "Ann Lee")
    assert published == date(2019, 11, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Jane Marlow On 11/13/19 at 4:00 PM EST", date(2019, 11, 13)),
        ("Horoscope for Wednesday, 20/11/19", date(2019, 11, 20)),
        ("11/05/19", None),  # day and month ambiguous
        ("Opening Bell 11.18.19", None),  # dots with a two-digit year name an issue, not a date
        ("1/2/3/45", None),
        ("Текст: Лида Буслаева·11 октября 2018", date(2018, 10, 11)),
        ("Published Tue, Nov 19 20197:05 AM ESTUpdated Tue, Nov 19 20197:16 AM EST", date(2019, 11, 19)),
        ("19 Nov 201907:05", date(2019, 11, 19)),
        ("Nov 19 20191", None),  # five digits: no year
    ],
)
def test_header_dates_with_two_digit_years_russian_months_and_glued_times(
    text: str, expected: date | None
) -> None:
    assert parse_date(text) == expected


def test_an_author_box_next_to_the_byline_is_header_and_never_the_headline() -> None:
    box = ["About Jane Marlow", "Follow Jane Marlow on Twitter", "View author archive", "Get author RSS feed"]
    assert header_lines(["By Jane Marlow", *box, "Nov 18, 2019"]) == [True] * 6
    # away from a byline or date line, the same words may be a headline
    assert header_lines(["About Time", "Follow Jane Marlow on Twitter"]) == [False, False]
    assert_headline_and_author("By Jane Marlow", *box, "November 19, 2019 6:30 AM")


def test_a_header_line_asked_alone_reads_as_in_the_whole_header() -> None:
    # an author box that a byline borders from above only, between a menu item and a share button
    lines = ["Menu", "By Jane Marlow", "About Jane Marlow", "View author archive", "Share this"]
    # each line asked of a header read for nothing else, as the headline's search asks them
    alone = [HeaderMask(lines)[i] for i in range(len(lines))]
    assert alone == header_lines(lines) == [False, True, True, True, False]
    with pytest.raises(IndexError):
        HeaderMask(lines)[len(lines)]


def test_a_long_byline_with_its_date_is_no_first_paragraph() -> None:
    text = dump(
        "Home", "News", "Ports", "Fact checks", "Elections", "Subjects", "People", "Articles", "About", "Donate",
        "Harbour", "Ferries", "Weather",
        '"The channel has not been dredged in forty years."',
        "— Jane Roe on Sunday, October 13th, 2019 in an article in a local newspaper",
        "Has the harbour channel really gone forty years without dredging?",
        "By Jane Marlow and Ann Lee on Monday, November 18th, 2019 at 11:08 a.m.",
        *BODY,
    )  # fmt: skip
    assert is_header_line(text.splitlines()[-4])
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Has the harbour channel really gone forty years without dredging?"
    assert article.published == date(2019, 11, 18)


@pytest.mark.parametrize(
    ("line", "menu"),
    [
        ("News | World | Europe", True),
        ("Home › Sport", True),
        ("Opinion | Why the harbour needs dredging", True),  # a one-word label: a breadcrumb too
        ("Harbour Week 2023 | A light installation for the ferry terminal", False),
        ("Harbour channel to be dredged for larger ships", False),
    ],
)
def test_a_headline_with_its_kicker_is_no_menu(line: str, menu: bool) -> None:
    assert is_menu_line(line) is menu


def test_the_dateline_under_a_caption_gives_the_place() -> None:
    caption = "The harbour master, left, speaks with a ferry captain at the quay, Tuesday, Nov. 19, 2019."
    text = dump(
        "Harbour channel to be dredged for larger ships",
        "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",
        caption,
        "LAKESIDE, Maine (AP) — " + BODY[0],
        *BODY[1:],
    )
    assert extract_text(text, "a.txt")[0].place == "Lakeside, Maine"
    assert first_dateline(["PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05", *BODY]) is None


@pytest.mark.parametrize(
    ("lines", "authors", "org"),
    [
        (["Текст: Лида Буслаева·11 октября 2018"], ("Лида Буслаева",), None),
        (["Published Tue, Nov 19 2019 7:05 AM EST", "Jane Marlow@janemarlow"], ("Jane Marlow",), None),
        (["Jane Marlow @JaneMarlowNews", "Nov 19, 2019"], ("Jane Marlow",), None),
        (["November 20, 2019 Jane Marlow"], ("Jane Marlow",), None),
        (["Jane Marlow | 20/11/2019"], ("Jane Marlow",), None),
        (["Updated Nov 20, 2019"], (), None),  # a label beside the date is no name
        (
            ["By JANE MARLOW and ANN LEE", "Associated Press", "Nov 19, 2019"],
            ("Jane Marlow", "Ann Lee"),
            "Associated Press",
        ),
    ],
)
def test_labels_handles_and_an_agency_line_under_a_byline(
    lines: list[str], authors: tuple[str, ...], org: str | None
) -> None:
    byline, _ = read_header(lines)
    assert (byline.authors, byline.org) == (authors, org)


def test_an_agency_on_the_line_under_the_byline_is_its_organisation() -> None:
    text = dump("Harbour channel to be dredged for larger ships", "By JANE MARLOW", "Associated Press", *BODY)
    article = extract_text(text, "a.txt")[0]
    assert (article.authors, article.author_org) == (("Jane Marlow",), "Associated Press")


def test_a_headline_with_a_marked_byline_under_it_wins_over_a_credit_above_a_role() -> None:
    assert_headline_and_author(
        "By Jane Marlow",
        "November 15, 2019",
        "The plan ends a decade of delays.",
        "Studio Nord for the Harbour Gazette",
        "Jane Marlow",
        "Contributing Writer",
        "November 15, 2019",
    )


def test_by_inside_a_headline_is_no_byline() -> None:
    assert header_lines(["Bus hit by falling tree in storm", "Photo by Ann Lee"]) == [False, False]


def test_copyright_holder_named_elsewhere_on_the_page_is_the_publisher() -> None:
    text = dump(
        "Harbour Gazette",
        "Harbour channel to be dredged for larger ships",
        *BODY,
        "© 2021 Harbour Gazette Media LLC. All rights reserved.",
    )
    assert extract_text(text, "a.txt")[0].source == "Harbour Gazette"


def test_a_dated_credit_line_without_a_name_leaves_the_copyright_holder_as_publisher() -> None:
    text = dump(
        "Harbour Gazette",
        "Harbour channel to be dredged for larger ships",
        *BODY,
        "Published on 11 July 2023",
        *TEASERS,
        "© 2023 Harbour Gazette, a part of the Seaside Network",
    )
    article = extract_text(text, "a.txt")[0]
    assert (article.source, article.published) == ("Harbour Gazette", date(2023, 7, 11))


def test_a_companys_brand_keeps_the_article_the_page_writes_it_with() -> None:
    # "© Telegraph Media Group Limited" on a page saying "Follow The Telegraph"
    lines = ["Harbour Gazette", "Follow The Harbour Gazette", "© 2019 Harbour Gazette Media Group Limited"]
    assert copyright_holder(lines) == "The Harbour Gazette"
    # a holder named without company words is cited as the notice writes it
    assert copyright_holder(["The Harbour Gazette", "© 2019 Harbour Gazette"]) != "The Harbour Gazette"


def test_a_holding_company_named_by_its_initials_credits_the_masthead_they_spell() -> None:
    # "© NYP Holdings" on the New York Post: the initials of a masthead line of the page
    lines = [
        "Skip to main content",
        "The Harbour Evening Post",
        "Ferries",
        "© 2019 HEP Holdings, Inc. All rights reserved",
    ]
    assert copyright_holder(lines) == "The Harbour Evening Post"
    # a company's initials no line spells out: a parent company, no publisher
    assert (
        copyright_holder(["Harbour Post", "Ferries", "© 2019 HEP Holdings, Inc. All rights reserved"]) is None
    )
    # initials the page also uses on their own are the site's name as it writes it
    assert (
        copyright_holder(["HEP", "Harbour Evening Post", "HEP sport", "© 2019 HEP. All rights reserved"])
        == "HEP"
    )


def test_parent_company_or_agency_credit_in_the_copyright_line_is_no_publisher() -> None:
    assert (
        copyright_holder(["Gazette", "News", "© Copyright Seaside Holdings Inc.", "Seaside Holdings © 2021"])
        is None
    )
    assert (
        copyright_holder(["BERGEN (Nordic Wire) — Ferries", "© 2023 Nordic Wire. All rights reserved."])
        is None
    )
    assert copyright_holder(["Harbour Gazette", "© Ann Lee/Harbour Gazette"]) is None


@pytest.mark.parametrize(
    ("lines", "holder"),
    [
        # named only in the footer notice, which names no company: the site's own name
        (["Harbour", "© 2019 Harbour Gazette - All rights reserved"], "Harbour Gazette"),
        (["Harbour", "Copyright 2019. Harbour Gazette. All Rights Reserved."], "Harbour Gazette"),
        (["Harbour", "© 2005 - 2019 Harbour Gazette"], "Harbour Gazette"),
        (["Harbour", "© harbour-gazette.com, 2008"], "harbour-gazette.com"),
        # the sign opening a sentence of the line; the holder's corporate words dropped
        (
            ["Harbour Gazette", "This material may not be republished. ©2019 Harbour Gazette Network, LLC."],
            "Harbour Gazette",
        ),
        (["Harbour Gazette", "© 1995 - 2019 by Harbour Gazette Media Group Inc."], "Harbour Gazette"),
        # a parent company: the site named beside it is the publisher, a company named nowhere else none
        (
            [
                "Harbour Gazette is part of Seaside Holdings Inc, a media group.",
                "© Seaside Holdings, Inc. 1 Quay St.",
            ],
            "Harbour Gazette",
        ),
        # said in the notice's own line, before its sign, of the parent's group or network
        (
            ["Harbour", "Harbour Gazette is part of the Seaside Beauty Group. © 2020 Seaside Corporation."],
            "Harbour Gazette",
        ),
        (
            ["Harbour", "harbour gazette is a Seaside Media Network. © 2020 Seaside Media, LLC."],
            "harbour gazette",
        ),
        (["Harbour", "© 2019 Seaside Holdings, Inc. All rights reserved."], None),
        (["Harbour", "© 2019 Seaside Trust, a nonprofit organization. All rights reserved."], None),
        (["Harbour", "© Jane Marlow"], None),  # a picture's credit, no footer notice
        (["Harbour", "© All rights reserved | Terms"], None),
        # a page calling itself by the holder's initials; a masthead line keeps the full name
        (["HGN", "© 2019 Harbour Gazette Network, Inc. All Rights Reserved."], "HGN"),
        (["Harbour Gazette Network", "HGN", "© 2019 Harbour Gazette Network, Inc."], "Harbour Gazette"),
        # a legal form written in abbreviations, an initial's full stop: part of the name, not its end
        (["Harbour Sailing Club e. V.", "© 2021 Harbour Sailing Club e. V."], "Harbour Sailing Club"),
        (["Harbour Sailing Club", "© Harbour Sailing Club e.V."], "Harbour Sailing Club"),
        (["A. & B. Marlow Surveyors", "© 2019 A. & B. Marlow Surveyors"], "A. & B. Marlow Surveyors"),
        # a version number after the name; sentences glued together; the words before the name
        (["Harbour Gazette", "© 2019 Harbour Gazette 2.6411"], "Harbour Gazette"),
        (["HGN", "© 2021 Harbour Gazette Network.A Seaside Company.All Rights Reserved."], "HGN"),
        (
            ["harbour-gazette.com", "© 2015 Copyright by harbour-gazette.com. All rights reserved."],
            "harbour-gazette.com",
        ),
    ],
)
def test_copyright_holder_forms(lines: list[str], holder: str | None) -> None:
    assert copyright_holder(lines) == holder


@pytest.mark.parametrize(
    "notice",
    [
        "© Harbour Medien AG «Harbour Gazette» | Hafenstrasse 3 | 4450 Sissach",
        'Copyright ©2019 Harbour Newspapers Ltd. "Harbour Gazette" is a registered trademark. All rights reserved.',
    ],
)
def test_a_notice_naming_its_publication_in_quotes_names_the_publisher(notice: str) -> None:
    # the company holds the rights, the name in quotes is the publication readers cite
    assert copyright_holder(["Menu", "Ferries", notice]) == "Harbour Gazette"
    assert list(copyright_holders(notice, anywhere=True)) == ["Harbour Gazette"]


def test_a_quoted_phrase_is_no_publication_without_a_company_or_a_trademark() -> None:
    # quotes in an ordinary notice or after a legal form alone name no publication
    assert copyright_holder(["Menu", '© 2019 Ann Lee: "Harbour at dawn"']) is None
    assert copyright_holder(["Menu", "Copyright (c) OOO «Harbour», 2019."]) != "Harbour"


def test_a_notice_inside_a_line_counts_only_in_page_text() -> None:
    # Given a footer line with words before the sign, as HTML pages and prose both have
    text = "Menu\nAbout us © 2024 新华网\nWe quote © 2019 rulings in prose"
    # Then plain text reads no notice there; an HTML page's text reads both
    assert list(copyright_holders(text)) == []
    assert list(copyright_holders(text, anywhere=True)) == ["新华网", "rulings in prose"]


@pytest.mark.parametrize(
    ("line", "holder"),
    [
        # the rights-reserved words of a language opening the notice before the sign or a colon
        ("版权所有 © 2024 滨海日报社 京ICP备12345678号", "滨海日报社"),
        ("版權所有：海港時報 Copyright © 2024", "海港時報"),
        ("สงวนลิขสิทธิ์ © 2567 ข่าวชายฝั่ง", "ข่าวชายฝั่ง"),
        ("저작권자 © 한빛일보 무단전재 및 재배포 금지", "한빛일보"),
        # the holder ends where the rights-reserved words or a licence number begin
        ("© 2024 滨海日报社 版权所有 京公网安备11010502000001号", "滨海日报社"),
        ("Copyright © 2024 滨海日报社 京ICP备12345678号-1", "滨海日报社"),
        ("Copyright © 2024 朝日港新聞社 無断転載を禁じます", "朝日港新聞社"),
        ("© 2567 ข่าวชายฝั่ง สงวนลิขสิทธิ์", "ข่าวชายฝั่ง"),
        ("关于我们 | 版权所有 © 2024 滨海日报社", "滨海日报社"),  # a footer's items apart by bars
    ],
)
def test_cjk_and_thai_notices_name_their_holder_in_plain_text(line: str, holder: str) -> None:
    assert list(copyright_holders(line)) == [holder]
    assert copyright_holder(["滨海", line]) == holder


@pytest.mark.parametrize(
    "notice",
    [
        "COPYRİGHT 2024 Liman Gazetesi. Tüm hakları saklıdır.",  # Turkish capitals
        "Copyrıght 2024 Liman Gazetesi",  # a dotless i
        "Ⓒ 2024 Liman Gazetesi",
    ],
)
def test_a_notice_sign_in_any_letter_case_names_the_holder(notice: str) -> None:
    assert copyright_holder(["Liman Gazetesi", "Menü", notice]) == "Liman Gazetesi"


def test_a_copyright_word_in_prose_is_no_notice() -> None:
    # "copyright" as a word of a sentence, with no sign and no colon after it
    assert list(copyright_holders("著作権の侵害について裁判所は判断を示した")) == []
    assert list(copyright_holders("版权所有者可以要求平台删除侵权内容", anywhere=True)) == []


def test_every_notice_of_a_page_is_read_up_to_its_holders_end() -> None:
    text = "© 2019 The Detroit News, a part of the USA TODAY Network\nAbout\nCopyright 2020 by Example"
    assert list(copyright_holders(text)) == ["The Detroit News", "by Example"]


def test_a_name_with_a_role_is_a_byline_and_a_caption_is_no_headline() -> None:
    text = dump(
        "Harbour channel to be dredged for larger ships",
        "Jane Marlow Senior Contributor",
        "Share to facebook", "Share to twitter", "Share to linkedin",
        "Will the channel be deep enough? (Photo: Ann Lee)",
        *BODY,
    )  # fmt: skip
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.authors == ("Jane Marlow",)


@pytest.mark.parametrize("byline", ["Jane Marlow Education editor", "Jane Marlow Science correspondent"])
def test_a_name_with_a_desk_and_a_role_in_lower_case_is_a_byline_not_the_headline(byline: str) -> None:
    text = dump(
        "Harbour channel to be dredged for larger ships",
        "Report says larger ships will reach the port from next spring once the work on the channel is done",
        byline,
        "Mon 20 Jan 2020 06.05 GMT",
        "Share on Facebook", "Share on Twitter",
        *BODY,
    )  # fmt: skip
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.authors == ("Jane Marlow",)


def test_credit_lines_next_to_a_date_are_bylines_and_picture_credits_are_not() -> None:
    lines = [
        "Harbour Gazette wire services",
        "Published 11:11 PM EST Nov 19, 2019",
        "The dredger Marlin at the northern quay",
        "Ann Lee, Associated Press",
    ]
    assert header_lines(lines) == [True, True, False, False]
    assert read_header(lines)[0].org == "Harbour Gazette wire services"
    assert header_lines(["Jane Marlow and Peter Quill, Associated Press", "1 hour ago"]) == [True, True]
    assert read_header(["Jane Marlow and Peter Quill, Associated Press", "Today 9:15 AM"])[0].authors == (
        "Jane Marlow",
        "Peter Quill",
    )


def test_labels_on_their_own_line_mark_the_next_line_as_header() -> None:
    assert header_lines(["Author:", "The Harbour Desk", "Publish date:", "Nov 18, 2019"]) == [True] * 4


def test_a_marked_byline_wins_over_a_name_shaped_line_and_a_date_above_the_headline_counts() -> None:
    byline, published = read_header(
        ["Previous Post", "Next Post", "October 9, 2018 | by Jane Marlow"], above=["Home"]
    )
    assert byline.authors == ("Jane Marlow",)
    assert published == date(2018, 10, 9)
    assert read_header(["By Jane Marlow"], above=["Nov. 20, 2019 5:52 AM EST", "News"])[1] == date(
        2019, 11, 20
    )


@pytest.mark.parametrize(
    ("standfirst", "byline", "published"),
    [
        ("The plan ends a decade of delays.", "Posted by Jane Marlow on March 3, 2021", date(2021, 3, 3)),
        # a standfirst long enough to read as the first paragraph, the date line under the byline
        (
            "THE harbour authority has approved a plan to deepen the northern channel for the largest cargo ships.",
            "By Jane Marlow\nPUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",
            date(2019, 11, 19),
        ),
    ],
)
def test_byline_and_date_under_a_standfirst_are_read(standfirst: str, byline: str, published: date) -> None:
    text = dump("Harbour channel to be dredged for larger ships", standfirst, byline, *BODY)
    article = extract_text(text, "a.txt")[0]
    assert article.authors == ("Jane Marlow",)
    assert article.published == published


def test_a_long_published_line_is_header_not_headline() -> None:
    line = "Published Tue, Nov 19 20197:05 AM ESTUpdated Tue, Nov 19 20197:16 AM EST"
    assert header_lines([line]) == [True]
    text = dump("Harbour channel to be dredged for larger ships", line, *BODY)
    assert extract_text(text, "a.txt")[0].title == "Harbour channel to be dredged for larger ships"


def test_a_photo_credit_with_a_copyright_sign_is_never_the_headline() -> None:
    text = dump(
        "Harbour channel to be dredged for larger ships", "© Ann Lee Photography", "12 May 2023", *BODY
    )
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.published == date(2023, 5, 12)


def test_a_blog_themes_post_author_label_is_a_byline_not_the_headline() -> None:
    assert_headline_and_author("Post author By Jane Marlow", "Post date May 12, 2023", "1 Comment on it")


def test_a_two_word_headline_right_above_the_body_is_the_title() -> None:
    article = extract_text(dump("Home", "Blog", "Contact", "Harbour dredging", *BODY), "a.txt")[0]
    assert article.title == "Harbour dredging"
    assert article.body.startswith("The harbour authority")
    # a longer headline-like block before the body is the headline, not the two-word one
    longer = dump("Harbour channel to be dredged", "Harbour dredging", *BODY)
    assert extract_text(longer, "a.txt")[0].title == "Harbour channel to be dredged"


def test_a_headline_under_a_section_label_and_its_date_line_is_the_title() -> None:
    text = dump(
        "Home", "Harbour and Coast", "12 May 2023", "Harbour channel to be dredged for larger ships", *BODY
    )
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert article.published == date(2023, 5, 12)


def test_the_headline_a_breadcrumb_ends_with_wins_over_a_longer_teaser() -> None:
    teaser = "Read our guide to the best walks along the northern coast this winter"
    text = dump("Home » Harbour » Channel to be dredged", "Channel to be dredged", teaser, *BODY)
    assert extract_text(text, "a.txt")[0].title == "Channel to be dredged"
    # without the breadcrumb, the longer headline-like block is taken
    assert extract_text(dump("Channel to be dredged", teaser, *BODY), "a.txt")[0].title == teaser


@pytest.mark.parametrize(
    ("line", "end"),
    [
        ("You are here: Home » Harbour » Channel to be dredged", "Channel to be dredged"),
        ("News | World | Europe", "Europe"),
        ("Milan Design Week 2018 | A light installation for a showroom", None),
        ("Channel to be dredged", None),
    ],
)
def test_a_breadcrumbs_end_is_its_last_item(line: str, end: str | None) -> None:
    assert breadcrumb_end(line) == end


def test_a_headline_with_a_kicker_before_a_dash_is_no_dateline() -> None:
    headline = "Harbour – Channel to be dredged for larger ships"
    text = dump("Home", "News", headline, "12 May 2023", *BODY)
    assert extract_text(text, "a.txt")[0].title == headline
    # a dateline in capitals before the dash opens a paragraph, never a headline
    wire = "LAKESIDE – Channel to be dredged for larger ships"
    assert extract_text(dump("Home", "News", wire, "12 May 2023", *BODY), "a.txt")[0].title != wire


ZH_HEADLINE = "北京市发布新的空气质量管理规定"
ZH_BODY = [
    "北京市政府今天发布了新的空气质量管理规定，要求所有工厂在冬季减少排放。该规定将于下个月生效，违反规定的企业将被处以罚款。",
    "市环保局表示，新规定是根据过去五年的监测数据制定的，目的是在冬季供暖期间改善空气质量，保护市民健康。",
    "专家认为，这项规定将对本市的工业企业产生较大影响，但从长远来看有利于城市的可持续发展。",
]


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        (["来源：新华社 作者：李明", "2019年06月20日 10:15"], ("李明",)),
        (["2019年06月20日 10:15　来源：人民网　作者：李明、王芳"], ("李明", "王芳")),
        (["发布时间：2019-06-20 10:15:00 来源：人民网 编辑：王五"], ()),
        (["来源：人民网", "作者：李明", "发布时间：2019年06月20日"], ("李明",)),
        (["半月谈记者 史卫燕", "2019-06-20"], ("史卫燕",)),
        (["文/张三", "2019年06月20日"], ("张三",)),
        (["2019年06月20日", "编辑部"], ()),
    ],
)
def test_cjk_header_lines_of_labels_are_the_header(header: list[str], authors: tuple[str, ...]) -> None:
    # labels with a full-width colon, several to a line: the byline and date, not the headline
    # nor the body
    article = extract_text(dump("首页", "新闻", ZH_HEADLINE, *header, *ZH_BODY), "zh.txt")[0]
    assert article.title == ZH_HEADLINE
    assert article.published == date(2019, 6, 20)
    assert article.authors == authors
    assert article.body.split("\n\n") == ZH_BODY


JA_HEADLINE = "港湾都市で新しい防災計画を発表"
JA_BODY = [
    "市は五日、大規模な地震や津波に備えた新しい防災計画を発表した。避難所の数を増やし、情報の伝え方も見直す。",
    "計画では、沿岸部の住民が素早く高台へ避難できるよう、避難路の整備を来年度から進めるとしている。",
    "専門家は、計画の実効性を高めるには住民の参加する訓練を重ねることが欠かせないと指摘している。",
]
KO_HEADLINE = "항구도시, 새 방재 계획 발표"
KO_BODY = [
    "시는 5일 대규모 지진과 해일에 대비한 새 방재 계획을 발표했다. 대피소를 늘리고 정보 전달 방식도 바꾼다.",
    "계획에 따르면 해안 지역 주민들이 빠르게 높은 곳으로 대피할 수 있도록 내년부터 대피로를 정비한다.",
    "전문가들은 계획의 실효성을 높이려면 주민이 참여하는 훈련을 거듭하는 것이 필수적이라고 지적했다.",
]


@pytest.mark.parametrize(
    ("headline", "byline", "body", "authors"),
    [
        # a writer's credit without a colon: the label before the names, a full-width slash
        (ZH_HEADLINE, "文／王小明", ZH_BODY, ("王小明",)),
        (ZH_HEADLINE, "本报记者 王小明 李华", ZH_BODY, ("王小明", "李华")),
        # the reporter's word after the name, the name alone in brackets
        (JA_HEADLINE, "山田太郎記者", JA_BODY, ("山田太郎",)),
        (JA_HEADLINE, "（山田太郎）", JA_BODY, ("山田太郎",)),
        (KO_HEADLINE, "홍길동 기자", KO_BODY, ("홍길동",)),
        (KO_HEADLINE, "홍길동 기자 hong@example.co.kr", KO_BODY, ("홍길동",)),
    ],
)
def test_a_cjk_byline_without_a_colon_names_the_author(
    headline: str, byline: str, body: list[str], authors: tuple[str, ...]
) -> None:
    article = extract_text(dump("首页", headline, byline, "2019年06月20日", *body), "cjk.txt")[0]
    assert article.title == headline
    assert article.authors == authors
    assert article.body.split("\n\n") == body


@pytest.mark.parametrize(
    "line",
    [
        "原文：北京市政府今天发布了新的规定",  # "文：" inside a word is no label
        "北京市发布新的空气质量管理规定",
        "新华社记者 近日走访了北京市的多家工厂",  # a sentence after "记者", no names
        "专家认为，这项规定将对本市的工业企业产生较大影响 来源：人民网",  # text before the labels
        "Source: Reuters",
        "（新华社）",  # an agency's credit in brackets, no person
        "（下）",
        "韓国の記者",  # "reporter" ending a phrase, no name before it
    ],
)
def test_other_lines_are_no_cjk_header_line(line: str) -> None:
    assert cjk_credit(line) is None


@pytest.mark.parametrize(
    "paragraph",
    [
        "2019年6月19日，北京市政府发布了新的空气质量管理规定，要求所有工厂在冬季减少排放。该规定将于下个月生效。",
        "2019年6月19日、北京市政府は新たな大気質管理規定を発表し、すべての工場に冬季の排出削減を求めた。規定は来月施行される。",
    ],
)
def test_a_cjk_paragraph_opening_with_a_date_is_no_header_line(paragraph: str) -> None:
    # as long as a paragraph in words (two CJK characters a word), though written without spaces
    assert header_lines([paragraph]) == [False]
    assert not is_header_line(paragraph)
    assert read_header([paragraph]) == read_header([])


def test_a_korean_dateline_names_the_reporter_when_the_header_does_not() -> None:
    dump = (
        "정부, 새 주택 공급 대책 발표\n\n"
        "(서울=연합뉴스) 홍길동 기자 = 정부는 5일 수도권에 주택 10만 가구를 추가로 공급하는 새 대책을 발표했다.\n\n"
        "국토교통부는 이번 대책으로 집값 안정에 기여할 것으로 기대한다고 밝혔다. 공급은 내년부터 이뤄진다.\n\n"
        "전문가들은 공급 확대가 필요하다는 데 동의하면서도 실제 효과는 지켜봐야 한다는 입장이다.\n"
    )
    [article] = extract_text(dump, "a.txt")
    assert article.authors == ("홍길동",)
    assert article.place == "서울"


def test_a_headline_sharing_words_with_the_lead_wins_over_a_dated_teaser_sharing_none() -> None:
    # a related story's teaser with its date line sits between the headline and the article
    text = dump(
        "Home", "News",
        "Harbour channel to be dredged for larger ships",
        "Facebook", "Twitter",
        "Related", TEASERS[0], "November 18, 2019",
        *BODY,
    )  # fmt: skip
    assert extract_text(text, "a.txt")[0].title == "Harbour channel to be dredged for larger ships"


def test_a_dated_headline_sharing_a_word_with_the_lead_stays_the_title() -> None:
    # a teaser higher up shares more of the lead's words, but the headline names the article too
    text = dump(
        "Home", "News",
        "Larger cargo ships to dock at the northern port",
        "Facebook", "Twitter",
        "Dredging plan for the harbour approved after a long debate", "November 18, 2019",
        *BODY,
    )  # fmt: skip
    assert (
        extract_text(text, "a.txt")[0].title == "Dredging plan for the harbour approved after a long debate"
    )


def test_a_long_headline_sharing_the_leads_words_keeps_the_title_from_a_label_above_it() -> None:
    # a long headline in sentence case reads as a standfirst, but the categories above it name
    # nothing the article is about, so they are no headline over it
    headline = (
        "Harbour authority approves a plan to dredge the northern channel so that larger cargo ships "
        "can dock at the port"
    )
    text = dump("Home", "Reports, Shipping, Events", headline, "November 18, 2019", *BODY)
    assert extract_text(text, "a.txt")[0].title == headline


@pytest.mark.parametrize(
    "headline",
    [
        "Dredging at last? Harbour plan approved for larger ships",
        "¡Por fin! Harbour plan approved for larger ships",
    ],
)
def test_a_question_or_cry_inside_a_headline_keeps_it_one(headline: str) -> None:
    # a headline asks or exclaims in its first part; only a full stop inside ends a sentence there
    text = dump("Home", "Harbour news and notices", headline, "November 18, 2019", *BODY)
    assert extract_text(text, "a.txt")[0].title == headline


def test_a_full_stop_inside_a_block_still_makes_two_sentences() -> None:
    text = dump(
        "Home", "Harbour news and notices",
        "Harbour plan approved. Larger ships to dock next year", "November 18, 2019",
        *BODY,
    )  # fmt: skip
    assert extract_text(text, "a.txt")[0].title == "Harbour news and notices"


@pytest.mark.parametrize(
    "meta",
    [
        "19.6.2007 9:40 Uhr Jane Marlow 71 Kommentare",
        "23.06.2016 um 16:14 Uhr - Jane Marlow - 91 Ergänzungen",
        "September 17, 2019 Jane Marlow 0",
        "Jane Marlow , 01. Dez. 2017, 12:01 Uhr 3 min Lesezeit",
        "21. Jan 2022 // Jane Marlow",
        "Jane Marlow jane.marlow@example.org | 22 April 2022",
    ],
)
def test_a_post_meta_line_names_the_author_beside_its_date_time_and_count(meta: str) -> None:
    assert_headline_and_author(meta)


def test_a_post_meta_line_with_two_names_beside_its_date_names_nobody() -> None:
    article = extract_text(
        dump(
            "Harbour channel to be dredged for larger ships", "May 3, 2021 | Jane Marlow | Peter Quill", *BODY
        ),
        "a.txt",
    )[0]
    assert article.authors == ()


@pytest.mark.parametrize(
    "byline",
    ["By Jane Marlow on May 3, 2021", "Posted by Jane Marlow at 10:00", "Von Jane Marlow in Politik"],
)
def test_a_dumps_byline_name_ends_at_a_lower_case_word(byline: str) -> None:
    assert_headline_and_author(byline)


def test_a_name_particle_is_no_end_of_the_name() -> None:
    article = extract_text(
        dump("Harbour channel to be dredged for larger ships", "By Justus von Daniels on May 3, 2021", *BODY),
        "a.txt",
    )[0]
    assert article.authors == ("Justus von Daniels",)


def test_the_date_line_nearest_above_the_body_dates_the_article_when_nothing_else_does() -> None:
    text = dump(
        "Harbour Gazette",
        "Tuesday, 28 April 2020",
        "Sign in",
        "Advertisement",
        "Share on Facebook",
        "Share on Twitter",
        "Listen to this article",
        *BODY,
    )
    assert extract_text(text, "a.txt")[0].published == date(2020, 4, 28)


def test_a_marked_byline_right_above_the_headline_names_the_author() -> None:
    text = dump(
        "Home",
        "Reviews",
        "By Jane Marlow 6. November 2023",
        "Harbour channel to be dredged for larger ships",
        *BODY,
    )
    article = extract_text(text, "a.txt")[0]
    assert (article.title, article.authors) == (
        "Harbour channel to be dredged for larger ships",
        ("Jane Marlow",),
    )


@pytest.mark.parametrize(
    "notice",
    [
        "We use cookies to give you the best experience on our website. By continuing to browse "
        "the site you agree to our use of cookies.",
        "Nous utilisons des cookies pour améliorer l'offre que nous vous proposons. Vous trouverez "
        "davantage d'informations dans la déclaration sur la protection des données.",
        "Mit einem Konto haben Sie immer alles im Überblick und können sich Ihren individuellen "
        "Newsletter zusammenstellen.",
        # a pitch naming where the mail goes, not the word newsletter
        "Stay on top of the most important harbour news each day, delivered free, direct to your inbox.",
    ],
)
def test_a_consent_or_newsletter_notice_is_not_where_the_article_starts(notice: str) -> None:
    text = dump(
        notice,
        "OK", "More information",
        "Home", "News", "Harbour", "Sport", "Weather", *TEASERS,
        "Harbour channel to be dredged for larger ships",
        "Harbour",
        *BODY,
    )  # fmt: skip
    article = extract_text(text, "a.txt")[0]
    assert article.title == "Harbour channel to be dredged for larger ships"
    assert notice not in article.body


HEADLINE = "Channel to be dredged for larger ships"


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a breadcrumb's items run into the headline, shown alone under it
        ([f"Local News Harbour {HEADLINE}", "12 May 2023", HEADLINE], HEADLINE),
        # a kicker run into the headline, shown alone above it
        ([HEADLINE, f"Harbour works: {HEADLINE}", "12 May 2023"], HEADLINE),
        # a rest of a section label's length is the section's name the headline opens with
        (["Travel advice", "Lakeside: Travel advice", "12 May 2023"], "Lakeside: Travel advice"),
        # a rest opening in lower case is a site's tagline the headline ends with
        (["of the Lakeside harbour", f"{HEADLINE} of the Lakeside harbour", "12 May 2023"],
         f"{HEADLINE} of the Lakeside harbour"),
    ],
)  # fmt: skip
def test_a_kicker_or_breadcrumb_run_into_the_headline_is_left_out(lines: list[str], title: str) -> None:
    assert extract_text(dump("Home", "News", *lines, *BODY), "a.txt")[0].title == title


@pytest.mark.parametrize(
    ("written", "publisher"),
    [
        # a CJK company's legal form and corporate word, ending or opening the name, spaced or not
        ("滨海日报有限公司", "滨海日报"),
        ("滨海传媒集团股份有限公司", "滨海传媒"),
        ("海港時報集團", "海港時報"),
        ("株式会社朝日港新聞社", "朝日港新聞社"),
        ("朝日港新聞社（株）", "朝日港新聞社"),
        ("(주)한빛일보", "한빛일보"),
        ("한빛일보 주식회사", "한빛일보"),
        # a name that is nothing but a legal form keeps it: never an empty name
        ("株式会社", "株式会社"),
    ],
)
def test_a_cjk_copyright_holders_legal_form_is_dropped(written: str, publisher: str) -> None:
    assert copyright_holder([publisher, f"© 2024 {written} 版权所有"]) == publisher


@pytest.mark.parametrize(
    ("headline", "body", "credit", "authors"),
    [
        # a name alone in brackets (three or four characters), a reporter's credit in brackets
        (JA_HEADLINE, JA_BODY, "（山田太郎）", ("山田太郎",)),
        (ZH_HEADLINE, ZH_BODY, "（记者 王小明）", ("王小明",)),
        (ZH_HEADLINE, ZH_BODY, "(记者 王小明 李华)", ("王小明", "李华")),
        # an agency's credit, a part's number: no person
        (ZH_HEADLINE, ZH_BODY, "（新华社）", ()),
        (ZH_HEADLINE, ZH_BODY, "（下）", ()),
    ],
)
def test_a_cjk_credit_in_brackets_closing_the_article_names_the_author(
    headline: str, body: list[str], credit: str, authors: tuple[str, ...]
) -> None:
    article = extract_text(dump("首页", headline, "2019年06月20日", *body, credit), "cjk.txt")[0]
    assert article.authors == authors


def test_a_header_byline_wins_over_a_credit_closing_the_article() -> None:
    text = dump("首页", ZH_HEADLINE, "文／李华", "2019年06月20日", *ZH_BODY, "（记者 王小明）")
    assert extract_text(text, "zh.txt")[0].authors == ("李华",)

"""Plain-text dumps: headline, credit line, dateline, byline, page furniture."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.cleaning import text
from archive_search.cleaning.lines import LineStats
from archive_search.cleaning.metadata import metadata_words
from archive_search.cleaning.text import extract_text, is_furniture, split_blocks
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

P1 = (
    "LONDON: The city council voted on Thursday to extend the night bus network to the eastern "
    "suburbs, a decision campaigners had sought for almost a decade."
)
P2 = (
    "The new routes will run every twenty minutes between midnight and five in the morning, "
    "the transport committee said in a statement after the vote."
)
P3 = "Opposition members said the plan was welcome but asked how it would be paid for in the next budget."


def page(*blocks: str) -> str:
    return "\n".join(blocks) + "\n"


def test_blocks_are_lines_with_whitespace_collapsed() -> None:
    assert split_blocks("  a \t b  \n\n\n c\u00a0d \n") == ["a b", "c d"]


@pytest.mark.parametrize(
    "line",
    [
        "Read More: Wanted commander killed in raid",
        "Also read: Council approves funding for three new schools",
        "READ MORE » Storm closes harbour",
        "Related: Ferry strike enters second week",
        "Most Popular",
        "Most read",
        "To Top",
        "Back to top",
        "Share this article",
        "Share",
        "Follow us on Twitter",
        "Advertisement",
    ],
)
def test_related_links_widgets_and_share_prompts_are_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Readers shared their memories of the flood with the museum.",
        "Most of the residents had left before the storm arrived.",
        "To the surprise of many, the mayor resigned.",
    ],
)
def test_sentences_that_start_like_furniture_are_kept(line: str) -> None:
    assert not is_furniture(line)


def test_headline_repeated_as_next_line_is_kept_once() -> None:
    headline = "Night buses to reach the eastern suburbs"

    [article] = extract_text(page(headline, headline, P1, P2, P3), "a.txt")

    assert article.title == headline
    assert headline not in article.body
    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    "heading",
    [
        "You may also like",
        "You might also enjoy:",
        "Você pode gostar...",
        "Vous aimerez aussi",
        "Das könnte Sie auch interessieren",
        "También te puede interesar",
        "Ti potrebbe interessare",
    ],
)
def test_a_you_may_also_like_list_longer_than_the_article_is_not_body(heading: str) -> None:
    # teaser cards, each under its date: no run of prose longer than the article
    teasers = [line for teaser in (*COMMENTS, P3 + " " + P3) for line in ("12 March 2024", teaser)]
    text = page("Night buses to reach the eastern suburbs", P1, P2, heading, *teasers)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2]


@pytest.mark.parametrize(
    ("credit", "source", "published"),
    [
        ("Published in Dawn, April 12th, 2023", "Dawn", date(2023, 4, 12)),
        ("First published in The Harbour Gazette, 3 May 2021", "The Harbour Gazette", date(2021, 5, 3)),
        ("Published in the Valmont Post on September 5, 2022", "Valmont Post", date(2022, 9, 5)),
    ],
)
def test_credit_line_gives_source_and_date_and_is_not_body(credit: str, source: str, published: date) -> None:
    [article] = extract_text(page("Night buses to reach the suburbs", P1, P2, P3, credit), "a.txt")

    assert article.source == source
    assert article.published == published
    assert "Published" not in article.body


def test_everything_after_the_credit_line_is_dropped_and_gives_no_date() -> None:
    teasers = [
        "Opinion",
        "Harbour dredging plan",
        "Updated 29 May, 2024",
        "The plan to dredge the harbour raises more questions than it answers for the port.",
        "Budget gap",
        "28 May, 2024",
    ]
    text = page(
        "Night buses to reach the suburbs", P1, P2, P3, "Published in Dawn, April 12th, 2023", *teasers
    )

    [article] = extract_text(text, "a.txt")

    assert article.published == date(2023, 4, 12)
    for teaser in teasers:
        assert teaser not in article.body


def test_text_without_credit_line_has_no_source_or_date() -> None:
    [article] = extract_text(page("Night buses to reach the suburbs", P1, P2, P3), "a.txt")

    assert article.source is None
    assert article.published is None


def test_dateline_gives_the_place_in_a_readable_form() -> None:
    [article] = extract_text(page("Night buses to reach the suburbs", P1, P2), "a.txt")

    assert article.place == "London"
    assert article.body.startswith("LONDON: The city council")


def test_title_comes_after_site_name_and_menu_and_byline_gives_the_author() -> None:
    text = page(
        "The Valmont Post",
        "Home | News | Sport | Weather",
        "Subscribe",
        "Night buses to reach the eastern suburbs",
        "By Jane Doe",
        "12 March 2024",
        P1,
        P2,
        P3,
    )

    [article] = extract_text(text, "a.txt")

    assert article.title == "Night buses to reach the eastern suburbs"
    assert article.authors == ("Jane Doe",)
    assert article.published == date(2024, 3, 12)
    assert article.body.split("\n\n") == [P1, P2, P3]


def test_without_a_headline_the_title_is_the_first_sentence_without_dateline() -> None:
    [article] = extract_text(page(P1, P2, P3), "a.txt")

    assert article.title.startswith("The city council voted on Thursday")
    assert article.body.split("\n\n") == [P1, P2, P3]


def test_text_with_only_furniture_is_rejected() -> None:
    with pytest.raises(RejectedInput) as exc:
        extract_text(page("Most Popular", "To Top", "Share", "Read More: x y z"), "a.txt")
    assert exc.value.reason == "no_article_text"


def test_publisher_and_date_line_under_the_headline_give_source_and_date() -> None:
    text = page(
        "Night buses to reach the eastern suburbs", "By Jane Doe", "Valley Herald | 2 June 2023", P1, P2
    )

    [article] = extract_text(text, "a.txt")

    assert article.source == "Valley Herald"
    assert article.published == date(2023, 6, 2)
    assert article.authors == ("Jane Doe",)
    assert "Valley Herald" not in article.body


def test_a_phrase_beside_the_date_line_is_no_publisher() -> None:
    text = page(
        "Night buses to reach the eastern suburbs",
        "By Jane Doe",
        "2 June 2023 · Filed under city life",
        P1,
        P2,
    )

    [article] = extract_text(text, "a.txt")

    assert article.source is None
    assert article.published == date(2023, 6, 2)


def test_comment_thread_after_a_comments_heading_is_not_body() -> None:
    comments = [
        "Great article, I have taken the night bus for years and it is always late after midnight.",
        "Posted by Sam on 12 March 2024 at 10:15 pm",
        "The council should have done this a decade ago instead of spending money on the stadium.",
    ]
    text = page("Night buses to reach the eastern suburbs", P1, P2, P3, "3 Comments", *comments)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


COMMENTS = [
    "Great article, I have taken the night bus for years and it is always late after midnight, "
    "so I hope the new timetable is kept and the drivers are paid properly for the extra hours.",
    "The council should have done this a decade ago instead of spending the money on the stadium "
    "that nobody uses, and the eastern suburbs have waited long enough for a decent service.",
    "Does anyone know whether the routes will also stop at the hospital, which is where most of "
    "the night shift workers in this part of the city need to be before six in the morning?",
]


def test_a_comment_thread_longer_than_the_article_is_not_body() -> None:
    thread = []
    for n, comment in enumerate(COMMENTS):
        thread += [f"Reader {n} on March 12, 2024 at 10:1{n} pm said:", comment, comment.replace("the", "a")]
    text = page("Night buses to reach the eastern suburbs", P1, P2, P3, *thread)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


def test_user_name_comment_headers_end_the_article_when_the_page_has_several() -> None:
    text = page(
        "Night buses to reach the eastern suburbs",
        P1,
        P2,
        P3,
        "nightowl says:",
        COMMENTS[0],
        "sam_k says:",
        COMMENTS[1],
    )

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


def test_a_quote_introduced_by_said_or_one_says_line_stays_in_the_article() -> None:
    quote = (
        "“We will keep the buses running whatever the weather, and we will publish the figures every month.”"
    )
    text = page("Night buses to reach the eastern suburbs", P1, P2, "The transport director says:", quote, P3)

    [article] = extract_text(text, "a.txt")

    assert quote in article.body and P3 in article.body


def test_a_related_heading_early_in_the_article_does_not_end_it() -> None:
    text = page("Night buses to reach the eastern suburbs", P1, "Related", P2, P3, P1.replace("LONDON: ", ""))

    [article] = extract_text(text, "a.txt")

    assert P3 in article.body


NEXT_PARAGRAPH = (
    "The first buses on the new routes are due to leave the central station in the second week of May."
)
BOX_LINKS = [
    "Council tax to rise by three per cent as budget gap ...",
    "Bridge repairs to close the ring road for ...",
]


def test_a_related_box_inside_the_article_does_not_end_it() -> None:
    text = page(
        "Night buses to reach the eastern suburbs", P1, P2, P3, "Related articles", *BOX_LINKS, NEXT_PARAGRAPH
    )

    [article] = extract_text(text, "a.txt")

    assert P3 in article.body and NEXT_PARAGRAPH in article.body


def test_a_related_heading_with_no_article_text_after_its_links_ends_the_article() -> None:
    teasers = [*BOX_LINKS, "Harbour ferry fares frozen for another year", "Mayor opens the new library"]
    text = page(
        "Night buses to reach the eastern suburbs", P1, P2, P3, "Related articles", *teasers, NEXT_PARAGRAPH
    )

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    "heading",
    ["Notas relacionadas", "Relacionados:", "Sur le même sujet", "Über den Autor", "Ähnliche Beiträge"],
)
def test_an_end_of_article_label_in_another_language_ends_the_article(heading: str) -> None:
    teasers = [*BOX_LINKS, "Harbour ferry fares frozen for another year", "Mayor opens the new library"]
    text = page("Night buses to reach the eastern suburbs", P1, P2, P3, heading, *teasers)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    "heading", ["Most read:", "Trending now", "Похожие статьи", "相关新闻", "12 Comments"]
)
def test_a_heading_of_what_follows_an_article_ends_it(heading: str) -> None:
    teasers = [*BOX_LINKS, "Harbour ferry fares frozen for another year", "Mayor opens the new library"]
    text = page("Night buses to reach the eastern suburbs", P1, P2, P3, heading, *teasers)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


def test_each_end_heading_is_listed_once_for_both_cleaners() -> None:
    words = metadata_words()
    headings = {h.casefold() for h in words["article_end_headings"]}

    assert headings.isdisjoint(h.casefold() for h in words["article_end_labels"])


def test_an_end_of_article_label_inside_a_sentence_ends_nothing() -> None:
    sentence = "Über den Autor des Fahrplans wusste im Rathaus niemand etwas, sagte die Sprecherin am Montag."
    text = page("Night buses to reach the eastern suburbs", P1, P2, sentence, P3)

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, sentence, P3]


def test_a_paragraph_right_under_a_comments_heading_does_not_continue_the_article() -> None:
    text = page(
        "Night buses to reach the eastern suburbs", P1, P2, P3, "Comments", COMMENTS[0], NEXT_PARAGRAPH
    )

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    ("credit", "source", "published"),
    [
        ("Publicado en Diario de la Costa, 6 de marzo de 2023", "Diario de la Costa", date(2023, 3, 6)),
        (
            "Publié dans Le Journal de Saint-Aubin, le 3 mai 2023",
            "Le Journal de Saint-Aubin",
            date(2023, 5, 3),
        ),
        (
            "Veröffentlicht in der Rheintaler Rundschau am 3. Mai 2023",
            "Rheintaler Rundschau",
            date(2023, 5, 3),
        ),
    ],
)
def test_credit_lines_in_other_languages_are_read(credit: str, source: str, published: date) -> None:
    [article] = extract_text(page("Night buses to reach the suburbs", P1, P2, P3, credit), "a.txt")

    assert (article.source, article.published) == (source, published)


def test_the_longest_headline_before_the_body_is_the_title_not_the_site_name() -> None:
    text = page("Valley Herald", "Sign in", "Night buses to reach the eastern suburbs at last", P1, P2, P3)

    [article] = extract_text(text, "a.txt")

    assert article.title == "Night buses to reach the eastern suburbs at last"
    assert "Valley Herald" not in article.body


@pytest.mark.parametrize(
    "line",
    [
        "Share Tweet Email Print",
        "Facebook | Twitter | LinkedIn",
        "Mehr zum Thema: Umleitung sorgt für Staus",
        "Lire aussi : le budget",
        "Read more",
        "Continue reading »",
        "Weiterlesen",
        "Lire la suite…",
        "分享到：微信 微博",
        "责任编辑：王芳",
    ],
)
def test_share_button_rows_and_read_more_lines_in_other_languages_are_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Harga beras naik lagi",
        "Lees ook: Kabinet valt over stikstof",
        "Читайте также: Цены на нефть выросли",
        "Xem thêm: Giá vàng tăng mạnh",
        "Czytaj też: Rząd podał się do dymisji",
        "Berita Terkait",
        "Teilen",
        "Anzeige",
        "Publicidad",
        "Lea también: Nuevas rutas de autobús nocturno",
        "Lea: Consejo municipal aprueba el presupuesto",
        "PUEDES VER: ¿Qué rutas tendrá el autobús nocturno?",
        "Vea también: El alcalde inaugura la estación",
        "(Le puede interesar: Buscan a los responsables del autobús quemado)",
        "Veja também: Prefeitura anuncia novas linhas",
        "Lesen Sie mehr: Neue Nachtbuslinien ab Mai",
        "Auch interessant: Der Nachtbus im Test",
        "Voir aussi : le budget des transports",
        "Vedi anche: Le nuove linee notturne",
    ],
)
def test_read_also_links_and_share_or_advert_labels_in_more_languages_are_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "分享经济的未来",
        "Read more books, the council urges parents",
        "Teilen Sie Ihre Meinung mit uns.",
        "Lees ook het rapport van de commissie.",
        "Lea: Ich habe den Nachtbus jeden Abend genommen.",
        "Vea también el informe de la comisión.",
    ],
)
def test_lines_opening_like_a_share_bar_or_read_more_link_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "buses budget council depot election ferry harbour housing mayor night bus parking police "
        "rail roads schools suburbs taxes trains trams transport weather",
        "Aachen Berlin Bonn Bremen Dresden Essen Hamburg Hannover Kiel Köln Leipzig Mainz München "
        "Münster Nürnberg Potsdam Rostock Stuttgart Ulm Wiesbaden",
    ],
)
def test_a_keyword_list_without_punctuation_or_function_words_is_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        # a sentence without punctuation still has function words
        "The night bus will run from the station to the harbour and back every twenty minutes "
        "until the trams start again in the morning",
        # a list of places in prose has commas
        "Aachen, Berlin, Bonn, Bremen, Dresden, Essen, Hamburg, Hannover, Kiel, Köln, Leipzig, "
        "Mainz, München, Münster, Nürnberg, Potsdam, Rostock, Stuttgart, Ulm and Wiesbaden",
    ],
)
def test_a_long_line_with_function_words_or_punctuation_is_no_keyword_list(line: str) -> None:
    assert not is_furniture(line)


def test_a_bare_read_more_link_under_a_short_article_is_not_body() -> None:
    [article] = extract_text(page("Night buses to reach the eastern suburbs", P1, P2, "Read more"), "a.txt")

    assert article.body.split("\n\n") == [P1, P2]


ZH = [
    "首页",
    "新闻",
    "国内",
    "国际",
    "财经",
    "体育",
    "北京市发布新的空气质量管理规定",
    "2024年3月5日 10:32",
    "分享到：微信 微博",
    "新华社北京3月5日电 北京市政府今天发布了新的空气质量管理规定，要求所有工厂在冬季减少排放。该规定将于下个月生效。",
    "根据规定，重点行业企业必须安装在线监测设备，并实时向环保部门报送数据。对于超标排放的企业，将依法予以处罚。",
    "专家表示，这些措施将显著改善城市的空气质量。市民对此表示欢迎，许多人认为政府应该更早采取行动。",
    "责任编辑：王芳",
    "相关新闻",
    "上海地铁新线路开通",
    "广州举办国际车展",
]


def test_a_chinese_page_gives_its_headline_date_and_paragraphs() -> None:
    # CJK is written without spaces: words are counted as two characters each, and "。" ends a
    # sentence, so the paragraphs are not read as short headline-like lines.
    [article] = extract_text(page(*ZH), "zh.txt")

    assert article.title == "北京市发布新的空气质量管理规定"
    assert article.published == date(2024, 3, 5)
    assert article.body.split("\n\n") == ZH[9:12]


def test_a_japanese_headline_over_a_paragraph_of_two_sentences_is_the_title() -> None:
    lead = "東京都は5日、首都直下地震に備えた新たな防災計画を発表した。計画では、避難所の数を増やす。"
    rest = "小池知事は記者会見で「都民の命を守るため、あらゆる対策を講じる」と述べた。"

    [article] = extract_text(
        page("ホーム", "東京都、新たな防災計画を発表", "2024年3月5日 10時32分", lead, rest), "ja.txt"
    )

    assert article.title == "東京都、新たな防災計画を発表"
    assert article.body.split("\n\n") == [lead, rest]


TH = [
    "หน้าแรก",
    "ข่าว",
    "กีฬา",
    "บันเทิง",
    "รัฐบาลประกาศแผนพัฒนาระบบขนส่งสาธารณะในกรุงเทพฯ",
    "12 มีนาคม 2567",
    "กรุงเทพฯ - รัฐบาลประกาศแผนพัฒนาระบบขนส่งสาธารณะฉบับใหม่ในวันนี้ โดยมีเป้าหมายเพื่อลดปัญหาการจราจร"
    "ติดขัดในเขตกรุงเทพมหานครและปริมณฑล แผนดังกล่าวจะใช้งบประมาณกว่าหนึ่งแสนล้านบาท",
    "รัฐมนตรีว่าการกระทรวงคมนาคมกล่าวว่า โครงการนี้จะเพิ่มเส้นทางรถไฟฟ้าอีกสามสาย "
    "และปรับปรุงระบบรถโดยสารประจำทางให้ทันสมัยมากขึ้น คาดว่าจะแล้วเสร็จภายในห้าปี",
    "ผู้เชี่ยวชาญด้านการขนส่งเห็นว่าแผนนี้เป็นก้าวสำคัญ แต่ยังต้องติดตามการดำเนินงานอย่างใกล้ชิด "
    "เพื่อให้เป็นไปตามกำหนดเวลาและงบประมาณที่วางไว้",
    "ข่าวที่เกี่ยวข้อง",
    "ราคาน้ำมันปรับขึ้นอีกครั้ง",
    "ฝนตกหนักทั่วประเทศ",
]


def test_a_thai_page_gives_its_headline_date_and_paragraphs() -> None:
    # Thai has no spaces between words and vowel marks that are no \w: four characters count as
    # a word, so the headline is not read as a paragraph nor the paragraphs as menus
    [article] = extract_text(page(*TH), "th.txt")

    assert article.title == TH[4]
    assert article.published == date(2024, 3, 12)  # 2567 of the Buddhist era
    assert article.body.split("\n\n") == TH[6:9]


def test_a_dated_publication_line_after_the_article_gives_the_date_and_ends_it() -> None:
    text = page(
        "Brücke bleibt bis Ende 2025 gesperrt",
        P1,
        P2,
        P3,
        "Veröffentlicht am 11. Juli 2023",
        "Weitere Artikel",
        "Freibad öffnet wieder",
    )

    [article] = extract_text(text, "a.txt")

    assert article.published == date(2023, 7, 11)
    assert article.source is None
    assert article.body.split("\n\n") == [P1, P2, P3]


def test_a_publication_date_line_above_the_article_does_not_cut_it() -> None:
    text = page("Night buses to reach the eastern suburbs", "Published on 12 March 2024", P1, P2, P3)

    [article] = extract_text(text, "a.txt")

    assert article.published == date(2024, 3, 12)
    assert article.body.split("\n\n") == [P1, P2, P3]


def test_a_byline_wrapped_before_its_role_gives_the_name_only() -> None:
    text = page("Night buses reach the eastern suburbs", "By Helen Marsh, Arts", "Correspondent", P1, P2, P3)

    article = extract_text(text, "k.txt")[0]

    assert article.authors == ("Helen Marsh",)
    assert article.body.startswith("LONDON:")


def test_a_german_byline_with_its_publication_date_gives_author_and_date() -> None:
    text = page(
        "Nachtbusse fahren bald bis in die Vororte",
        "Von Anna Keller, publiziert am 11. Juli 2023",
        P1,
        P2,
        P3,
    )

    article = extract_text(text, "k.txt")[0]

    assert (article.authors, article.published) == (("Anna Keller",), date(2023, 7, 11))
    assert "Anna Keller" not in article.body


def test_a_mixed_case_dateline_with_a_date_gives_place_and_date() -> None:
    first = "Lakeside, October 8, 2023 — " + P2
    text = page("Night buses reach the eastern suburbs", first, P3)

    article = extract_text(text, "k.txt")[0]

    assert (article.place, article.published) == ("Lakeside", date(2023, 10, 8))
    assert article.body.startswith("Lakeside, October 8, 2023 —")


@pytest.mark.parametrize(
    "line",
    [
        "Published in Dawn, April 12th, 2023",
        "This article was first published in Dawn, April 12th, 2023",
        "This story was published in The Guardian on 3 May 2021",
        "First published on 3 May 2021",
        "Originally published in Dawn, April 12th, 2023",
        "Appeared in Dawn, April 12th, 2023",
        "Printed in Dawn, April 12th, 2023",
        "Veröffentlicht am 11. Juli 2023",
        "Erschienen im Kurier am 11. Juli 2023",
        "Paru dans Ouest Journal le 12 mai 2024",
        "Publié dans Ouest Journal le 12 mai 2024",
        "Publicado en El Diario, 12 de abril de 2023",
        "Publicada no Jornal, 12 de abril de 2023",
        "Pubblicato su Il Corriere, 12 aprile 2023",
    ],
)
@pytest.mark.parametrize("case", [str, str.upper, str.lower, str.title])
def test_the_credit_prefilter_lets_through_every_line_a_credit_pattern_matches(line: str, case) -> None:
    line = case(line)

    assert text._CREDIT_RE.match(line) or text._DATED_CREDIT_RE.match(line)
    assert text._credit_candidates(["Home", line]) == [1]


def test_the_credit_prefilter_skips_ordinary_lines() -> None:
    assert (
        text._credit_candidates(["The council approved the budget on Tuesday.", "Published " + "x" * 200])
        == []
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            ["a", "b", " ", "\x1f", "\t", "\n", "\u00a0", "\u2028", "\x0b", "\u200b", "é"]
        )
    )
)
def test_blocks_are_the_non_empty_lines_with_their_whitespace_collapsed(text_: str) -> None:
    assert split_blocks(text_) == [" ".join(words) for words in map(str.split, text_.split("\n")) if words]


def test_a_short_article_above_a_longer_dated_comment_thread_is_the_body() -> None:
    menu = ["Home", "News", "Local", "Transport", "Opinion", "Sport", "Weather", "Search"]
    thread = []
    for n in range(3):
        for comment in COMMENTS:
            header = f"Reader {n} on March 1{n}, 2024 at 10:1{n} pm said:"
            thread += [header, comment.replace("the", f"the {n}"), comment.replace("the", "a"), comment]
    text = page(
        *menu,
        "Night buses to reach the eastern suburbs",
        "March 10, 2024 | by Sam",
        P1,
        P2,
        "Posted in Transport | 12 Comments",
        *thread,
        "About us",
    )

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n")[:2] == [P1, P2]
    assert not any(comment[:40] in article.body for comment in COMMENTS)


MENU = ["Home", "News", "Local", "Transport", "Opinion", "Sport", "Weather", "Search"]


@pytest.mark.parametrize(
    "caption",
    [
        "Campaigners outside the town hall before the vote. Photograph: Jane Doe/AFP",
        "How will the night buses be paid for? (Photo: Getty Images)",
        "Der Nachtbus am Hauptbahnhof. Foto: dpa",
        "El autobús nocturno en la estación central (Foto: Ana Pérez/EFE).",
        # opening with the figure's label
        "Figure 2: The night bus routes planned for the eastern suburbs, by year of opening.",
        "Abb. 3. Der Nachtbus am Hauptbahnhof kurz nach Mitternacht.",
        "Bild 4: Die neue Haltestelle am Markt",
        # the people placed in the picture, or a stock picture marked
        "Mayor Jane Doe (left) and the transport director at the new depot on Monday.",
        "Anna Keller (l.) und Tom Berg vor dem neuen Nachtbus.",
        "Ein Nachtbus am Hauptbahnhof (Symbolbild).",
        # a bracketed credit: an agency or a picture word, a slash and the photographer, or a
        # picture word and "by" or a colon, the name holding a full stop
        "Commuters board the first night bus at the depot on Monday. (AP Photo/Jane A. Doe)",
        "El alcalde en la estación central (REUTERS/Ana Pérez)",
        "The new depot at the harbour has been completed. (Picture by J. Doe.)",
        "Los autobuses nocturnos siguen llenos. (Foto Diario Local: Ana Pérez)",
    ],
)
def test_a_photo_caption_with_its_credit_is_not_body_or_title(caption: str) -> None:
    [article] = extract_text(page(*MENU, caption, P1, P2, P3, "About us", "Contact"), "a.txt")

    assert caption[:30] not in article.body
    assert article.title != caption
    assert article.body.split("\n\n") == [P1, P2, P3]


def test_a_caption_between_two_paragraphs_is_not_body() -> None:
    caption = (
        "The mayor at the new depot on Monday morning, before the vote on the routes. (AP Photo/Jane A. Doe)"
    )

    [article] = extract_text(page(*MENU, P1, caption, P2, P3, "About us", "Contact"), "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    "line",
    [
        "The report was written with wire copy. (dpa)",
        "The council published the figures (photo and video are on its site) in May.",
        "Der Bürgermeister sagte, die Nachtbusse sollen ab Mai fahren. (dpa/lnw)",
    ],
)
def test_a_wire_credit_or_a_bracket_naming_photos_is_not_a_caption(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line", ["Technische(r) Mitarbeiter(in) gesucht", "Kulinar(r)isch essen in der Stadt"]
)
def test_a_bracketed_word_ending_is_not_a_picture_place(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line", ["Fig. 3 shows the routes the council approved.", "Images of the new buses were shown."]
)
def test_a_sentence_opening_with_a_figure_word_is_not_a_caption(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "lead",
    [
        "The council has good news for you this week. Do you take the night bus?",
        'The paper quoted my post "The buses are late. Again." (Here is the post.)',
    ],
)
def test_a_short_lead_paragraph_of_two_sentences_is_body_not_the_title(lead: str) -> None:
    [article] = extract_text(page(*MENU, "Night buses to reach the suburbs", lead, P1, P2, P3), "a.txt")

    assert article.title == "Night buses to reach the suburbs"
    assert article.body.split("\n\n")[0] == lead


def test_without_a_headline_a_first_sentence_ending_with_a_full_stop_stays_in_the_body() -> None:
    lead = "In this article I explain how the night bus network will change."

    [article] = extract_text(page(lead, P2, P3), "a.txt")

    assert article.title == lead.rstrip(".")
    assert article.body.split("\n\n") == [lead, P2, P3]


TEASERS = [
    "Ferry strike enters second weekThe ferry operators' union said on Monday the strike would go on "
    "until the company agreed to meet its members.",
    "Council approves three new schoolsThe council approved funding for three primary schools in the "
    "north of the county, to open in two years.",
    "Storm closes the harbourHigh winds closed the harbour for a second day on Sunday, and the "
    "coastguard asked boat owners to stay ashore.",
    "Museum reopens after floodThe town museum reopened its doors on Saturday, six months after the "
    "flood that damaged most of its ground floor.",
]


def test_a_teaser_list_above_a_dated_wire_story_is_not_body() -> None:
    text = page(
        *MENU,
        *TEASERS,
        "Weather",
        "Sunny spells, 14C",
        "Sport",
        "Filed under: transport, council",
        "Night buses to reach the eastern suburbs",
        P1,
        P2,
        P3,
        "About us",
    )

    [article] = extract_text(text, "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]
    assert article.title == "Night buses to reach the eastern suburbs"


MORE_PARAGRAPHS = [
    "Bus drivers will be offered extra pay for the night shifts, and the operator expects to hire "
    "forty more drivers before the routes open.",
    "Residents of the eastern suburbs have long complained that the last bus home leaves the centre "
    "before eleven, leaving shift workers to pay for taxis.",
    "The council will review the routes after a year and may extend them to the airport if enough "
    "passengers use them in the first months.",
]
TEASER_HEADLINE = "Ten places to eat on the waterfront this summer"
TEASER = "Our critics pick the best cafés and bars along the harbour."


def _kept(*lines_kept: str):
    """A stand-in for the line model that keeps ``lines_kept`` and nothing else."""

    def scores(lines, memo=None):
        return [0.9 if line in lines_kept else 0.05 for line in lines]

    return scores


def test_a_teaser_kept_far_above_the_article_does_not_take_its_headline(monkeypatch) -> None:
    headline = "Night buses to reach the eastern suburbs"
    # no news dateline opening the article: that alone drops kept blocks well above it
    article_text = [P2, P3, NEXT_PARAGRAPH, *MORE_PARAGRAPHS]
    blocks = [*MENU, TEASER_HEADLINE, TEASER, *MENU, *TEASERS, headline, *article_text, "About us"]

    monkeypatch.setattr(text, "scores", _kept(TEASER, *article_text))
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.title == headline
    assert headline not in article.body
    assert article.body.endswith("\n\n".join(article_text))


def test_an_intro_apart_from_the_rest_of_its_article_keeps_its_headline(monkeypatch) -> None:
    # a list article: the items between its intro and its last paragraphs are dropped
    headline = "Night buses to reach the eastern suburbs"
    items = [f"{n}. {stop}" for n, stop in enumerate([*MENU, "Market", "Harbour", "Hospital"], 1)]
    blocks = [*MENU, headline, P1, *items, P2, P3, "About us"]

    monkeypatch.setattr(text, "scores", _kept(P1, P2, P3))
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.title == headline
    assert article.body.startswith(P1)


def test_when_the_classifier_keeps_a_short_sidebar_the_longest_prose_run_is_the_body(monkeypatch) -> None:
    sidebar = "Sign up to our morning briefing for the day's top local stories, sent before seven."
    blocks = [*MENU, "Night buses to reach the eastern suburbs", P1, P2, P3, "About us", "Contact", sidebar]

    def sidebar_only(lines, memo=None):
        return [0.9 if line == sidebar else 0.05 for line in lines]

    monkeypatch.setattr(text, "scores", sidebar_only)
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


def test_a_prose_paragraph_the_classifier_doubts_is_kept_next_to_the_article_only(monkeypatch) -> None:
    aside = "Readers can send their own night bus stories to the newsroom by email or by post."
    blocks = [
        *MENU,
        "Night buses to reach the eastern suburbs",
        P1,
        P2,
        P3,
        "About us",
        "Contact",
        aside,
        "Search",
    ]
    doubted = {P1: 0.3, aside: 0.3}

    def lead_doubted(lines, memo=None):
        return [doubted.get(line, 0.9 if line in (P2, P3) else 0.05) for line in lines]

    monkeypatch.setattr(text, "scores", lead_doubted)
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize("intro_ends", [":", "."])
def test_the_list_a_paragraph_ending_with_a_colon_introduces_is_kept(monkeypatch, intro_ends: str) -> None:
    intro = f"The night buses will stop at these places on every route from next month{intro_ends}"
    stops = ["The hospital", "The station", "The university campus"]
    blocks = [
        *MENU,
        "Night buses to reach the eastern suburbs",
        P1,
        intro,
        *stops,
        P2,
        P3,
        "About us",
        "Contact",
    ]

    def stops_doubted(lines, memo=None):
        return [0.9 if line in (P1, intro, P2, P3) else 0.05 for line in lines]

    monkeypatch.setattr(text, "scores", stops_doubted)
    [article] = extract_text(page(*blocks), "a.txt")

    listed = stops if intro_ends == ":" else []
    assert article.body.split("\n\n") == [P1, intro, *listed, P2, P3]


def test_a_run_of_short_lines_longer_than_a_list_under_a_colon_is_not_kept(monkeypatch) -> None:
    intro = "The night buses will stop at these places on every route from next month:"
    places = ["Hospital", "Station", "Campus", "Harbour", "Market", "Stadium", "Library"]
    blocks = [*MENU, "Night buses to reach the eastern suburbs", P1, intro, *places, P2, P3, "About us"]

    def places_doubted(lines, memo=None):
        return [0.9 if line in (P1, intro, P2, P3) else 0.05 for line in lines]

    monkeypatch.setattr(text, "scores", places_doubted)
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.body.split("\n\n") == [P1, intro, P2, P3]


def test_a_subheading_between_two_kept_paragraphs_is_kept_whatever_its_score(monkeypatch) -> None:
    subheading = "What the new routes cost"
    blocks = [
        *MENU,
        "Night buses to reach the eastern suburbs",
        P1,
        P2,
        subheading,
        P3,
        "About us",
        "Contact",
    ]

    def subheading_doubted(lines, memo=None):
        return [0.9 if line in (P1, P2, P3) else 0.05 for line in lines]

    monkeypatch.setattr(text, "scores", subheading_doubted)
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.body.split("\n\n") == [P1, P2, subheading, P3]


def test_a_sentence_wrapped_across_lines_stays_whole_when_one_line_is_kept(monkeypatch) -> None:
    wrapped = ["The night buses will stop at the hospital,", "the station and the university campus."]
    blocks = [*MENU, "Night buses to reach the eastern suburbs", P1, P2, *wrapped, P3, "About us", "Contact"]

    def first_line_doubted(lines, memo=None):
        return [0.9 if line in (P1, P2, P3, wrapped[1]) else 0.05 for line in lines]

    monkeypatch.setattr(text, "scores", first_line_doubted)
    [article] = extract_text(page(*blocks), "a.txt")

    assert article.body.split("\n\n") == [P1, P2, *wrapped, P3]


def _archive(*shared: str) -> LineStats:
    """Line statistics of 25 other pages that each hold the ``shared`` lines and one of their own."""
    return LineStats.build([[*shared, f"Story number {i} of the archive"] for i in range(25)])


def test_a_short_line_other_pages_hold_is_a_site_label_not_the_headline() -> None:
    headline = "Council extends the night bus network to the eastern suburbs"
    # five words: longer than a section label, which the headline under it would be preferred to;
    # sharing a word with the lead, as a headline does
    text = page("Back to all council news", "By Jane Doe, 25 September 2018", headline, P1, P2, P3)

    [without] = extract_text(text, "a.txt")
    [article] = extract_text(text, "a.txt", _archive("Back to all council news"))

    assert without.title == "Back to all council news"  # the page alone cannot tell the label apart
    assert article.title == headline


def test_a_headline_other_pages_hold_as_a_teaser_stays_the_headline() -> None:
    headline = "Council extends the night bus network to the eastern suburbs"
    text = page("Back to overview", "By Jane Doe, 25 September 2018", headline, P1, P2, P3)

    [article] = extract_text(text, "a.txt", _archive("Back to overview", headline))

    assert article.title == headline


FOOTER_LINES = ["About us", "Privacy policy", "Terms of use", "© 2024 City News"]
SUBSCRIBE_BOX = "Never miss a story: subscribe to our free morning newsletter."
FOLLOW_BOX = "Want more local news? Follow us on Facebook and Instagram."
FILED_NOTICE = "This entry was posted in Transport and tagged buses, council."


@pytest.mark.parametrize(
    "box",
    [
        SUBSCRIBE_BOX,
        FOLLOW_BOX,
        FILED_NOTICE,
        "Correction: An earlier version of this article misstated the date of the vote.",
        "Abonnieren Sie jetzt kostenlos unseren Newsletter.",
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.",
        "Dieser Eintrag wurde veröffentlicht in Verkehr und verschlagwortet mit Bus, Stadtrat.",
    ],
)
def test_a_site_box_between_paragraphs_or_after_the_article_is_not_body(box: str) -> None:
    header = ["Home", "News", "Sport", "Culture", "Contact", "Night buses to reach the eastern suburbs"]
    text = page(*header, P1, box, P2, P3, NEXT_PARAGRAPH, box, *FOOTER_LINES)

    [article] = extract_text(text, "a.txt")

    assert P1 in article.body and NEXT_PARAGRAPH in article.body
    assert box not in article.body


@pytest.mark.parametrize(
    "paragraph",
    [
        # a report about a newsletter or a channel, not a call to the reader
        "The council said it would follow the plan and publish the timetable in its newsletter next week.",
        "Residents who subscribe to the service will pay less, the transport committee said on Thursday.",
    ],
)
def test_an_article_paragraph_naming_a_newsletter_stays(paragraph: str) -> None:
    header = ["Home", "News", "Sport", "Culture", "Contact", "Night buses to reach the eastern suburbs"]
    text = page(*header, P1, paragraph, P2, P3, NEXT_PARAGRAPH, *FOOTER_LINES)

    [article] = extract_text(text, "a.txt")

    assert paragraph in article.body

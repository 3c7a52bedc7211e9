"""Shared metadata helpers: dates in many formats, language, bylines, publishers, datelines."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search.cleaning import metadata as md
from archive_search.cleaning.metadata import language

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 12th, 2023", date(2023, 4, 12)),
        ("Apr. 12 2023", date(2023, 4, 12)),
        ("12 April 2023", date(2023, 4, 12)),
        ("12th of April, 2023", date(2023, 4, 12)),
        ("2023-04-12", date(2023, 4, 12)),
        ("2023-04-12T10:00:00+05:00", date(2023, 4, 12)),  # the date as written, not shifted
        ("2023-04-12T23:30:00-08:00", date(2023, 4, 12)),
        ("Wed, 12 Apr 2023 10:00:00 +0000", date(2023, 4, 12)),
        ("20230412", date(2023, 4, 12)),
        ("2023/04/12", date(2023, 4, 12)),
        ("13/04/2023", date(2023, 4, 13)),
        ("Published in Dawn, April 12th, 2023", date(2023, 4, 12)),
        ("Updated 29 May, 2024", date(2024, 5, 29)),
        ("12. April 2023", date(2023, 4, 12)),
        ("3 mars 2024", date(2024, 3, 3)),
        ("12 de abril de 2023", date(2023, 4, 12)),
        ("04/05/2023", None),  # day and month ambiguous: not guessed
        ("February 30, 2023", None),
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date_reads_the_stated_calendar_date(text: str, expected: date | None) -> None:
    assert md.parse_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.forbes.com/sites/brucelee/2019/11/18/how-this-mans-bedding/", date(2019, 11, 18)),
        ("https://www.politifact.com/west-virginia/statements/2019/nov/18/mckinley/x/", date(2019, 11, 18)),
        ("https://example.com/news/2023-04-12/council-budget", date(2023, 4, 12)),
        ("https://example.com/2019/11/", None),  # a month's archive, not a day
        ("https://example.com/2019/13/40/x", None),  # no such date
        ("https://example.com/story?date=2019/11/18", None),  # a query is not the path
        ("https://example.com/12019/11/18/x", None),
        (None, None),
    ],
)
def test_url_date_reads_a_full_date_in_the_path(url: str | None, expected: date | None) -> None:
    assert md.url_date(url) == expected


def test_parse_date_takes_dates_and_unix_time_but_not_other_values() -> None:
    assert md.parse_date(None) is None
    assert md.parse_date(20230412) is None  # not a plausible Unix time
    assert md.parse_date(True) is None
    assert md.parse_date(date(2020, 1, 2)) == date(2020, 1, 2)
    assert md.parse_date(1681293600) == date(2023, 4, 12)  # seconds
    assert md.parse_date(1681293600000) == date(2023, 4, 12)  # milliseconds


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "The city council approved the new budget on Tuesday after a long debate about schools and roads.",
            "en",
        ),
        ("Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.", "fr"),
        (
            "Der Stadtrat hat am Dienstag den neuen Haushalt nach einer langen Debatte über Schulen beschlossen.",
            "de",
        ),
        (
            "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre escuelas y carreteras.",
            "es",
        ),
    ],
)
def test_detect_language_returns_iso_639_1_codes(text: str, code: str) -> None:
    assert md.detect_language(text) == code


ENGLISH_PROSE = (
    "The council said that the plan, which was approved on Tuesday, would be paid for from the "
    "budget of the roads department. Residents who have asked for the works were told that they "
    "will be finished by the end of the year, and that the cost has been lower than expected."
)
# The same news in languages whose text holds some of English's function words ("was", "will",
# "is", "have", "to") or shares its alphabet; each must go to the statistical model.
OTHER_PROSE = {
    "de": "Der Rat sagte, was der Plan kostet, will er am Dienstag zeigen. Die Arbeiten sind bis Ende "
    "des Jahres fertig, und die Kosten waren niedriger als erwartet, was die Anwohner freut.",
    "nl": "De raad zei dat het plan, dat dinsdag is goedgekeurd, wordt betaald uit het budget van de "
    "afdeling wegen. Bewoners kregen te horen dat de werken tegen het einde van het jaar klaar zijn.",
    "fr": "Le conseil a dit que le plan, approuvé mardi, sera payé par le budget des routes. Les "
    "habitants ont appris que les travaux seront finis à la fin de l'année, et que le coût est plus bas.",
    "it": "Il consiglio ha detto che il piano, approvato martedì, sarà pagato con il bilancio delle strade. "
    "Ai residenti è stato detto che i lavori saranno finiti entro la fine dell'anno.",
    "pt": "O conselho disse que o plano, aprovado na terça-feira, será pago pelo orçamento das estradas. "
    "Os moradores foram informados de que as obras estarão prontas até o fim do ano.",
}


def test_plain_english_prose_is_named_without_the_statistical_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model() -> None:
        raise AssertionError("py3langid was asked")

    monkeypatch.setattr(language, "_identifier", no_model)

    assert md.detect_language(ENGLISH_PROSE) == "en"


# A match report: names, figures and few function words (an eighth of its words are English
# markers; prose has 13-16 %, other languages 0-2 %).
ENGLISH_REPORT = (
    "Palmer Creek 3, Hollis Bay 1: Jana Petrov scored twice in the first half and Ruth Amadi added "
    "a third after the break as Palmer Creek beat Hollis Bay at Riverside Park on Saturday. Goalkeeper "
    "Tom Ellery saved a penalty from Hollis Bay captain Dev Mistry in the 62nd minute. Palmer Creek "
    "coach Sandra Lowe said the win was the result of hard training since January. Hollis Bay "
    "remain fourth in the Coastal League with 31 points from 18 games, six behind leaders Granton "
    "United. Attendance: 1,412. Next round: Palmer Creek at Granton United, Saturday 3 pm; Hollis Bay "
    "v Marlow Town, Sunday 2 pm. Scorers: Petrov 12, 38; Amadi 57; Mistry 81. Yellow cards: Ellery, "
    "Mistry, Lowe (bench). Referee: Omar Haddad. Man of the match: Jana Petrov, who has now scored "
    "14 goals this season and leads the scoring table."
)


def test_english_dense_with_names_and_figures_is_named_without_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = ENGLISH_REPORT.lower().split()
    share = sum(w in language._ENGLISH_MARKERS for w in words) / len(words)
    assert 1 / 8 <= share < 1 / 6
    assert language._identifier().classify(ENGLISH_REPORT[: language.LANG_SAMPLE_CHARS])[0] == "en"

    def no_model() -> None:
        raise AssertionError("py3langid was asked")

    monkeypatch.setattr(language, "_identifier", no_model)

    assert md.detect_language(ENGLISH_REPORT) == "en"


@pytest.mark.parametrize("code", sorted(OTHER_PROSE))
def test_other_languages_are_left_to_the_statistical_model(code: str) -> None:
    assert not language._plainly_english(OTHER_PROSE[code])
    assert md.detect_language(OTHER_PROSE[code]) == code


def test_the_quick_english_answer_agrees_with_the_model() -> None:
    assert language._plainly_english(ENGLISH_PROSE)
    assert language._identifier().classify(ENGLISH_PROSE[: language.LANG_SAMPLE_CHARS])[0] == "en"


@pytest.mark.parametrize("text", ["", "Hello", "12 34 56 78 90 !!", None])
def test_detect_language_is_none_when_too_short_to_tell(text: str | None) -> None:
    assert md.detect_language(text) is None


@pytest.mark.parametrize(
    ("tag", "code"), [("en-US", "en"), ("fr_FR", "fr"), ("DE", "de"), ("eng", "en"), ("", None), ("x!", None)]
)
def test_normalise_language_keeps_the_primary_subtag(tag: str, code: str | None) -> None:
    assert md.normalise_language(tag) == code


@pytest.mark.parametrize(
    ("byline", "authors", "org"),
    [
        ("By Jane Doe", ("Jane Doe",), None),
        ("By Jane Doe | Staff Reporter", ("Jane Doe",), None),
        ("Written by Jane Doe, Senior Correspondent", ("Jane Doe",), None),
        ("By Helen Marsh, Arts and Culture Correspondent", ("Helen Marsh",), None),
        ("By Helen Marsh and Tom Reed, Arts Correspondents", ("Helen Marsh", "Tom Reed"), None),
        ("Von Anna Keller, publiziert am 11. Juli 2023", ("Anna Keller",), None),
        ("Jane Doe jane.doe@example.com", ("Jane Doe",), None),
        ([{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe"}], ("Jane Doe", "John Roe"), None),
        ("https://example.com/authors/jane", (), None),
        ("", (), None),
        # several people in one value: one name each
        ("Kevin Johnson and Kevin McCoy", ("Kevin Johnson", "Kevin McCoy"), None),
        ("Tariq Malik, Mike Wall & Ann Lee", ("Tariq Malik", "Mike Wall", "Ann Lee"), None),
        # glued trailers, handles, dates and credentials
        ("Jose AltoverosView More Articles", ("Jose Altoveros",), None),
        ("By Jane MarlowHARBOURGazette", ("Jane Marlow",), None),
        ("Anna DeSantis and Peter MacKenzie", ("Anna DeSantis", "Peter MacKenzie"), None),
        ("Chaim Gartenberg@cgartenberg Nov 19, 2019, 7:53pm EST", ("Chaim Gartenberg",), None),
        ("By Carrie ArnoldNovember 15, 2019", ("Carrie Arnold",), None),
        ("Rachael Link, MS, RD", ("Rachael Link",), None),
        # a closing initial keeps its full stop, a sentence's full stop goes
        ("By Joe S., Staff Writer", ("Joe S.",), None),
        ("Jane Doe.", ("Jane Doe",), None),
        ("Roger Gonzalez CBS Sports Writer", ("Roger Gonzalez",), None),
        # affiliations and agencies go to the organisation
        (
            "Danica Kirka and JILL LAWLESSAssociated Press",
            ("Danica Kirka", "Jill Lawless"),
            "Associated Press",
        ),
        ("Amy Kuperinsky | NJ Advance Media for NJ.com", ("Amy Kuperinsky",), "NJ Advance Media for NJ.com"),
        ("By STEVE PEOPLES, AP National Political Writer", ("Steve Peoples",), "AP"),
        (
            "Tom Davies Associated Press Published 11:34 PM EST Nov 19, 2019",
            ("Tom Davies",),
            "Associated Press",
        ),
        # a newspaper's name after the person ("Correio", "Courier", "Zeitung")
        ("Por Helena Nunes, Correio do Planalto - 23/01/2024", ("Helena Nunes",), "Correio do Planalto"),
        ("Reuters", (), "Reuters"),
        ("PTI", (), "PTI"),
        ("Jerusalem Post Staff November 20", (), "Jerusalem Post Staff"),
        ("Staff", (), "Staff"),
        ({"@type": "Organization", "name": "Al Jazeera"}, (), "Al Jazeera"),
        # a name's particle is no "by"; a byline's lead words before it are
        ("Christoph von Eichhorn", ("Christoph von Eichhorn",), None),
        ("Von Alexa von Heyden", ("Alexa von Heyden",), None),
        ("Text und Fotos von Anna Keller", ("Anna Keller",), None),
        ("Erstellt von Andri Bryner", ("Andri Bryner",), None),
        ("Lorenzo di Bonaventura", ("Lorenzo di Bonaventura",), None),
        # glued labels, trailing roles and German date words
        ("AuthorAndreas Kalt", ("Andreas Kalt",), None),
        ("Christoph Hein Chefredakteur", ("Christoph Hein",), None),
        ("Sara Zinnecker Stand: 12.03.2020", ("Sara Zinnecker",), None),
        ("Jörn Mecher am 12.03.2020", ("Jörn Mecher",), None),
        # an institution is one credit, its legal form and "und" included; its address is no one
        ("Hanns-Seidel-Stiftung e.V.", (), "Hanns-Seidel-Stiftung e.V"),
        (
            "Bundesministerium für Wirtschaft und Klimaschutz",
            (),
            "Bundesministerium für Wirtschaft und Klimaschutz",
        ),
        ("Süddeutsche.de GmbH, Munich, Germany", (), "Süddeutsche.de GmbH"),
        ("Ana e João Silva", ("Ana", "João Silva"), None),
        # "by" words and author labels of other languages
        ("Autor: Jan Kowalski", ("Jan Kowalski",), None),
        ("Yazar: Ahmet Yılmaz", ("Ahmet Yılmaz",), None),
        ("Av Anna Svensson", ("Anna Svensson",), None),
        ("بقلم أحمد علي", ("أحمد علي",), None),
        ("מאת יוסי כהן", ("יוסי כהן",), None),
        ("作者：李明", ("李明",), None),
        # Chinese, Japanese and Korean reporters' credits: label before or after, several names
        ("新华社记者 李明 王芳", ("李明", "王芳"), None),
        ("（记者 李明）", ("李明",), None),
        ("文/张三", ("张三",), None),
        ("李明、王芳", ("李明", "王芳"), None),
        ("홍길동 기자 hong@yna.co.kr", ("홍길동",), None),
        ("山田太郎記者", ("山田太郎",), None),
        ("2024年3月5日 来源：新华社 作者：李明 编辑：王芳", ("李明",), None),
        ("来源：人民网", (), None),
        ("Oleh: Budi Santoso", ("Budi Santoso",), None),
        ("Oleh Sentsov", ("Oleh Sentsov",), None),  # a first name, not Indonesian "by"
        # CMS accounts and placeholders are nobody
        ("No Author", (), None),
        ("jdadmin", (), None),
        ("admin", (), None),
        ("Гость", (), None),
    ],
)
def test_parse_byline_gives_each_person_alone_and_the_organisation_apart(
    byline: object, authors: tuple[str, ...], org: str | None
) -> None:
    assert md.parse_byline(byline) == md.Byline(authors, org)


def test_a_byline_naming_the_publisher_credits_the_organisation() -> None:
    assert md.parse_byline("By Beachbody", publisher="Beachbody") == md.Byline((), "Beachbody")
    assert md.parse_byline("Elliot Brownstein Florida Today", publisher="floridatoday.com") == md.Byline(
        ("Elliot Brownstein",), "Florida Today"
    )


def test_clean_source_is_conservative() -> None:
    assert md.clean_source("Dawn") == "Dawn"
    assert md.clean_source("Dawn.com") == "Dawn.com"  # a name as the publisher writes it
    assert md.clean_source("https://www.dawn.com/") == "dawn.com"
    assert md.clean_source({"@type": "Organization", "name": "  The  Daily Star "}) == "The Daily Star"
    assert md.clean_source("12345") is None


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Lüder Hoppe info@buero-hoppe.de", "Lüder Hoppe"),
        ("Example Media (redaktion@example.de)", "Example Media"),
        ("Example Media <news@example.com>", "Example Media"),
        ("Example Media, mailto:news@example.com", "Example Media"),
        ("news@example.com", None),
    ],
)
def test_a_publisher_stated_with_its_e_mail_address_is_the_name_alone(value: str, name: str | None) -> None:
    # An address is how to reach the publisher, not what readers call it.
    assert md.clean_source(value) == name


@pytest.mark.parametrize(
    ("paragraph", "place"),
    [
        ("KARACHI: Defence Minister Khawaja Asif has said", "Karachi"),
        ("SANTA FE, N.M. (AP) — A cat who has been missing", "Santa Fe, N.M."),
        ("LONDON (Reuters) - Shares fell on Monday", "London"),
        ("NEW YORK — Stocks fell", "New York"),
        ("CHINA has sent troops to Hong Kong", None),
        ("The US: a country", None),
        # Chinese, Japanese and Korean papers' datelines: agency, place, date; place＝reporter
        ("新华社北京3月5日电 北京市政府今天发布了新规定", "北京"),
        ("新华社台北3月5日电 台湾地区", "台北"),
        ("人民日报海外版上海3月5日电", "上海"),
        ("中新网3月5日电 据报道", None),
        ("【ワシントン＝山田太郎】米政府は5日", "ワシントン"),
        ("(서울=연합뉴스) 홍길동 기자 = 정부는", "서울"),
    ],
)
def test_find_dateline_reads_the_place_of_a_dateline(paragraph: str, place: str | None) -> None:
    assert md.find_dateline(paragraph) == place


@pytest.mark.parametrize(
    ("paragraph", "authors"),
    [
        ("本报滨江3月5日电（记者 李明 王芳）滨江市政府今天发布", ("李明", "王芳")),
        ("新华社北京3月5日电（记者 李明、王芳）", ("李明", "王芳")),
        ("(서울=연합뉴스) 홍길동·김철수 기자 = 정부는 5일", ("홍길동", "김철수")),
        ("新华社北京3月5日电 北京市政府今天", ()),
        ("LONDON (Reuters) - Shares fell", ()),
    ],
)
def test_a_cjk_dateline_names_its_reporters(paragraph: str, authors: tuple[str, ...]) -> None:
    assert md.dateline_byline(paragraph) == md.Byline(authors)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Lakeside, October 8, 2023 — The theatre reopened.", ("Lakeside", date(2023, 10, 8))),
        (
            "Springfield, Ill., 8 October 2023 (AP) — Officials said.",
            ("Springfield, Ill.", date(2023, 10, 8)),
        ),
        ("In 2023, October 8, 2023 — a sentence, not a dateline.", None),
        ("The mayor, October 8, 2023 was the day.", None),
    ],
)
def test_a_dated_dateline_gives_place_and_date(paragraph: str, expected: tuple[str, date] | None) -> None:
    assert md.find_dated_dateline(paragraph) == expected


@pytest.mark.parametrize(
    "published",
    ["Publié le 14 mai 2022", "Veröffentlicht am 11. Juli 2023", "Lakeside, October 8, 2023 —"],
)
def test_publication_phrases_in_other_languages_give_their_date(published: str) -> None:
    assert md.parse_date(published) is not None


@pytest.mark.parametrize(
    ("paragraph", "place"),
    [
        ("Indianapolis – Several thousand teachers wearing red surrounded the Statehouse.", "Indianapolis"),
        ("Dekalb, Ill. — Mike Glass threw for three touchdowns.", "Dekalb, Ill."),
        ("Hong Kong (CNN Business) A muddled view of trade talks weighed on markets.", "Hong Kong"),
        # the tag touching the text after it (a <cite> with no space after it)
        ("Hong Kong (CNN Business)A muddled view of trade talks weighed on markets.", "Hong Kong"),
        ("DEAR ABBY: My husband of more than 20 years just bought plane tickets.", None),
        ("President Trump — who spoke on Tuesday — said nothing new.", None),
        ("Two hostages — an American and an Australian — were freed.", None),
    ],
)
def test_a_dateline_is_a_place_not_a_salutation_or_a_person(paragraph: str, place: str | None) -> None:
    assert md.find_dateline(paragraph) == place

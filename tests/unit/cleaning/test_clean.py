"""clean(): every input format, gzip, format detection and the failure modes."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from archive_search.cleaning import CLEANER_VERSION, clean, detect_format
from archive_search.cleaning.markdown import markdown_text
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

BODY = [
    "The harbour authority approved on Tuesday a plan to dredge the northern channel, "
    "allowing larger cargo ships to dock at the port for the first time since 1998.",
    "Work will start in March and last eleven weeks, the authority’s director said, adding "
    "that fishing boats would keep access to the inner basin throughout.",
    "Local fishermen welcomed the decision but asked for compensation for the weeks when "
    "the outer moorings will be closed to traffic.",
]
TITLE = "Harbour to dredge northern channel for larger ships"
TEXT = TITLE + "\n\n" + "\n\n".join(BODY) + "\n"
HTML = (
    "<!DOCTYPE html><html lang='en'><head><title>" + TITLE + "</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>"
    + TITLE
    + "</h1>"
    + "".join(f"<p>{p}</p>" for p in BODY)
    + "</article><footer>© 2024 Harbour Gazette</footer></body></html>"
)


def rejection(data: bytes, key: str, **kwargs: object) -> RejectedInput:
    with pytest.raises(RejectedInput) as exc:
        clean(data, key, **kwargs)  # type: ignore[arg-type]
    return exc.value


def test_cleaner_version_is_a_non_empty_string() -> None:
    assert isinstance(CLEANER_VERSION, str) and CLEANER_VERSION


def test_plain_text_gives_title_and_paragraphs() -> None:
    [article] = clean(TEXT.encode(), "inbox/harbour.txt")

    assert article.title == TITLE
    assert article.body.split("\n\n") == BODY
    assert article.language == "en"


def test_html_page_gives_the_article() -> None:
    [article] = clean(HTML.encode(), "inbox/harbour.html")

    assert article.title == TITLE
    assert "dredge the northern channel" in article.body
    assert "Home" not in article.body
    assert article.language == "en"


def test_json_record_gives_the_article() -> None:
    record = {
        "title": TITLE,
        "body": "\n\n".join(BODY),
        "source": "Harbour Gazette",
        "published": "2024-02-01",
    }

    [article] = clean(json.dumps(record).encode(), "inbox/harbour.json")

    assert article.title == TITLE
    assert article.source == "Harbour Gazette"
    assert article.language == "en"


@pytest.mark.parametrize("key", ["in/a.txt.gz", "in/a.TXT.GZ"])
def test_gzipped_text_is_decompressed(key: str) -> None:
    [article] = clean(gzip.compress(TEXT.encode()), key)

    assert article.body.split("\n\n") == BODY


def test_gzipped_html_is_decompressed() -> None:
    [article] = clean(gzip.compress(HTML.encode()), "in/harbour.html.gz")

    assert "dredge the northern channel" in article.body


def test_gzip_is_recognised_by_its_magic_bytes_without_the_extension() -> None:
    [article] = clean(gzip.compress(TEXT.encode()), "in/harbour.txt")

    assert article.title == TITLE


def test_gzip_bomb_is_refused_beyond_the_decompressed_limit() -> None:
    bomb = gzip.compress(b"a" * 2_000_000)

    error = rejection(bomb, "in/bomb.txt.gz", max_decompressed_bytes=1_000_000)

    assert error.reason == "too_large"


@pytest.mark.parametrize("data", [gzip.compress(TEXT.encode())[:40], b"\x1f\x8bnot really gzip"])
def test_broken_gzip_is_rejected(data: bytes) -> None:
    assert rejection(data, "in/broken.txt.gz").reason == "invalid_gzip"


@pytest.mark.parametrize("key", ["in/a.txt", "in/a.html", "in/a.json", "in/a.txt.gz"])
@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_file_is_rejected_as_empty(data: bytes, key: str) -> None:
    if key.endswith(".gz"):
        data = gzip.compress(data)

    assert rejection(data, key).reason == "empty"


@pytest.mark.parametrize("key", ["in/a.txt", "in/a.html", "in/a.json", "in/a"])
def test_binary_file_of_no_known_format_is_rejected_as_binary(key: str) -> None:
    error = rejection(b"\x00\x01\x02\x03" + bytes(range(256)) * 4, key)

    assert error.reason == "binary"
    assert "text (.txt), a web page (.html) or JSON" in error.message


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


# A PDF can be all ASCII (no compressed streams): without its signature it reads as text.
_ASCII_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_ASCII_PDF * 4, "a PDF document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4, "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "a JPEG image"),
        (_zip("[Content_Types].xml", "word/document.xml"), "a Word document (.docx)"),
        (_zip("notes.txt"), "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)), "an older Microsoft Office document"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 " + TEXT.encode() + b"}", "an RTF document"),
        (b"bplist00\xd4\x01\x02_\x10\x0fWebMainResource" + bytes(range(256)), "a Safari web archive"),
    ],
)
@pytest.mark.parametrize("key", ["in/a.txt", "in/a.HTML", "in/a", "in/a.txt.gz"])
def test_a_document_of_another_format_is_rejected_naming_the_format(
    data: bytes, named: str, key: str
) -> None:
    if key.endswith(".gz"):
        data = gzip.compress(data)

    error = rejection(data, key)

    assert error.reason == "unsupported_type"
    assert named in error.message
    assert "text (.txt), a web page (.html) or JSON" in error.message


def test_unsupported_document_format_is_rejected_by_name() -> None:
    error = rejection(b"%PDF-1.7 some text that is not really a pdf", "in/report.pdf")

    assert error.reason == "unsupported_type"


def test_text_in_a_legacy_encoding_is_decoded_not_rejected() -> None:
    text = TEXT.replace("authority’s", "authority’s “new” café")

    [article] = clean(text.encode("cp1252"), "in/harbour.txt")

    assert "authority’s “new” café director" in article.body


def test_utf16_text_file_is_decoded() -> None:
    [article] = clean(TEXT.encode("utf-16"), "in/harbour.txt")

    assert article.title == TITLE


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"Home\nNews\nSport\nContact us\n", "in/menu.txt"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "in/menu.html"),
        (b'{"title": "Only a title"}', "in/record.json"),
        (b"!!! ??? ... --- ***", "in/punctuation.txt"),
    ],
)
def test_input_without_article_text_is_rejected(data: bytes, key: str) -> None:
    assert rejection(data, key).reason == "no_article_text"


def test_invalid_json_is_rejected() -> None:
    assert rejection(b'{"title": "unterminated', "in/record.json").reason == "invalid_json"


@pytest.mark.parametrize(
    ("key", "text", "content_type", "expected"),
    [
        ("a.htm", "plain", None, "html"),
        ("a.json", "plain", None, "json"),
        ("a.txt", "<html><body>x</body></html>", None, "html"),
        ("a.md", '\n<?xml version="1.0"?>\n<!-- saved -->\n<!DOCTYPE html>\n<p>x</p>', None, "html"),
        ("a.txt", "<p> is the paragraph tag.\n\n<html> starts a page.", None, "text"),
        ("a", '{"title": "x"}', None, "json"),
        ("a.dat", "<!DOCTYPE html><html><p>x</p></html>", None, "html"),
        ("a", "Just words on a line.", None, "text"),
        ("a", "Just words", "text/html; charset=utf-8", "html"),
    ],
)
def test_format_comes_from_extension_then_content_type_then_content(
    key: str, text: str, content_type: str | None, expected: str
) -> None:
    assert detect_format(key, text, content_type) == expected


def test_a_web_page_saved_as_txt_is_extracted_as_html_not_indexed_as_markup() -> None:
    [article] = clean(HTML.encode(), "inbox/saved-page.txt")

    assert "dredge the northern channel" in article.body
    assert "<" not in article.title and "<p>" not in article.body


def test_html_without_extension_is_sniffed_and_extracted() -> None:
    [article] = clean(HTML.encode(), "inbox/no-extension")

    assert "dredge the northern channel" in article.body
    assert "<p>" not in article.body


def _mhtml(html: str, charset: str = "utf-8", newline: str = "\r\n") -> bytes:
    """A page as Chrome's "Save as: Webpage, single file" writes it: MIME, quoted-printable."""
    import quopri

    body = quopri.encodestring(html.encode(charset)).decode("ascii")
    lines = [
        "From: <Saved by Blink>",
        "Snapshot-Content-Location: https://harbour.example/news/dredging",
        "Subject: " + TITLE,
        "MIME-Version: 1.0",
        'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--x1----"',
        "",
        "------MultipartBoundary--x1----",
        f"Content-Type: text/html; charset={charset}",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Location: https://harbour.example/news/dredging",
        "",
        *body.splitlines(),
        "------MultipartBoundary--x1----",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0KGgo=",
        "------MultipartBoundary--x1------",
        "",
    ]
    return newline.join(lines).encode("ascii")


@pytest.mark.parametrize("key", ["inbox/page.mhtml", "inbox/page.MHT", "inbox/page", "inbox/page.mhtml.gz"])
def test_a_page_saved_as_mhtml_gives_the_article_of_its_html_part(key: str) -> None:
    data = _mhtml(HTML)
    if key.endswith(".gz"):
        data = gzip.compress(data)

    [article] = clean(data, key)

    assert article.title == TITLE
    assert "dredge the northern channel" in article.body
    assert "MultipartBoundary" not in article.body and "Content-Type" not in article.body


def test_an_mhtml_page_is_known_by_its_headers_in_any_letter_case() -> None:
    data = (
        _mhtml(HTML)
        .replace(b"MIME-Version", b"mime-VERSION")
        .replace(b"multipart/related", b"Multipart/Related")
    )

    [article] = clean(data, "inbox/page")

    assert article.title == TITLE
    assert "MultipartBoundary" not in article.body


def test_an_mhtml_page_is_read_in_the_charset_its_part_declares() -> None:
    html = HTML.replace("authority’s", "autorité’s café")

    [article] = clean(_mhtml(html, charset="windows-1252", newline="\n"), "inbox/page.mht")

    assert "autorité’s café director" in article.body


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode().replace(b"authority", b"author\x00ity", 1),  # one stray NUL
        TEXT.encode() + b"\x00" * 4096,  # padding a crashed editor or a partial copy leaves
        b"\x00" * 16 + TEXT.encode(),
    ],
)
def test_text_with_a_few_nul_bytes_is_cleaned_without_them_not_rejected_as_binary(data: bytes) -> None:
    [article] = clean(data, "inbox/harbour.txt")

    assert article.title == TITLE
    assert "the authority’s director said" in article.body
    assert "\x00" not in article.body


_NITF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<nitf><head><title>' + TITLE + "</title></head><body>"
    "<body.head><hedline><hl1>"
    + TITLE
    + "</hl1></hedline></body.head><body.content>"
    + "".join(f"<p>{p}</p>" for p in BODY)
    + "</body.content></body></nitf>"
)


@pytest.mark.parametrize("key", ["inbox/story.txt", "inbox/story.md", "inbox/story.xml"])
def test_an_xml_news_document_under_any_name_is_read_as_markup_not_indexed_as_its_tags(key: str) -> None:
    [article] = clean(_NITF.encode(), key)

    assert "dredge the northern channel" in article.body
    assert "<" not in article.title and "<p>" not in article.body and "nitf" not in article.body


@pytest.mark.parametrize(
    "feed",
    [
        '<?xml version="1.0"?>\n<?xml-stylesheet href="rss.xsl"?>\n<rss version="2.0"><channel><item>'
        f"<title>{TITLE}</title><description>{BODY[0]}</description></item></channel></rss>",
        f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>{TITLE}</title>'
        f"<summary>{BODY[0]}</summary></entry></feed>",
    ],
)
@pytest.mark.parametrize("key", ["inbox/feed.txt", "inbox/feed.xml", "inbox/feed"])
def test_a_news_feed_is_rejected_naming_it(feed: str, key: str) -> None:
    error = rejection(feed.encode(), key)

    assert error.reason == "unsupported_type"
    assert "an RSS or Atom feed" in error.message


@pytest.mark.parametrize(
    "key", ["inbox/export.csv", "inbox/export.TSV", "inbox/export.csv.gz", "inbox/page.webarchive"]
)
def test_a_spreadsheet_export_or_web_archive_is_rejected_by_its_extension(key: str) -> None:
    table = f'title,body\n"{TITLE}","{BODY[0]}"\n'.encode()
    data = gzip.compress(table) if key.endswith(".gz") else table

    error = rejection(data, key)

    assert error.reason == "unsupported_type"
    assert "JSON (.json, .jsonl)" in error.message


_SCRIPT_SHELL = (
    "<!DOCTYPE html><html><head><title>Harbour Gazette</title></head><body>"
    '<div id="root"></div><script src="/static/app.js"></script></body></html>'
)


@pytest.mark.parametrize(
    ("raw", "key", "reason"),
    [
        (b" \n", "in/a.txt.gz", "empty"),
        (b"%PDF-1.7 a document", "in/a.pdf.gz", "unsupported_type"),
        (_SCRIPT_SHELL.encode(), "in/a.html.gz", "no_article_text"),
        (b'{"title": "no text"}', "in/a.json.gz", "no_article_text"),
    ],
    ids=["empty", "pdf", "html", "json"],
)
def test_a_compressed_uploads_rejection_names_its_key_as_uploaded(raw: bytes, key: str, reason: str) -> None:
    # the key without .gz names the format, but no object: the receipt is the .gz's
    error = rejection(gzip.compress(raw), key)

    assert error.reason == reason and error.message.startswith(f"{key}: "), error.message


@pytest.mark.parametrize(
    ("data", "key", "says"),
    [
        (b"Ferry cancelled\n\nThe ferry was cancelled.", "in/a.txt", "fewer than 8 words"),
        (_SCRIPT_SHELL.encode(), "in/a.html", "JavaScript"),
        (  # a redirect stub: the article is at the address it names, not behind a script
            b'<html><head><meta http-equiv="Refresh" content="0; URL=\'https://example.com/a/story\'">'
            b"</head><body>Redirecting</body></html>",
            "in/a.html",
            "the page only sends its reader on to https://example.com/a/story (a meta refresh): "
            "save the page it leads to",
        ),
        (b"word " * 400_000, "in/a.txt", "the file is 1.9 MB, over the limit of 1 MB for text files;"),
        # just over: "1.0 MB, over the limit of 1 MB" would not say how much to cut
        (
            b"word " * 220_000,
            "in/a.txt",
            "1,100,000 bytes, over the limit of 1 MB for text files (1,048,576 bytes);",
        ),
        (
            b"{}" + b" " * (5 * 1024 * 1024),
            "in/a.json",
            "5,242,882 bytes, over the limit of 5 MB for JSON files (5,242,880 bytes);",
        ),
        (gzip.compress(b"word " * 220_000), "in/a.txt.gz", "over the limit of 1 MB for text files"),
        (
            (" ".join(BODY) + " ").encode() * 700,
            "in/a.txt",
            "200,000 characters, the most one article may have",
        ),
    ],
)
def test_a_rejection_says_in_plain_words_what_is_wrong_and_what_to_do(
    data: bytes, key: str, says: str
) -> None:
    assert says in rejection(data, key).message


@pytest.mark.parametrize(
    "text",
    [
        json.dumps([{"title": TITLE, "body": "\n\n".join(BODY)}], indent=2),
        json.dumps({"title": TITLE, "body": "\n\n".join(BODY)}),
        json.dumps({"title": TITLE, "body": "\n\n".join(BODY)})
        + "\n"
        + json.dumps({"title": "x", "body": BODY[0]}),
    ],
)
def test_json_records_saved_as_txt_are_read_as_json_not_indexed_as_their_syntax(text: str) -> None:
    articles = clean(text.encode(), "inbox/export.txt")

    assert articles[0].title == TITLE
    assert articles[0].body.startswith(BODY[0][:40]) and '"body"' not in articles[0].body


def test_a_text_opening_with_a_bracket_stays_a_text() -> None:
    [article] = clean(("[Updated] " + TEXT).encode(), "inbox/story.txt")

    assert "dredge the northern channel" in article.body


MARKDOWN = (
    "# Harbour reopens after the storm\n\n*By Jane Doe*\n\n"
    "The **harbour** reopened on Tuesday after the storm, officials said, and the first "
    '[ships](https://example.com/ships "Ships") moved out before noon while crews cleared the quay.\n\n'
    "![The quay at dawn](https://example.com/quay.jpg)\n\n"
    "> The port_authority's `plan` worked, the mayor said at a briefing on Wednesday morning.\n\n"
    "---\n"
)


@pytest.mark.parametrize("key", ["in/story.md", "in/story.markdown", "in/story.md.gz"])
def test_a_markdown_upload_is_indexed_as_its_text_not_its_markup(key: str) -> None:
    data = gzip.compress(MARKDOWN.encode()) if key.endswith(".gz") else MARKDOWN.encode()

    [article] = clean(data, key)

    assert article.title == "Harbour reopens after the storm"
    assert "The harbour reopened on Tuesday" in article.body
    assert "the first ships moved out" in article.body
    assert "The port_authority's plan worked" in article.body
    assert not any(mark in article.body for mark in ("**", "](", "![", "> ", "---", "`"))


def test_a_text_dump_keeps_what_would_be_markdown_in_a_markdown_file() -> None:
    text = "Harbour notes\n\n" + MARKDOWN.split("\n\n", 2)[2]

    [article] = clean(text.encode(), "in/story.txt")

    assert "**harbour**" in article.body  # a .txt is read as written


@pytest.mark.parametrize(
    "text",
    [
        "Prices rose 5*3*2 times",
        "the port_authority_plan file",
        "a*b@example.com",
        "#harbour trends",
        "1. First",
    ],
)
def test_markdown_marks_are_taken_out_only_where_they_are_marks(text: str) -> None:
    assert markdown_text(text) == text

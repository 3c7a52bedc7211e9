"""Metadata helpers shared by every cleaning path: dates, language, publisher, byline.

Each helper returns ``None`` when the input does not state the value clearly:
metadata is never invented (the ingest time is kept separately).

- ``words``, ``wordlists`` (``metadata_words.json``), ``dates``, ``language``, ``sources``
  (publisher), ``names`` (bylines), ``places`` (datelines, titles), ``header`` (a text dump's
  byline and date lines under the headline).
"""

from archive_search.cleaning.metadata.dates import opening_date, parse_date, url_date
from archive_search.cleaning.metadata.header import (
    PICTURE_WORDS,
    HeaderLines,
    HeaderMask,
    breadcrumb_end,
    cjk_credit,
    cjk_end_credit,
    has_menu_separator,
    header_lines,
    is_header_line,
    is_marked_byline,
    is_menu_line,
    labelled_date,
    last_date,
    near_date,
    read_header,
)
from archive_search.cleaning.metadata.language import detect_language, normalise_language
from archive_search.cleaning.metadata.names import (
    Byline,
    has_author_label,
    is_agency,
    is_byline_tail,
    is_editor_credit,
    is_role_line,
    parse_byline,
)
from archive_search.cleaning.metadata.places import (
    clean_place,
    clean_title,
    dateline_byline,
    find_dated_dateline,
    find_dateline,
    first_dateline,
)
from archive_search.cleaning.metadata.sources import (
    clean_source,
    copyright_holder,
    copyright_holders,
    dump_masthead,
)
from archive_search.cleaning.metadata.wordlists import folded_words, metadata_words
from archive_search.cleaning.metadata.words import html_text, text_length, word_count, word_key

__all__ = [
    "PICTURE_WORDS",
    "Byline",
    "HeaderLines",
    "HeaderMask",
    "breadcrumb_end",
    "cjk_credit",
    "cjk_end_credit",
    "clean_place",
    "clean_source",
    "clean_title",
    "copyright_holder",
    "copyright_holders",
    "dateline_byline",
    "detect_language",
    "dump_masthead",
    "find_dated_dateline",
    "find_dateline",
    "first_dateline",
    "folded_words",
    "has_author_label",
    "has_menu_separator",
    "header_lines",
    "html_text",
    "is_agency",
    "is_byline_tail",
    "is_editor_credit",
    "is_header_line",
    "is_marked_byline",
    "is_menu_line",
    "is_role_line",
    "labelled_date",
    "last_date",
    "metadata_words",
    "near_date",
    "normalise_language",
    "opening_date",
    "parse_byline",
    "parse_date",
    "read_header",
    "text_length",
    "url_date",
    "word_count",
    "word_key",
]

"""Plain-text dumps of whole pages (what copying a news page as text gives) to one Article.

Steps, in order:
1. split into blocks (each non-empty line is a block, whitespace collapsed);
2. a credit line ("Published in Dawn, April 12th, 2023") gives publisher and date and ends
   the article: what follows it is the page's teaser lists, never part of the article and
   never a source of metadata; a reader's dated comment below some paragraph text ends the
   page too, before the classifier reads it;
3. the line classifier (``lines.scores``) judges every block: a block at probability 0.5 or
   more is kept, and so is a prose block next to a kept one that it gives some chance (an
   article's lead and last paragraph, at the edge of its run), and a short heading between
   two kept paragraphs (a subheading); a news dateline in capitals
   ("NEW DELHI: ...") opens the article, so kept blocks well apart above it (teasers) go;
4. the headline is the (repeated, else above a byline or date line, else longest)
   headline-like block (one sentence, no full stop) above the first body paragraph of the
   article's own run of kept blocks (not above a teaser kept well above it), but a
   lead-shaped one under a shorter headline-like block is the standfirst, not the headline;
   everything above the headline found above the first kept paragraph is dropped; byline, date and "Publisher | date" lines under
   it are metadata (``metadata.read_header``); a headline sharing no content word with the
   article's lead gives the title to a headline-like block of the header that shares most
   of its own;
5. a "Related stories" / "Comments" heading below most of the kept text ends the article;
6. selection is repeated on what was kept until nothing more goes (idempotent output); a
   short list of page-furniture patterns (related-link lines, "Most Popular", "To Top",
   share/follow prompts, photo captions with their credit) is removed whatever the
   classifier says;
7. never lose the article: a body holding less than a third of the words of the page's
   longest run of prose paragraphs is replaced by that run;
8. without a headline the title is the body's first sentence; a dateline ("KARACHI: ...")
   gives the place.
Metadata the text does not state stays ``None``.

One module on purpose: the steps share the block list and its indices, and each is short;
split, they would pass that state between modules for no reader's benefit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from archive_search.cleaning import metadata as md
from archive_search.cleaning.lines import THRESHOLD, LineMemo, LineStats, scores
from archive_search.cleaning.lines.hashing import stop_words
from archive_search.cleaning.lines.profile import OTHERS
from archive_search.cleaning.metadata.words import CJK_CHARS
from archive_search.errors import RejectedInput
from archive_search.model import Article

__all__ = ["extract_text", "is_furniture", "split_blocks"]

_WORD_RE = re.compile(r"\w+")

# A credit line: "Published in Dawn, April 12th, 2023", "First published in The Guardian on 3 May
# 2021", and the same in Spanish/Portuguese, French, German and Italian.
_CREDIT_RE = re.compile(
    r"^(?:(?:this (?:article|story) was )?(?:first |originally )?(?:published|appeared|printed)"
    r"|publicad[oa]|publié(?:e)?|paru|veröffentlicht|erschienen|pubblicat[oa])\s+"
    r"(?:in|by|on|en|dans|im|em|no|na|su|sul|nel|nella)\s+(?P<source>[^,;|]{2,60}?)"
    r"\s*(?:,|\bon\b|\bam\b|\ble\b|\bel\b|\bil\b|\||\s[-–—]\s)\s*(?P<date>.{6,40})$",
    re.IGNORECASE,
)

# The longest line _CREDIT_RE (about 150 characters) or _DATED_CREDIT_RE can match when
# whitespace is collapsed: a longer block is never a credit line.
_CREDIT_MAX_CHARS = 160
# What either credit pattern's first word can be, lower case: a block starting otherwise is
# not tried with them (most blocks; trying was a third of the time looking for credits).
_CREDIT_FIRST_WORDS = (
    "this ", "first ", "originally ", "published", "appeared", "printed", "publicad", "publié", "paru ",
    "veröffentlicht", "erschienen", "pubblicat",
)  # fmt: skip
_CREDIT_FIRST_CHARS = frozenset(w[0] for w in _CREDIT_FIRST_WORDS) | frozenset(
    w[0].upper() for w in _CREDIT_FIRST_WORDS
)

# A dated credit line without a publisher: "Published on 11 July 2023", "Veröffentlicht am 11. Juli 2023".
_DATED_CREDIT_RE = re.compile(
    r"^(?:(?:first |originally )?published|veröffentlicht|publié(?:e)?|publicad[oa]|pubblicat[oa])"
    r"(?:\s+(?:on|am|le|el|il|em|o))?\s*:?\s*(?P<date>.{6,40})$",
    re.IGNORECASE,
)

# Page furniture that survives any line classifier because it looks like a short sentence or a
# headline: links to related articles, widget titles, back-to-top links, share/follow prompts.
# These are the page's chrome, not content words: the classifier decides everything else.
_FURNITURE_RE = re.compile(
    r"^(?:"
    r"(?:read|see|also read|read also|watch|listen)(?: more| also| next| this| too)?\s*[:|>»›-]\s*.+"
    r"|also read\b.*"
    r"|(?:mehr zum thema|lesen sie auch|lire aussi|à lire aussi|a lire aussi|lee también|leer más|leia também"
    r"|leia mais|leggi anche)\s*[:|>»›-]?\s*.*"
    r"|(?:(?:share|tweet|email|e-mail|print|pin|facebook|twitter|x|linkedin|reddit|whatsapp|telegram|copy link)"
    r"(?:\s+|\s*[|•·]\s*)){2,}(?:share|tweet|email|e-mail|print|pin|facebook|twitter|x|linkedin|reddit"
    r"|whatsapp|telegram|copy link)?"
    r"|related(?: articles?| stories| news| posts?| reading| coverage)?\s*[:|>»›-].*"
    r"|recommended(?: for you)?\s*[:|>»›-]?.*"
    r"|(?:most|the most) (?:popular|read|viewed|shared|commented)(?: (?:stories|articles|news|today|this week))?"
    r"|(?:back )?to (?:the )?top"
    r"|top of page|scroll to top|back to top"
    r"|(?:share|tweet|email|print)(?: this| the)?(?: article| story| post| page)?(?: on \w+)?"
    r"|share(?: this)?(?: article| story| post)?(?:\s*[:|]\s*.*)?"
    r"|follow us(?: on .*)?"
    r"|(?:like|follow) (?:us|our page) on .*"
    r"|subscribe(?: now| today)?(?: to .{0,40})?"
    r"|sign up for (?:our|the) .{0,40}newsletter.*"
    r"|advertisement|sponsored(?: content)?"
    r"|click here to .{0,80}"
    # a bare "read more" link under a teaser or at the article's foot
    r"|(?:read more|continue reading|read (?:the )?full (?:story|article)|full story|weiterlesen|mehr lesen"
    r"|lire la suite|leggi (?:tutto|di più)|ler mais|lees meer|czytaj (?:więcej|dalej)|подробнее"
    r"|читать (?:далее|дальше)|baca selengkapnya|selengkapnya|devamını oku|xem tiếp)\s*[.…»›>→]*"
    # "read also" links in more languages: bare, or a separator and the linked headline
    r"|(?:baca juga|lees ook|läs också|læs også|les også|czytaj (?:też|także)|читайте также"
    r"|xem thêm|ayrıca okuyun|ilgili haberler?|δείτε επίσης|artikel terkait|berita terkait)"
    r"(?:\s*[:|>»›-]\s*.+)?"
    # a share or advertising label alone, in more languages
    r"|compartir|compartilhe|compartilhar|partager|teilen|condividi|delen|udostępnij|поделиться|paylaş"
    r"|bagikan|chia sẻ|anzeige|werbung|publicidad|publicité|pubblicità|publicidade|advertentie|annons"
    r"|reklama|реклама|iklan|quảng cáo"
    # CJK share bars and back-to-top links ("分享到：微信 微博"; editor credits: md.is_editor_credit)
    r"|分享到\s*[:：]?.{0,40}|(?:分享|シェア|공유)\s*[:：].{0,40}|返回顶部|ページトップへ"
    r")\s*$",
    re.IGNORECASE,
)
# "read also" labels of Spanish, Portuguese, German, French and Italian pages, a colon and the
# linked headline, the whole in brackets or not; a bare "Lea:" only before a headline (an
# interview's "Lea: ..." ends its sentence). Only a block with a colon near its start is tried.
_READ_ALSO_RE = re.compile(
    r"^\(?(?:(?:lea (?:también|además|más)|puedes ver|vea (?:también|además)|mira también|[tl]e puede interesar"
    r"|veja (?:também|mais)|lesen sie (?:mehr|weiter)|auch interessant|voir aussi|à voir aussi|a voir aussi"
    r"|vedi anche)\s*:\s*.+|lea\s*:\s*[^.!]+)$",
    re.IGNORECASE,
)
_READ_ALSO_LABEL_CHARS = 25
# A keyword list (tag cloud, a menu on one line): this many words or more, none of the marks
# that break up prose or a written-out list, under this share of function words.
_KEYWORD_LIST_MIN_WORDS = 20
_KEYWORD_LIST_MIN_CHARS = 2 * _KEYWORD_LIST_MIN_WORDS
_KEYWORD_LIST_MARKS_RE = re.compile(r"[.,;:!?()。，、；：！？]")
_SPACED_DASHES = (" - ", " – ", " — ")
_KEYWORD_LIST_MAX_FUNCTION_SHARE = 0.05
# Wire agencies credited with a photo ("(AP Photo/...)", "(REUTERS/...)"); alone in brackets,
# "(dpa)", they credit the article's text, so only a credit with a photographer counts.
_WIRE_AGENCIES = "ap|afp|reuters|efe|epa|dpa|ansa|getty|getty images"
# A photo caption ends with its credit ("... Photograph: AFP", "(Photo: Getty Images)", "Foto: dpa"):
# the picture's, never the article's text.
_CAPTION_RE = re.compile(
    rf"(?:\b(?:photograph|{'|'.join(md.PICTURE_WORDS)}|illustration|credit)s?\s*(?:[:©]|by\b)\s*[^.!?]{{2,80}}\)?"
    r"|\(photo[^)]{0,80}\)"
    # a bracketed credit: an agency or a picture word, a slash and the photographer's name of two
    # words or more ("(AP Photo/Jane A. Doe)", "(REUTERS/Ana Pérez)"; "(dpa/lnw)" credits a
    # wire's regional service with the text), or a picture word and "by" or a colon, the
    # name allowed its initials' full stops ("(Picture by J. Doe.)", "(Foto Diario Local: Ana Pérez)")
    rf"|\((?:[^()]{{0,40}}\s)?(?:(?:{_WIRE_AGENCIES})(?:\s+(?:{'|'.join(md.PICTURE_WORDS)})s?)?"
    rf"|(?:{'|'.join(md.PICTURE_WORDS)})s?)\s*/\s*[^()/\s][^()/]{{0,30}}\s[^()/]{{1,30}}\)"
    rf"|\(\s*(?:{'|'.join(md.PICTURE_WORDS)})s?\b[^():]{{0,30}}(?::|\bby\b)[^()]{{2,80}}\))$",
    re.IGNORECASE,
)
_CAPTION_MAX_CHARS = 400
# A figure caption opens with the figure's label ("Figure 3: ...", "Abb. 2.", "Foto: dpa").
_FIGURE_LABEL_RE = re.compile(
    rf"(?:fig(?:ure|ura|ur)?|abb(?:ildung)?|grafik|illustration|{'|'.join(md.PICTURE_WORDS)})s?\.?"
    r"\s*(?:\d+[a-z]?\s*[.:]|:)",
    re.IGNORECASE,
)
# A photo caption places the people in the picture ("Jane Doe (left) and ...", "(v. l.)") or
# marks it as a stock or archive picture ("(Symbolbild)").
_PICTURE_PLACE_RE = re.compile(
    r"\s\((?:[lrm]\.|li\.|re\.|v\.\s?[lr]\.|links|rechts|mitte|left|right|cent(?:er|re)|from (?:left|right)"
    r"|izq(?:uierda)?\.?|dcha\.?|derecha|à gauche|à droite|de g\. à d\.|symbolbild|archivbild|symbolfoto|archivfoto)\)",
    re.IGNORECASE,
)
_SENTENCE_STOPS = (".", "!", "?", "。", "！", "？")
# The longest credit _CAPTION_RE matches, in characters.
_CAPTION_TAIL = 120
# Headings that open what follows an article (related stories, recommendations, comments), as
# whole lines: a "more from" or "comments" heading naming a site or a count (these patterns), the
# headings of ``metadata_words.json``'s ``article_end_headings`` (``_end_heading_re``), and the
# HTML cleaner's labels of what follows an article (its ``article_end_labels``: "Notas
# relacionadas", "Sur le même sujet", "Über den Autor"), which are short.
_END_MARKER_PATTERNS = (
    r"more (?:stories|news|articles) from\b.*|more from\b.*|mehr aus\b.*|(?:\d+ )?comments?(?: \(\d+\))?"
)
_END_LABEL_MAX_CHARS = 40
# A reader's comment, opened by its author and the time it was posted ("Jane Doe on September
# 12, 2018 at 4:47 pm said:", "Jane Doe | 12/09/2018 at 16:47 says:"), or by a user name
# alone ("janedoe says:", counted only when the page has several: see _comment_headers).
_DATED_COMMENT_RE = re.compile(
    r"^.{1,60}?\b(?:on\s+)?.{0,30}?\d.{0,30}?\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:said|says|wrote|writes)\s*:$",
    re.IGNORECASE,
)
_MIN_WORDS_BEFORE_COMMENTS = 30
# A recommendation list's heading ("You may also like", "Das könnte Sie auch interessieren"):
# the list follows the article, is never set inside it (a "Related" box may be) and can be
# longer than the article, so it ends the article once _MIN_WORDS_BEFORE_COMMENTS words are above.
_RECOMMENDED_RE = re.compile(
    r"^(?:you (?:may|might) (?:also )?(?:like|enjoy)|você (?:também )?(?:pode|poderá) gostar"
    r"|vous (?:aimerez|pourriez)(?: peut-être)?(?: aussi| également)?(?: aimer)?"
    r"|das könnte (?:sie|dich) auch interessieren|(?:también )?(?:te|le) (?:puede|podría) interesar"
    r"|(?:ti )?potrebbe (?:anche )?(?:interessarti|interessare|piacerti|piacere)(?: anche)?"
    r"|dit vind je misschien ook leuk|misschien ook interessant)\s*[.…:!]*$",
    re.IGNORECASE,
)
_NAMED_COMMENT_RE = re.compile(r"^\S+(?: \S+){0,3} (?:says|writes)\s*:$", re.IGNORECASE)
# Share of the kept text that must come before an end marker for it to end the article: most
# of it, so that a "Related" box inside the article does not cut it short.
_END_MARKER_SHARE = 0.5
# A "related stories" box set inside the article holds a few links before the article goes on.
_INLINE_BOX_BLOCKS = 4
# A dateline prefix on the body's first sentence ("KARACHI: ", "LONDON (Reuters) - ").
_DATELINE_PREFIX_RE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ'’.,\- ]{1,40}(?:\([^)]{1,30}\))?\s*(?::|[-–—]{1,2})\s+")
# Words before a spaced dash: a dateline's place, or a headline's kicker.
_KICKER_DASH_RE = re.compile(r"^(.{1,60}?)\s+(?:[–—]{1,2}|--)\s")
# The run of capitals opening a block (a news dateline's place: "ST. JOSEPH, M").
_CAPITALS_RE = re.compile(r"[A-ZÀ-Þ][A-ZÀ-Þ'’.,\- ]*")
_META_SEPARATOR_RE = re.compile(r"\s+[|•·–—-]\s+")
_DIGIT_RE = re.compile(r"\d")
_BYLINE_RE = re.compile(r"^(?:by|written by|von|par|por)\s+\S", re.IGNORECASE)
# a word in lower case of four letters or more: a phrase ("Filed under Travel"), not a name
_PHRASE_WORD_RE = re.compile(r"(?<![\w'’.-])[a-zà-ÿ][\w-]{3,}")
# The page's own address opening the dump ("https://...", "URL: https://...", "Source: ..."):
# the date its path states is the site's own dating of the article.
_ADDRESS_RE = re.compile(r"^(?:(?:source|url|link|address)(?: url)?\s*:\s*)?(https?://\S+)$", re.IGNORECASE)
# Not a headline: a URL, a line wholly in brackets, a credit with a copyright sign.
_NOT_HEADLINE_RE = re.compile(r"^https?://|^www\.|^\(.*\)$|©")
# A sentence ending inside a headline-like block: two sentences; in one that ends no sentence
# itself only a full stop (``_is_title_candidate``: a "!" or "?" there is the headline's own).
_SENTENCE_INSIDE_RE = re.compile(r"[a-z]{3}[.!?]\s+[(\"“‘A-Z]")
_STATEMENT_INSIDE_RE = re.compile(r"[a-z]{3}\.\s+[(\"“‘A-Z]")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(A-ZÀ-Þ0-9])|(?<=[。！？])\s*")
# A CJK full stop with more text after it: two sentences (CJK puts no space between them).
_CJK_SENTENCE_SEAM_RE = re.compile(r"[。！？][」』）”]*\s*\S")
# A sentence closed inside quotes or brackets at the end of a block.
_CLOSED_SENTENCE_RE = re.compile(r"[a-zà-ÿ]{2}[.!?…]+[\"”’»)]+$")
# Two sentences of three words or more: the first ends on a word of two lower-case letters or
# more (not an initial or "Dr."), the second opens with a capital.
_NEXT_SENTENCE = r"[.!?]+[\"”’»)]*\s+[\"“„«(]?[A-ZÀ-Þ]"
_TWO_SENTENCES_RE = re.compile(rf"\w+\W+\w+\W+[a-zà-ÿ]{{2,}}{_NEXT_SENTENCE}\w*\W+\w+\W+\w+")
# The same after a full stop only: in a block that ends no sentence itself, a "!" or "?" inside
# is a headline's cry or question ("An oder aus? So heizen Sie ...", "¡Exclusividad! ...").
_NEXT_STATEMENT = r"\.+[\"”’»)]*\s+[\"“„«(]?[A-ZÀ-Þ]"
_TWO_STATEMENTS_RE = re.compile(rf"\w+\W+\w+\W+[a-zà-ÿ]{{2,}}{_NEXT_STATEMENT}\w*\W+\w+\W+\w+")
# Where two sentences meet, which _TWO_SENTENCES_RE needs: a block without it is not searched
# with that pattern (slow on any block: its first words are tried at every word).
_SENTENCE_SEAM_RE = re.compile(rf"[a-zà-ÿ]{{2}}{_NEXT_SENTENCE}")
# A block ending a sentence (before closing quotes and brackets): prose, not a menu item or a label.
_SENTENCE_ENDS = frozenset(".!?…。！？")
_CLOSING_MARKS = '"”’»)」』）'

_TITLE_MAX_WORDS = 30
# A paragraph has this many words or more: menus, labels and headlines have fewer.
_PARAGRAPH_WORDS = 10
# A header's blocks of fewer space-separated words than this (share buttons, labels) count
# neither for its window nor for its reach: a count of tokens, not of memo.word_count's words.
_HEADER_COUNTED_WORDS = 3
_TITLE_MAX_CHARS = 250
_DERIVED_TITLE_MAX_CHARS = 120
# Below this many blocks a text is judged block by block (furniture patterns only): there is
# not enough page around the article for the classifier's neighbourhood features.
_MIN_BLOCKS_FOR_CLASSIFIER = 12
# How many blocks before the article's first long block the headline is looked for in.
_TITLE_WINDOW = 8
# A headline of two words is taken only right above the body (see _short_headline)
_SHORT_TITLE_WORDS = 2
# A block above a date line with at most this many words may be a section label (_under_label)
_LABEL_WORDS = 3
# A headline-like block this long under a shorter one is a lead (standfirst), not the headline.
_LEAD_WORDS = 16
# A headline-like block of at most this many words that other documents of the archive hold is
# a site's label (navigation, a section, a back link), not the headline: teasers are longer.
_SITE_LABEL_MAX_WORDS = 5
# How many blocks of three words or more under the headline its byline or date line may be
# (a standfirst and a section label may come between), and how far above the article's first
# paragraph a headline is looked for that way (a header with share panels is long); blocks of
# one or two words are not counted.
_HEADER_REACH = 3
# How many blocks above the headline its date line may be (a page dated above its headline).
_DATE_ABOVE_REACH = 2
# A date line is short: a body block longer than this that opens with a date is a paragraph.
_DATED_LINE_CHARS = 200
_HEADER_WINDOW = 30
_MAX_PASSES = 8
# Fewer words than this in the whole body is a page without an article (menus, a caption).
_MIN_ARTICLE_WORDS = 8
_TOO_FEW_WORDS = (
    f"no article text found: fewer than {_MIN_ARTICLE_WORDS} words of article once the headline, "
    "menus and links are set aside; upload the article's whole text"
)
# A prose block next to kept text is kept when the classifier gives it at least this: the lead
# and the last paragraph of an article sit at the edge of its run, where the line model has the
# fewest article neighbours to go by.
_ADJACENT_PROSE_MIN_SCORE = 0.2
_ADJACENT_PROSE_MIN_WORDS = _PARAGRAPH_WORDS
_SUBHEADING_MAX_WORDS = 8
# A kept paragraph ending with a colon introduces a list of at most this many lines, each of at
# most this many words: a longer run of short lines under it is a menu or a teaser list.
_LIST_MAX_ITEMS = 6
_LIST_ITEM_MAX_WORDS = 15
# Kept blocks this many dropped blocks or more above a news dateline's paragraph are not the
# article's header: teaser lists and sidebars above a wire story.
_DATELINE_GAP = 3
# Kept blocks this many dropped blocks or more apart are separate runs, and a run above holding
# less than this share of the kept words below it is not the article's (_main_run_start): a
# teaser or a sidebar the line model keeps well above the article is a small part of its text.
_APART_GAP = 10
_APART_SHARE = 0.1
# The body is replaced by the page's longest run of prose when it holds less than this share of
# the run's words: the selection has lost the article (kept a sidebar or a list instead).
_GUARD_SHARE = 1 / 3
_PROSE_RUN_MIN_WORDS = 15
# A headline shares content words with its article's lead: the first this many words of the
# paragraphs under the header are what a headline is compared with (_shares_with_lead).
_LEAD_SAMPLE_WORDS = 100
# A headline-like block sharing at least this share of its content words with the lead names
# the article; menus, captions, teasers and site labels share few or none.
_SHARED_WORDS_SHARE = 0.5
# A content word has this many characters or more (shorter ones are mostly function words).
_CONTENT_WORD_CHARS = 3
_CJK_RUN_RE = re.compile(f"[{CJK_CHARS}]+")
# A consent or subscription notice has at most this many words (``_is_notice``).
_NOTICE_MAX_WORDS = 80
# A reader's prompt has at most this many words (``_is_box``): a longer paragraph naming a
# newsletter or a channel is the article's. It is a sentence: a shorter line ("Newsletter") is
# a heading or a label, which other rules judge.
_PROMPT_MAX_WORDS = 30
_PROMPT_MIN_WORDS = 4


def split_blocks(text: str) -> list[str]:
    """Non-empty lines, whitespace collapsed. A line is a block (a paragraph in the seeds)."""
    blocks = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            # Most lines hold single ASCII spaces only (printable, no double space): they are
            # their collapsed form already, and splitting and joining them took twice as long.
            blocks.append(line if "  " not in line and line.isprintable() else " ".join(line.split()))
    return blocks


def _key(block: str) -> str:
    """Comparison key: case, accents, quotes and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", block).casefold()
    return " ".join(_WORD_RE.findall(folded.replace("’", "'")))


def _same_text(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= 8 and _key(a) == _key(b)


def is_furniture(block: str) -> bool:
    """A related-link, widget, back-to-top or share/follow line, a keyword list, or a photo caption."""
    if len(block) <= 200 and (
        _FURNITURE_RE.match(block) is not None
        or md.is_editor_credit(block)
        or (block.find(":", 0, _READ_ALSO_LABEL_CHARS) >= 0 and _READ_ALSO_RE.match(block) is not None)
    ):
        return True
    if len(block) >= _KEYWORD_LIST_MIN_CHARS and _is_keyword_list(block):
        return True
    if len(block) <= _CAPTION_MAX_CHARS and (
        _FIGURE_LABEL_RE.match(block) is not None
        # a place in the picture is in brackets: a block without one is not searched
        or ("(" in block and _PICTURE_PLACE_RE.search(block) is not None)
    ):
        return True
    # A credit is at the end: only the block's tail is searched. _CAPTION_RE's last character is
    # never a full stop, "!" or "?", and most blocks (prose) end on one: they are not searched,
    # but for a bracketed credit closed by a full stop ("... (Photo: AFP).").
    end = len(block) - 1 if block.endswith(").") else len(block)
    return (
        len(block) <= _CAPTION_MAX_CHARS
        and block[end - 1 : end] not in _SENTENCE_STOPS
        and _CAPTION_RE.search(block, max(0, end - _CAPTION_TAIL), end) is not None
    )


def _is_keyword_list(block: str) -> bool:
    """A tag cloud or a menu laid out on one line: ``_KEYWORD_LIST_MIN_WORDS`` words or more with no
    punctuation between them and almost no function words. Prose, even unpunctuated, holds
    function words; a list written out in a sentence holds commas."""
    # prose meets a mark within its first words: that search goes first
    if _KEYWORD_LIST_MARKS_RE.search(block) is not None or any(d in block for d in _SPACED_DASHES):
        return False
    words = block.split()
    return len(words) >= _KEYWORD_LIST_MIN_WORDS and (
        sum(w.casefold() in _stop_words() for w in words) < _KEYWORD_LIST_MAX_FUNCTION_SHARE * len(words)
    )


def _is_headline(block: str, memo: LineMemo, min_words: int = 1, *, asking: bool = False) -> bool:
    """A headline's shape. ``asking``: a "!" or "?" inside a block that ends no sentence is the
    headline's own (``_TWO_STATEMENTS_RE``), not the end of a first sentence."""
    if len(block) > _TITLE_MAX_CHARS:  # a paragraph's length, told before counting its words
        return False
    words = memo.word_count(block)
    if words < min_words or words > _TITLE_MAX_WORDS:
        return False
    if block.endswith((".", ",", ";", ":", "。", "，", "；", "：")) and not block.endswith("..."):
        return False
    # A headline is one sentence without its full stop: a block of two sentences, or one
    # closed inside quotes or brackets ('... hinnehmen."'), is a paragraph.
    if (
        _CLOSED_SENTENCE_RE.search(block)
        or (_SENTENCE_SEAM_RE.search(block) and _two_sentences(block, asking).search(block))
        or (not block.isascii() and _CJK_SENTENCE_SEAM_RE.search(block))
    ):
        return False
    if _opens_with_dateline(block) or is_furniture(block) or _CREDIT_RE.match(block):
        return False
    return any(ch.isalpha() for ch in block)


def _two_sentences(block: str, asking: bool) -> re.Pattern[str]:
    """The test of two sentences in ``block`` (``_is_headline``'s ``asking``)."""
    return _TWO_STATEMENTS_RE if asking and block[-1:] not in _SENTENCE_ENDS else _TWO_SENTENCES_RE


def _opens_with_dateline(block: str) -> bool:
    """A dateline opening the block, but for words in mixed case before a dash ("Firefox –
    Weniger Werbung, mehr Speed"): a headline's kicker, since a paragraph that a dateline in
    mixed case opens ends with a full stop, and a headline does not."""
    if not md.find_dateline(block):
        return False
    kicker = _KICKER_DASH_RE.match(block)
    return kicker is None or kicker[1].isupper()


def _is_meta_line(block: str, memo: LineMemo) -> bool:
    """A byline or a date line: part of the article's header, not of its body; a CJK line of
    labels ("来源：新华社 作者：李明") too."""
    if md.cjk_credit(block) is not None:
        return True
    n_words = memo.word_count(block)
    if n_words > 12:
        return False
    return _BYLINE_RE.match(block) is not None or (n_words <= 10 and md.parse_date(block) is not None)


def _is_title_candidate(block: str, memo: LineMemo) -> bool:
    """A headline: 3 to 30 words, no end punctuation, not a menu, byline or date line; one
    sentence (a "!" or "?" inside a block that ends no sentence is a headline's cry or question),
    not a URL, not a credit in brackets ("(Jane Doe / Associated Press)"). Asked once a page:
    the headline's searches ask about the same blocks."""
    found = memo.title_tests.get(block)
    if found is None:
        inside = _SENTENCE_INSIDE_RE if block[-1:] in _SENTENCE_ENDS else _STATEMENT_INSIDE_RE
        found = memo.title_tests[block] = (
            _is_headline(block, memo, min_words=3, asking=True)
            and not (md.is_menu_line(block) or _is_meta_line(block, memo))
            and not (_NOT_HEADLINE_RE.search(block) or inside.search(block))
        )
    return found


def _is_site_label(block: str, memo: LineMemo) -> bool:
    """A short block other documents of the archive hold too (never without line statistics):
    a headline is its page's own, while menus, section labels and site furniture repeat on the
    site's other pages. Only short ones: a headline may repeat as a teaser link elsewhere."""
    return (
        memo.stats is not None
        and memo.word_count(block) <= _SITE_LABEL_MAX_WORDS
        and memo.profiles([block])[0, OTHERS] >= 1
    )


def _publisher_beside_date(block: str) -> str | None:
    """The publisher in a "Northgate Herald | 2 June 2023" line: the part that is not the date."""
    parts = [p.strip() for p in _META_SEPARATOR_RE.split(block) if p.strip()]
    if len(parts) < 2:
        return None
    names = [p for p in parts if md.parse_date(p) is None and not _DIGIT_RE.search(p)]
    if (
        len(names) != 1
        or md.word_count(names[0]) > 6
        or _BYLINE_RE.match(names[0])
        or _PHRASE_WORD_RE.search(names[0])
    ):
        return None
    return md.clean_source(names[0])


def _comment_headers(blocks: list[str]) -> set[int]:
    """Blocks that open a reader's comment: "Jane Doe on May 3, 2021 at 4:47 pm said:", or
    "janedoe says:" when the page has more than one (one such line may be an interview's)."""
    candidates = [(i, b) for i, b in enumerate(blocks) if b.endswith(":") and len(b) <= 160]
    dated = {i for i, block in candidates if _DATED_COMMENT_RE.match(block)}
    named = {i for i, block in candidates if i not in dated and _NAMED_COMMENT_RE.match(block)}
    return dated | named if len(named) >= 2 else dated


def _thread_start(blocks: list[str]) -> int:
    """Where a dated reader's comment opens a thread below some paragraph text: the page is
    judged without the thread, which can be longer and read more like prose than a short
    article above it, and so draw the classifier's densest stretch away from the article."""
    dated = sorted(i for i in _comment_headers(blocks) if _DATED_COMMENT_RE.match(blocks[i]))
    if dated and _paragraph_words(blocks[: dated[0]]) >= _MIN_WORDS_BEFORE_COMMENTS:
        return dated[0]
    return len(blocks)


def _paragraph_words(blocks: list[str]) -> int:
    """Words in the blocks of ``_PARAGRAPH_WORDS`` words or more (paragraphs, not menus)."""
    return sum(n for n in map(md.word_count, blocks) if n >= _PARAGRAPH_WORDS)


def _article_end(blocks: list[str], keep: list[bool], start: int, memo: LineMemo) -> int:
    """Where the article ends: the first "related stories" / "comments" heading after most of
    the kept text, or the first reader's comment or "you may also like" heading after some of
    it (comment threads and teaser lists follow an article and read like prose; a thread or a
    list can be longer than the article)."""
    counts = [memo.word_count(b) if k else 0 for b, k in zip(blocks, keep, strict=True)]
    total = sum(counts[start:])
    comments = _comment_headers(blocks)
    seen = 0
    for i in range(start, len(blocks)):
        if seen >= _MIN_WORDS_BEFORE_COMMENTS and (i in comments or _RECOMMENDED_RE.match(blocks[i])):
            return i
        if (
            seen >= _END_MARKER_SHARE * total
            and _is_end_marker(blocks[i])
            and not _resumes_after(blocks, keep, i, memo)
        ):
            return i
        seen += counts[i]
    return len(blocks)


@cache
def _end_heading_re() -> re.Pattern[str]:
    """A whole line that is one of ``_END_MARKER_PATTERNS`` or ``article_end_headings``, perhaps
    with a colon."""
    headings = "|".join(re.escape(h) for h in md.metadata_words()["article_end_headings"])
    return re.compile(rf"^(?:{_END_MARKER_PATTERNS}|{headings})\s*:?$", re.IGNORECASE)


def _is_end_marker(block: str) -> bool:
    """A heading opening what follows an article (``_end_heading_re``, ``article_end_labels``)."""
    return _end_heading_re().match(block) is not None or (
        len(block) <= _END_LABEL_MAX_CHARS
        and block.rstrip(": ").casefold() in md.folded_words("article_end_labels")
    )


def _resumes_after(blocks: list[str], keep: list[bool], at: int, memo: LineMemo) -> bool:
    """The article goes on after the "related stories" heading at ``at``: a link follows it (a
    block that is no paragraph, or a teaser's headline cut short by an ellipsis), then a kept
    prose paragraph within ``_INLINE_BOX_BLOCKS`` blocks. A paragraph right under the heading
    is a teaser's or a comment's, not the article's."""
    return (
        at + 1 < len(blocks)
        and (blocks[at + 1].endswith(("...", "…")) or not _is_prose(blocks[at + 1], memo, _PARAGRAPH_WORDS))
        and any(
            keep[j] and _is_prose(blocks[j], memo, _PARAGRAPH_WORDS)
            for j in range(at + 2, min(at + 1 + _INLINE_BOX_BLOCKS, len(blocks)))
        )
    )


def _body_start(blocks: list[str], keep: list[bool], memo: LineMemo, after: int = 0) -> int:
    """The article's first paragraph (a kept block of ``_PARAGRAPH_WORDS``+ words that is not headline-like nor
    a dated byline), ``len(blocks)`` when there is none: the header lies above it. A consent or
    subscription notice (``_is_notice``) is passed over when another paragraph follows: a cookie
    banner or a newsletter pitch above the headline is the site's, and the headline is looked
    for above the article's own first paragraph. Blocks before ``after`` are passed over."""
    first = None
    for i, (block, kept) in enumerate(zip(blocks, keep, strict=True)):
        if (
            i >= after
            and kept
            and memo.word_count(block) >= _PARAGRAPH_WORDS
            and not _is_headline(block, memo)
            and not md.is_header_line(block, memo.word_count(block))
        ):
            if not _is_notice(block, memo):
                return i
            if first is None:
                first = i
    return len(blocks) if first is None else first


def _main_run_start(blocks: list[str], keep: list[bool], memo: LineMemo) -> int:
    """The first block of the article's kept run: kept blocks fewer than ``_APART_GAP`` dropped
    blocks apart make a run, and a run above holding less than ``_APART_SHARE`` of the kept words
    below it is a teaser, a pull quote or a sidebar, not the article's header."""
    runs: list[tuple[int, int]] = []  # (first block, words) of each run
    gap = _APART_GAP
    for i, (block, kept) in enumerate(zip(blocks, keep, strict=True)):
        if not kept:
            gap += 1
            continue
        if gap >= _APART_GAP:
            runs.append((i, 0))
        gap = 0
        runs[-1] = (runs[-1][0], runs[-1][1] + memo.word_count(block))
    below = sum(words for _, words in runs)
    for first, words in runs:
        below -= words
        if words >= _APART_SHARE * below:
            return first
    return 0


@cache
def _notice_re() -> re.Pattern[str]:
    """A word opening with a consent or subscription notice's word (``notice_words``)."""
    stems = "|".join(re.escape(w) for w in md.metadata_words()["notice_words"])
    return re.compile(rf"\b(?:{stems})", re.IGNORECASE)


def _is_notice(block: str, memo: LineMemo) -> bool:
    """A consent or subscription notice (a cookie banner, a newsletter pitch: a word of
    ``metadata_words.json``'s ``notice_words`` in a block of a notice's length): the site's
    text, never an article's first paragraph. A longer paragraph naming cookies or a newsletter
    is an article's."""
    return memo.word_count(block) <= _NOTICE_MAX_WORDS and _notice_re().search(block) is not None


def _word_re(key: str, opening: bool = False) -> re.Pattern[str]:
    """One of ``metadata_words.json``'s lists as whole words; ``opening``: opening a sentence."""
    words = "|".join(re.escape(w) for w in md.metadata_words()[key])
    before = r"(?:^|[.!?:;¡¿–—-]\s*)" if opening else r"(?<!\w)"
    return re.compile(rf"{before}(?:{words})(?!\w)", re.IGNORECASE)


@cache
def _box_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    notices = "|".join(re.escape(w) for w in md.metadata_words()["post_notices"])
    return (
        _word_re("subscription_calls", opening=True),
        _word_re("reader_calls", opening=True),
        _word_re("reader_channels"),
        re.compile(rf"^(?:{notices})", re.IGNORECASE),
    )


def _is_box(block: str, memo: LineMemo) -> bool:
    """A box of the site's set in or after the article, judged by what it says (never by where it
    sits, so a second cleaning drops the same blocks): a reader's prompt of a prompt's length, a
    call to subscribe opening a sentence (an imperative, not a report: "readers who subscribe
    ...") or one to follow, join or download opening a sentence and naming a channel
    (``metadata_words.json``'s ``subscription_calls``, ``reader_calls``, ``reader_channels``, as
    the HTML cleaner's closing prompts), or a post's filing or correction notice (``post_notices``)."""
    words = memo.word_count(block)
    if words > _NOTICE_MAX_WORDS:
        return False
    subscribe, call, channel, notice = _box_res()
    if notice.match(block) is not None:
        return True
    return _PROMPT_MIN_WORDS <= words <= _PROMPT_MAX_WORDS and (
        subscribe.search(block) is not None
        or (call.search(block) is not None and channel.search(block) is not None)
    )


def _counts_in_header(block: str) -> bool:
    """Whether a block counts for the header's window and reach (``_HEADER_COUNTED_WORDS``)."""
    return len(block.split()) >= _HEADER_COUNTED_WORDS


def _header_window_start(blocks: list[str], first_long: int) -> int:
    """Where the header may begin: ``_HEADER_WINDOW`` blocks of three words or more above the
    body (share buttons and labels of one or two words count neither for the window nor the
    reach)."""
    start, counted = first_long, 0
    while start > 0 and counted < _HEADER_WINDOW:
        start -= 1
        counted += _counts_in_header(blocks[start])
    return start


def _dated_headline(
    blocks: list[str], start: int, first_long: int, header: md.HeaderMask, memo: LineMemo
) -> int | None:
    """The headline-like block nearest the body that sits just above a byline or date line (a
    standfirst, a section label or share buttons may come between): a page's headline does,
    its menus, captions and teaser lists seldom do, and a header can be long. One directly above
    a marked byline ("By Jane Doe") wins over one nearer the body above a byline read from its
    shape. ``header``: which blocks from ``start`` are byline or date lines."""
    dated = None
    for i in range(first_long - 1, start - 1, -1):
        # a marked byline is a header line; the header's lines are asked about last, for the
        # few blocks the other tests leave
        bylined = i + 1 < first_long and md.is_marked_byline(blocks[i + 1]) and header[i + 1 - start]
        if (
            (dated is None or bylined)
            and _is_title_candidate(blocks[i], memo)
            and not header[i - start]
            and _header_line_below(blocks, i, start, first_long, header)
            and not _is_site_label(blocks[i], memo)
        ):
            if bylined:
                return i
            dated = i
    return dated


def _header_line_below(
    blocks: list[str], at: int, start: int, first_long: int, header: md.HeaderMask
) -> bool:
    """Whether a byline or date line is among the ``_HEADER_REACH`` blocks under ``at`` that
    count for the reach (header lines, and blocks of three words or more)."""
    counted = 0
    for j in range(at + 1, first_long):
        if header[j - start]:
            return True
        if _counts_in_header(blocks[j]):
            counted += 1
            if counted == _HEADER_REACH:
                return False
    return False


def _find_title(
    blocks: list[str], first_long: int, header_lines: md.HeaderLines, memo: LineMemo
) -> tuple[int | None, int | None, int | None]:
    """The headline in the blocks before the article's first paragraph (``first_long``:
    ``_body_start``). First: the one the header's layout names (``_laid_out_title``), under
    which the article's header and body begin. Second: the block above a byline or date line
    that headline was preferred to (``_under_label``), else ``None``. Third: the block whose
    text is the title: the first, unless it shares no content word with the article's lead
    and another headline-like block of the header shares most of its own
    (``_shared_headline``). ``header_lines``: the blocks read as header lines."""
    if first_long == len(blocks):
        at = 0 if blocks and _is_title_candidate(blocks[0], memo) and len(blocks) >= 2 else None
        return at, None, at
    # one reading of the header's byline and date lines serves both searches (the title's
    # window lies inside the header's)
    start = _header_window_start(blocks, first_long)
    header = md.HeaderMask(header_lines.window(start, first_long))
    at, label = _laid_out_title(blocks, start, first_long, header, memo)
    lead_text = _lead_text(blocks, first_long, memo)
    if at is not None and _shares_content_word(blocks[at], lead_text):
        lead: set[str] = set()  # the headline names the article: no other is looked for
    else:
        lead = _content_words(lead_text)
    if lead:
        shared = _shared_headline(blocks, start, first_long, header, lead, memo)
        if shared is not None:
            # a standfirst's headline names its story too: a block sharing no word with the
            # lead above one is a label, and the long block the headline
            above = _above_lead(blocks, shared, memo)
            named = above if _content_words(blocks[above]) & lead else shared
            return at, label, _unglued(blocks, named, start, first_long, header, memo)
    return at, label, None if at is None else _unglued(blocks, at, start, first_long, header, memo)


def _unglued(
    blocks: list[str], at: int, start: int, first_long: int, header: md.HeaderMask, memo: LineMemo
) -> int:
    """The block near the headline ``at`` (``_HEADER_REACH`` blocks either side, no byline or
    date line) that ``at`` ends with, else ``at``: a kicker or a breadcrumb's items run into
    the headline (``Lokales Lübeck So lief die Auktion ...`` beside ``So lief die Auktion ...``,
    ``Neues Auto: Auto leasen oder kaufen ...``) name its section, and the headline is the rest,
    as the page also shows it alone. Not a rest of a section label's length (``Italien: Reise-
    und Sicherheitshinweise`` ends with its section's name), nor one opening in lower case (a
    site's tagline the headline ends with)."""
    key = _key(blocks[at])
    for i in range(max(start, at - _HEADER_REACH), min(first_long, at + _HEADER_REACH + 1)):
        if (
            i != at
            and not header[i - start]
            and memo.word_count(blocks[i]) > _LABEL_WORDS
            and not blocks[i][:1].islower()
            and key.endswith(" " + _key(blocks[i]))
        ):
            return i
    return at


def _laid_out_title(
    blocks: list[str], start: int, first_long: int, header: md.HeaderMask, memo: LineMemo
) -> tuple[int | None, int | None]:
    """The headline by the header's layout: in the ``_TITLE_WINDOW`` blocks before the first
    paragraph, a headline repeated as the next block, else the one a breadcrumb above it ends
    with (``_crumbed_headline``), else the headline-like block just above a byline or date
    line, else the longest headline-like block there. ``header``: which blocks from ``start``
    are byline or date lines. Second: as ``_find_title``'s."""
    window = range(max(0, first_long - _TITLE_WINDOW), first_long)
    candidates = [
        i
        for i in window
        if _is_title_candidate(blocks[i], memo)
        and not header[i - start]
        and not _is_site_label(blocks[i], memo)
    ]
    repeated = [i for i in candidates if i + 1 < len(blocks) and _same_text(blocks[i], blocks[i + 1])]
    if repeated:
        return repeated[-1], None
    crumbed = _crumbed_headline(blocks, start, first_long, header, memo)
    if crumbed is not None:
        return crumbed, None
    dated = _dated_headline(blocks, start, first_long, header, memo)
    if dated is not None:
        if _under_label(blocks, dated, start, first_long, header, candidates, memo):
            return first_long - 1, dated
        return _above_lead(blocks, dated, memo), None
    if not candidates:
        return _short_headline(blocks, start, first_long, header, memo), None
    # The headline is the longest headline-like block there: site names, section labels and the
    # article's own subheadings are shorter (the first wins a tie).
    return _above_lead(blocks, max(candidates, key=lambda i: memo.word_count(blocks[i])), memo), None


@cache
def _stop_words() -> frozenset[str]:
    return stop_words()


def _content_words(text: str) -> set[str]:
    """The words of ``text`` that carry its content: in lower case, of ``_CONTENT_WORD_CHARS``
    or more, neither a number nor a function word; in scripts written without spaces, each
    pair of neighbouring characters (a word there is most often two)."""
    words: set[str] = set()
    for word in set(_WORD_RE.findall(text.casefold())):
        if not word.isascii() and _CJK_RUN_RE.search(word):
            for run in _CJK_RUN_RE.findall(word):
                words.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
        elif len(word) >= _CONTENT_WORD_CHARS and not word.isdigit() and word not in _stop_words():
            words.add(word)
    return words


def _lead_text(blocks: list[str], first_long: int, memo: LineMemo) -> str:
    """The article's lead: its first ``_LEAD_SAMPLE_WORDS`` words of paragraphs (blocks of
    ``_PARAGRAPH_WORDS`` or more) from the first paragraph on."""
    lead: list[str] = []
    counted = 0
    for i in range(first_long, len(blocks)):
        n_words = memo.word_count(blocks[i])
        if n_words >= _PARAGRAPH_WORDS:
            lead.append(blocks[i])
            counted += n_words
            if counted >= _LEAD_SAMPLE_WORDS:
                break
    return " ".join(lead)


def _shares_content_word(block: str, text: str) -> bool:
    """Whether ``_content_words`` of ``block`` and of ``text`` meet: each word of the block
    looked for among the text's words, which are not all listed (most headlines share one)."""
    words = _content_words(block)
    if any(_CJK_RUN_RE.search(word) for word in words):
        return bool(words & _content_words(text))  # pairs of characters, as the text's are taken
    folded = text.casefold()
    return any(_holds_word(folded, word) for word in words)


def _holds_word(text: str, word: str) -> bool:
    """Whether ``word`` (word characters only) is one of ``text``'s words (``_WORD_RE``)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not _WORD_RE.match(text, at - 1, at) and not _WORD_RE.match(text, end, end + 1):
            return True
        at = text.find(word, at + 1)
    return False


def _shared_headline(
    blocks: list[str], start: int, first_long: int, header: md.HeaderMask, lead: set[str], memo: LineMemo
) -> int | None:
    """The headline-like block of the header (from ``start``) that shares the largest share of
    its content words with the article's lead, at least ``_SHARED_WORDS_SHARE`` (nearest the
    body on a tie), else ``None``: a headline names what its article is about, while menus,
    captions, teasers and a site's labels name other things. ``header``: which blocks from
    ``start`` are byline or date lines."""
    best, best_share = None, 0.0
    for i in range(start, first_long):
        block = blocks[i]
        if len(block) > _TITLE_MAX_CHARS:
            continue
        words = _content_words(block)
        share = len(words & lead) / len(words) if words else 0.0
        # the share first: it is cheaper than the header's and the headline's tests, and few
        # blocks reach it
        if (
            share >= max(best_share, _SHARED_WORDS_SHARE)
            and not header[i - start]
            and _is_title_candidate(block, memo)
            and not _is_site_label(block, memo)
        ):
            best, best_share = i, share
    return best


def _crumbed_headline(
    blocks: list[str], start: int, first_long: int, header: md.HeaderMask, memo: LineMemo
) -> int | None:
    """The headline-like block nearest the body that a breadcrumb above it ends with ("Home »
    News » Headline"): a page's breadcrumb ends with its own headline, while teasers, menus and
    captions in its header are named by no breadcrumb. ``header``: which blocks from ``start``
    are byline or date lines."""
    crumbs: list[str] = []  # the keys of the breadcrumbs' last items above the block
    found = None
    for i in range(start, first_long):
        block = blocks[i]
        if (
            crumbs
            and _key(block) in crumbs
            and not header[i - start]
            and _is_title_candidate(block, memo)
            and not _is_site_label(block, memo)
        ):
            found = i
        end = md.breadcrumb_end(block)
        if end:
            crumbs.append(_key(end))
    return found


def _under_label(
    blocks: list[str],
    dated: int,
    start: int,
    first_long: int,
    header: md.HeaderMask,
    candidates: list[int],
    memo: LineMemo,
) -> bool:
    """Whether the headline is the longer headline-like block right above the first paragraph,
    right under a byline or date line within the reach of ``dated``, a block no longer than a
    section label: a page's section and its date may head the article above its headline
    ("Aktuelles" / "20.06.2019" / headline). ``header``: which blocks from ``start`` are byline
    or date lines."""
    near, line = first_long - 1, first_long - 2
    if not (
        dated < line
        and header[line - start]
        and near in candidates
        and memo.word_count(blocks[dated]) <= _LABEL_WORDS < memo.word_count(blocks[near])
    ):
        return False
    # as in _dated_headline's reach: the blocks that count for the header between them
    counted = sum(header[i - start] or _counts_in_header(blocks[i]) for i in range(dated + 1, line))
    return counted < _HEADER_REACH


def _short_headline(
    blocks: list[str], start: int, first_long: int, header: md.HeaderMask, memo: LineMemo
) -> int | None:
    """A two-word headline ("Performant Python") right above the first paragraph, site labels
    and header lines passed over: only when no longer headline-like block precedes the body,
    since two-word blocks elsewhere in a header are labels, menus and buttons."""
    i = first_long - 1
    while i >= start and (header[i - start] or _is_site_label(blocks[i], memo)):
        i -= 1
    if i < max(start, 0):
        return None
    block = blocks[i]
    if not _is_headline(block, memo, min_words=_SHORT_TITLE_WORDS) or _is_meta_line(block, memo):
        return None
    unlike = md.is_menu_line(block) or _NOT_HEADLINE_RE.search(block) or _SENTENCE_INSIDE_RE.search(block)
    return None if unlike else i


def _is_lead(block: str, memo: LineMemo) -> bool:
    """A standfirst's shape: ``_LEAD_WORDS``+ words in sentence case (a third of the words after
    the first capitalised at most; headlines in title case and section labels have more)."""
    words = block.split()[1:]
    return memo.word_count(block) >= _LEAD_WORDS and sum(w[:1].isupper() for w in words) * 3 <= len(words)


def _above_lead(blocks: list[str], at: int, memo: LineMemo) -> int:
    """A lead-length block (``_LEAD_WORDS``+ words) in sentence case right under a shorter
    headline-like block is the article's standfirst, and the block above it the headline."""
    if (
        at > 0
        and _is_lead(blocks[at], memo)
        and memo.word_count(blocks[at - 1]) < memo.word_count(blocks[at])
        and _is_title_candidate(blocks[at - 1], memo)
        and not md.is_header_line(blocks[at - 1], memo.word_count(blocks[at - 1]))
    ):
        return at - 1
    return at


def _credit_candidates(blocks: list[str]) -> list[int]:
    """Indices of the blocks a credit pattern may match (blocks have single spaces)."""
    return [
        i
        for i, block in enumerate(blocks)
        if block[:1] in _CREDIT_FIRST_CHARS
        and len(block) <= _CREDIT_MAX_CHARS
        and block[:16].lower().startswith(_CREDIT_FIRST_WORDS)
    ]


def _credit(blocks: list[str]) -> tuple[int | None, str | None, date | None]:
    """Index of the last credit line, its publisher and date (``None`` when there is none).

    Only the last one counts: teaser lists below an article carry no credit lines, and a
    credit line quoted inside the article is followed by more of it."""
    for i in reversed(_credit_candidates(blocks)):
        m = _CREDIT_RE.match(blocks[i])
        if m:
            published = md.parse_date(m["date"])
            # "Published in the Valmont Post": the article belongs to the sentence, not the name.
            source = md.clean_source(re.sub(r"^(?:the|der)\s+", "", m["source"]))
            if source and published:
                return i, source, published
        m = _DATED_CREDIT_RE.match(blocks[i])
        if m and (published := md.parse_date(m["date"])) and _mostly_above(blocks, i):
            return i, None, published
    return None, None, None


def _mostly_above(blocks: list[str], at: int) -> bool:
    """More paragraph text above ``at`` than below: a "Published on <date>" line there closes
    the article (at the top of a page it is the header's date line instead)."""
    # A paragraph's words and the spaces between them take this many characters at least:
    # shorter blocks (menus) are not counted at all.
    min_chars = 2 * _PARAGRAPH_WORDS - 1
    words = [md.word_count(b) if len(b) >= min_chars else 0 for b in blocks]
    paragraphs = [n if n >= _PARAGRAPH_WORDS else 0 for n in words]
    return sum(paragraphs[:at]) > sum(paragraphs[at + 1 :])


def _derived_title(body_blocks: list[str]) -> str:
    first = body_blocks[0]
    first = _DATELINE_PREFIX_RE.sub("", first, count=1) if md.find_dateline(first) else first
    sentence = _SENTENCE_END_RE.split(first, maxsplit=1)[0].strip()
    if len(sentence) > _DERIVED_TITLE_MAX_CHARS:
        cut = sentence[:_DERIVED_TITLE_MAX_CHARS]
        sentence = cut.rsplit(" ", 1)[0] if " " in cut else cut
    # Without end punctuation the derived title reads as a headline when the output is cleaned
    # again, so a second cleaning finds the same title.
    return sentence.rstrip(".,;: ") or sentence


def _select(blocks: list[str], memo: LineMemo) -> list[bool]:
    if len(blocks) < _MIN_BLOCKS_FOR_CLASSIFIER:
        keep = [True] * len(blocks)
    else:
        probs = scores(blocks, memo=memo)
        keep = [p >= THRESHOLD for p in probs]
        if any(keep):
            keep = _with_subheadings(blocks, _with_adjacent_prose(blocks, keep, probs, memo), memo)
            keep = _with_wrapped_sentences(blocks, _with_introduced_lists(blocks, keep, memo))
        else:
            # The classifier found no article: fall back to the long blocks.
            keep = [memo.word_count(b) >= _PARAGRAPH_WORDS for b in blocks]
    # Furniture and end-of-article headings never stay: a kept "Comments" heading would end
    # the article at another place when the output is cleaned again.
    return [k and not _always_dropped(b, memo) for k, b in zip(keep, blocks, strict=True)]


def _always_dropped(block: str, memo: LineMemo) -> bool:
    """Furniture or an end-of-article heading, asked once a page (``_select`` asks every pass)."""
    dropped = memo.line_tests.get(block)
    if dropped is None:
        dropped = memo.line_tests[block] = (
            is_furniture(block) or _is_end_marker(block) or _RECOMMENDED_RE.match(block) is not None
        )
    return dropped


def _is_prose(block: str, memo: LineMemo, min_words: int) -> bool:
    """A block of ``min_words`` words or more ending a sentence."""
    return memo.word_count(block) >= min_words and block.rstrip(_CLOSING_MARKS)[-1:] in _SENTENCE_ENDS


def _with_adjacent_prose(
    blocks: list[str], keep: list[bool], probs: list[float], memo: LineMemo
) -> list[bool]:
    """``keep``, plus the prose blocks next to a kept block that the classifier gives some chance."""
    last = len(blocks) - 1
    return [
        k
        or (
            p >= _ADJACENT_PROSE_MIN_SCORE
            and ((i > 0 and keep[i - 1]) or (i < last and keep[i + 1]))
            and _is_prose(b, memo, _ADJACENT_PROSE_MIN_WORDS)
        )
        for i, (b, k, p) in enumerate(zip(blocks, keep, probs, strict=True))
    ]


def _with_subheadings(blocks: list[str], keep: list[bool], memo: LineMemo) -> list[bool]:
    """``keep``, plus the short headline-like blocks between two kept prose paragraphs: the
    article's subheadings, whatever the classifier gives them."""
    out = list(keep)
    for i in range(1, len(blocks) - 1):
        if (
            not keep[i]
            and keep[i - 1]
            and keep[i + 1]
            and memo.word_count(blocks[i]) <= _SUBHEADING_MAX_WORDS
            and _is_headline(blocks[i], memo)
            and not md.has_menu_separator(blocks[i])
            and _is_prose(blocks[i - 1], memo, _ADJACENT_PROSE_MIN_WORDS)
            and _is_prose(blocks[i + 1], memo, _ADJACENT_PROSE_MIN_WORDS)
        ):
            out[i] = True
    return out


def _with_introduced_lists(blocks: list[str], keep: list[bool], memo: LineMemo) -> list[bool]:
    """``keep``, plus the list a kept paragraph ending with a colon introduces: up to
    ``_LIST_MAX_ITEMS`` short lines (``_LIST_ITEM_MAX_WORDS`` words at most, no menu) under it,
    when what follows them is kept text, a longer block or the page's end. Ingredients, steps
    and items are too short for the line model to keep, and the colon says they belong to the
    paragraph."""
    out = list(keep)
    n = len(blocks)
    for i, block in enumerate(blocks):
        if not (keep[i] and block.endswith(":") and memo.word_count(block) >= _PARAGRAPH_WORDS):
            continue
        end = i + 1  # the first block after the list
        while (
            end < n
            and end - i <= _LIST_MAX_ITEMS
            and not keep[end]
            and memo.word_count(blocks[end]) <= _LIST_ITEM_MAX_WORDS
            and not md.has_menu_separator(blocks[end])
        ):
            end += 1
        if end > i + 1 and (end == n or keep[end] or memo.word_count(blocks[end]) > _LIST_ITEM_MAX_WORDS):
            out[i + 1 : end] = [True] * (end - i - 1)
    return out


def _wraps_on(block: str, following: str) -> bool:
    """``block`` breaks off inside a sentence that ``following`` goes on with: it ends with a
    word or a comma and ``following`` opens with a small letter (a line break inside a paragraph,
    as in verse or a hard-wrapped text)."""
    last = block[-1:]
    return (last.isalnum() or last == ",") and following[:1].islower()


def _with_wrapped_sentences(blocks: list[str], keep: list[bool]) -> list[bool]:
    """``keep``, plus the lines of a sentence wrapped across lines (``_wraps_on``) that a kept
    line of the same sentence belongs to: the parts of one sentence stay or go together."""
    # the lines going on with the sentence above; only a line opening with a small letter may
    # (most open with a capital, and are not asked)
    wrapped = [
        i for i in range(1, len(blocks)) if blocks[i][:1].islower() and _wraps_on(blocks[i - 1], blocks[i])
    ]
    runs: list[list[int]] = []  # [first, last] line of each sentence wrapped across lines
    for i in wrapped:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i - 1, i])
    out = list(keep)
    for first, last in runs:
        if any(keep[first : last + 1]):
            out[first : last + 1] = [True] * (last + 1 - first)
    return out


def _is_news_dateline(block: str) -> bool:
    """A paragraph opening with a news dateline in capitals ("ST. JOSEPH, Mich. (AP) — ",
    "NEW DELHI: "): four letters or more, so that "P.S.:" or "IDR - " are not one."""
    caps = _CAPITALS_RE.match(block)
    return (
        caps is not None and sum(ch.isalpha() for ch in caps.group(0)) >= 4 and bool(md.find_dateline(block))
    )


def _from_dateline(blocks: list[str], keep: list[bool], memo: LineMemo) -> list[bool]:
    """A news dateline opens the article's first paragraph: kept blocks above it and apart from it
    (``_DATELINE_GAP`` dropped blocks or more between) are teasers or sidebars, and are dropped."""
    at = next(
        (
            i
            for i, (b, k) in enumerate(zip(blocks, keep, strict=True))
            if k and memo.word_count(b) >= _PARAGRAPH_WORDS and _is_news_dateline(b)
        ),
        None,
    )
    if at is None:
        return keep
    gap = 0
    for i in range(at - 1, -1, -1):
        if not keep[i]:
            gap += 1
        elif gap >= _DATELINE_GAP:
            return [False] * (i + 1) + keep[i + 1 :]
        else:
            gap = 0
    return keep


def _longest_prose_run(blocks: list[str], memo: LineMemo) -> list[str]:
    """The page's run of prose blocks (15+ words, ending a sentence; one other block may stand
    between two) holding the most words."""
    best, best_words = (0, 0), 0
    start, words, gap = -1, 0, 0
    for i, block in enumerate(blocks):
        if _is_prose(block, memo, _PROSE_RUN_MIN_WORDS):
            if start < 0:
                start, words = i, 0
            words += memo.word_count(block)
            gap = 0
            if words > best_words:
                best, best_words = (start, i + 1), words
        elif start >= 0:
            gap += 1
            if gap > 1:
                start, gap = -1, 0
    return blocks[best[0] : best[1]]


def _once(blocks: list[str], memo: LineMemo) -> list[str]:
    """Blocks of ``_PARAGRAPH_WORDS``+ words appearing again later on the page (teasers shown in two widgets,
    cookie notices) are kept once: an article does not repeat its own paragraphs. A block
    repeated as the next one (a headline shown twice) is kept once too."""
    seen: set[str] = set()
    out: list[str] = []
    for block in blocks:
        if block in seen or (out and _same_text(block, out[-1])):
            continue
        if memo.word_count(block) >= _PARAGRAPH_WORDS:
            seen.add(block)
        out.append(block)
    return out


def _meta_line(blocks: list[str], i: int) -> tuple[int, md.Byline | None, date | None]:
    """The byline or date line ``blocks[i]`` (``_is_meta_line``): how many blocks it takes (a
    byline wrapped onto a role line, "By Helen Marsh, Arts" / "Correspondent", takes two), whom
    it credits and the date it states ("Von Anna Keller, publiziert am 11. Juli 2023")."""
    if not _BYLINE_RE.match(blocks[i]):
        names = md.cjk_credit(blocks[i])
        return 1, md.Byline(names) if names else None, md.parse_date(blocks[i])
    byline, taken = blocks[i], 1
    if i + 1 < len(blocks) and md.is_byline_tail(blocks[i + 1]):
        byline, taken = f"{byline} {blocks[i + 1]}", 2
    return taken, md.parse_byline(byline, capitalised=True) or None, md.parse_date(byline)


def _article_blocks(
    blocks: list[str], title: str | None, memo: LineMemo, keep: list[bool] | None = None
) -> tuple[list[str], str | None, date | None]:
    """The article's blocks, and the author and date of byline/date lines opening them.

    Selection is repeated until it keeps every block it is given: cleaning the output again
    then changes nothing (the classifier judges a line by its neighbours, and removing the
    boilerplate around a line changes its neighbours).
    """
    if keep is not None:
        blocks = [b for b, k in zip(blocks, keep, strict=True) if k]
    current = _once([b for b in blocks if not (title and _same_text(b, title))], memo)
    if not current and blocks:
        # The only text is the headline's own sentence (an article of one sentence): keep it.
        current = _once(blocks, memo)
    author: md.Byline | None = None
    published: date | None = None
    for _ in range(_MAX_PASSES):
        keep = _select(current, memo)
        if all(keep):
            if current and _is_meta_line(current[0], memo):
                taken, line_author, line_date = _meta_line(current, 0)
                author = author or line_author
                published = published or line_date
                current = current[taken:]
                continue
            break
        current = _once([b for b, k in zip(current, keep, strict=True) if k], memo)
    # The site's boxes go after the passes, which judge the page with them: dropped between
    # passes, a box leaves the article's end beside other furniture a later pass then keeps.
    return [b for b in current if not _is_box(b, memo)], author, published


@dataclass(frozen=True)
class _Header:
    """The headline and what the header lines under it state; ``start``: the first block
    after the lines directly under the headline."""

    title: str | None = None
    start: int = 0
    author: md.Byline | None = None
    published: date | None = None
    source: str | None = None


def _read_header(
    blocks: list[str],
    at: int | None,
    first_long: int,
    header_lines: md.HeaderLines,
    publisher: str | None,
    memo: LineMemo,
    label: int | None = None,
) -> _Header:
    """The headline ``blocks[at]`` (none when ``at`` is ``None``) and the byline, date and
    publisher its header states: the byline and date lines directly under it, then those further
    down the header (below a standfirst or share buttons, above the first paragraph
    ``first_long``) for what they did not state. ``publisher``: the page's own name. A date line
    above the headline counts within ``_DATE_ABOVE_REACH`` blocks, or anywhere under ``label``,
    the section label the headline sits under (``_under_label``)."""
    if at is None:
        return _Header()
    title = blocks[at]
    start = at + 1
    author: md.Byline | None = None
    published: date | None = None
    source: str | None = None
    # Byline and date lines between the headline and the body: metadata, not body text.
    while start < len(blocks) and (
        (_same_text(blocks[start], title) and start + 1 < len(blocks)) or _is_meta_line(blocks[start], memo)
    ):
        if not _BYLINE_RE.match(blocks[start]):
            source = source or _publisher_beside_date(blocks[start])
        taken, line_author, line_date = _meta_line(blocks, start)
        author = author or line_author
        published = published or line_date
        start += taken
    if not (author and published):
        # the headline lies above the first paragraph, so the body starts there
        body_at = first_long
        # a standfirst is long too: byline and date lines under it are still the header's
        under = md.header_lines(header_lines.window(body_at + 1, body_at + 1 + _HEADER_REACH))
        if under[:1] == [True]:
            body_at += 1 + next((k for k, is_header in enumerate(under) if not is_header), len(under))
        above = blocks[label + 1 if label is not None else max(0, at - _DATE_ABOVE_REACH) : at]
        found_author, found_date = md.read_header(header_lines.window(at + 1, body_at), above, publisher)
        author = author or found_author or None
        published = published or found_date
    return _Header(title, start, author, published, source)


def extract_text(text: str, key: str, line_stats: LineStats | None = None) -> list[Article]:
    """One plain-text dump -> one Article, or ``RejectedInput("no_article_text")``.

    ``line_stats``: how many documents of the archive hold each line (see ``lines.stats``); the
    line classifier uses them when they count enough documents."""
    blocks = split_blocks(text)
    if not blocks:
        raise RejectedInput("no_article_text", f"{key}: the text has no content")

    credit_at, source, published = _credit(blocks)
    # the page's own name when no credit line or header states it: its footer's copyright line,
    # else a masthead line the site's domain confirms
    holder = md.copyright_holder(blocks) if source is None else None
    masthead = md.dump_masthead(blocks) if source is None and holder is None else None
    if credit_at is not None:
        blocks = blocks[:credit_at]
    blocks = blocks[: _thread_start(blocks)]

    memo = LineMemo(line_stats)  # what the classifier learnt about each line, kept between passes
    keep = _from_dateline(blocks, _select(blocks, memo), memo)
    first_long = _body_start(blocks, keep, memo)
    # each block's header-line tests run once for the headline's search and the header's read
    header_lines = md.HeaderLines(blocks, count_words=memo.word_count)
    title_at, label_at, named_at = _find_title(blocks, first_long, header_lines, memo)
    header = _read_header(blocks, title_at, first_long, header_lines, source or holder, memo, label_at)
    start = header.start
    run_start = _main_run_start(blocks, keep, memo)
    # searched from a block at or above the first paragraph, the body starts there again
    own_first = first_long if run_start <= first_long else _body_start(blocks, keep, memo, run_start)
    if own_first != first_long:
        # The headline is the header's: looked for above the article's own run, not above a
        # teaser kept well above it. The body still starts under the first headline: what the
        # line model keeps above the article's run is at times the article's own text.
        found = _find_title(blocks, own_first, header_lines, memo)
        if found[0] is not None:
            title_at, label_at, named_at = found
            header = _read_header(blocks, title_at, own_first, header_lines, source or holder, memo, label_at)
    title = header.title
    end = _article_end(blocks, keep, start, memo)
    body_blocks, author, dated = _article_blocks(blocks[start:end], title, memo, keep[start:end])
    # Never lose the article: a body far shorter than the page's longest prose run is a sidebar
    # or a list chosen in its place.
    run = _longest_prose_run(blocks, memo)
    if sum(map(memo.word_count, body_blocks)) < _GUARD_SHARE * sum(map(memo.word_count, run)):
        body_blocks = [b for b in run if not (title and _same_text(b, title))]

    if sum(map(memo.word_count, body_blocks)) < _MIN_ARTICLE_WORDS:
        raise RejectedInput("no_article_text", f"{key}: {_TOO_FEW_WORDS}")
    if title is None:
        title = _derived_title(body_blocks)
        if len(body_blocks) >= 2 and _same_text(title, body_blocks[0]) and _is_headline(body_blocks[0], memo):
            # The first block is a one-sentence headline: it is the title, not body text.
            body_blocks, second_author, second_date = _article_blocks(body_blocks[1:], title, memo)
            author = author or second_author
            dated = dated or second_date
            if not body_blocks:
                raise RejectedInput("no_article_text", f"{key}: {_TOO_FEW_WORDS}")
    if named_at is not None and named_at != title_at:
        # the headline sharing the lead's words names the article; the header's layout still
        # says where the article's header and body begin
        title = blocks[named_at]
    body = "\n\n".join(body_blocks)
    place = md.first_dateline(body_blocks)
    dateline_date = None
    if not place or not (published or header.published or dated):
        # "Lakeside, October 8, 2023 — ...": a dateline that names the place and the date
        dated_dateline = md.find_dated_dateline(body_blocks[0])
        if dated_dateline:
            place = place or dated_dateline[0]
            dateline_date = dated_dateline[1]
    byline = header.author or author or md.dateline_byline(body_blocks[0])
    if not byline:
        # a CJK article credited only at its end: "（山田太郎）" as its last line
        byline = md.Byline(md.cjk_end_credit(body_blocks[-1]))
    # The start of the text names the language as well as the whole of it, many times faster.
    language = md.detect_language(f"{title}\n{body}")
    published = (
        _address_date(blocks, title_at)
        or published
        or header.published
        or dated
        or dateline_date
        or _near_body_date(blocks, title_at, body_blocks, language)
        or md.labelled_date(blocks)
        or _header_date(blocks, body_blocks, language)
    )
    return [
        Article(
            title=title,
            body=body,
            source=source or header.source or holder or masthead,
            published=published,
            place=place,
            authors=byline.authors,
            author_org=byline.org,
            language=language,
        )
    ]


def _address_date(blocks: list[str], title_at: int | None) -> date | None:
    """The date in the path of the page's own address when the dump opens with it, above the
    headline (a browser's or a clipper's saved text; links further down name other pages)."""
    m = _ADDRESS_RE.match(blocks[0]) if blocks and title_at != 0 else None
    return md.url_date(m[1]) if m else None


def _header_date(blocks: list[str], body: list[str], language: str | None) -> date | None:
    """The date line nearest above the article's first paragraph in the header's window, when
    nothing else dates the article: a page's date line sits between its headline and its
    text, and a headline not found leaves it outside the reach of the header's read."""
    body_at = next((i for i, b in enumerate(blocks) if b == body[0]), None) if body else None
    if body_at is None:
        return None
    lines = blocks[_header_window_start(blocks, body_at) : body_at]
    return md.last_date(lines, day_first=language not in (None, "en"))


def _near_body_date(
    blocks: list[str], title_at: int | None, body: list[str], language: str | None
) -> date | None:
    """When the header states no date that reads one way: a date line between the headline and
    the article's first paragraph, or just above that paragraph (a page whose headline was not
    found), else the date opening the body's first block when that is a short line. A numeric date both ways readable (``05/10/2018``) reads day first when the page is
    not in English: every other language writes the day first, English pages as often month
    first as not."""
    body_at = next((i for i, b in enumerate(blocks) if b == body[0]), None) if body else None
    if body_at is None:
        return None
    lo = body_at - _DATE_ABOVE_REACH - 1
    if title_at is not None and title_at < body_at:
        lo = min(lo, title_at + 1)
    day_first = language not in (None, "en")
    return md.near_date(blocks[max(0, lo) : body_at], day_first=day_first) or (
        # a date line the body opens with, kept as text ("05/10/2018 - Publicado por: ...")
        md.opening_date(body[0], day_first=day_first) if len(body[0]) <= _DATED_LINE_CHARS else None
    )

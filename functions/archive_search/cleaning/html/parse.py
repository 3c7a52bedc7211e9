"""One bounded parse of a page: crowded tags trimmed before lxml reads them, too many
elements refused, the tags that are never article text listed."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning.decode import CharTable, code_points
from archive_search.cleaning.storable import without_unstorable_references
from archive_search.errors import RejectedInput

_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_INVALID_XML = CharTable(_INVALID_XML_RE.pattern)


@lru_cache(maxsize=1)
def _html_parser() -> lxml.html.HTMLParser:
    """trafilatura's parser settings with lxml's built-in element class lookup: every element
    is an ``HtmlElement``. lxml.html's default lookup is Python code run each time an element
    is touched from Python (~1,000 times a page inside trafilatura); what it adds, form-field
    classes, is used by neither trafilatura nor this module."""
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


# Levels of elements lxml's parser reads (libxml2's bound without XML_PARSE_HUGE): it stops
# at the first element deeper, and the rest of the page is lost, so such a page is refused.
MAX_HTML_DEPTH = 256


def parse(text: str, key: str) -> HtmlElement | None:
    """lxml's HTML parser directly (the common case); trafilatura's more forgiving loader
    (control characters, encoding declarations, broken ``<html/>``) when that fails.
    ``RejectedInput("too_deeply_nested")`` when the parser stopped at ``MAX_HTML_DEPTH``."""
    from trafilatura.utils import HTML_PARSER, load_html

    if _INVALID_XML.found_in(code_points(text)):  # decoded uploads have none; JSON fields may
        text = _INVALID_XML_RE.sub("", text)  # lxml refuses control characters in text nodes
    text = without_unstorable_references(text)
    if text.lstrip()[:5].lower() != "<?xml":
        tree = None
        try:
            tree = lxml.html.document_fromstring(text, parser=_html_parser())
        except (ValueError, etree.LxmlError):
            pass  # the loader below tries (and is looked at) in turn
        else:  # only then is the parser's log this page's (a ValueError leaves the last one's)
            _refuse_if_cut_short(_html_parser(), key)
        if tree is not None and len(tree):
            return tree
    try:
        tree = load_html(text)
    except (ValueError, TypeError, etree.LxmlError):
        return None
    _refuse_if_cut_short(HTML_PARSER, key)
    return tree


def _refuse_if_cut_short(parser: etree.HTMLParser, key: str) -> None:
    """The parser's last parse stopped at its depth bound (the only resource bound a page
    within the upload bounds reaches): the rest of the page was never read."""
    if parser.error_log.filter_types(etree.ErrorTypes.ERR_RESOURCE_LIMIT):
        raise RejectedInput(
            "too_deeply_nested",
            f"{key}: the page nests elements deeper than {MAX_HTML_DEPTH} levels (unclosed tags?), "
            "where the HTML parser stops reading",
        )


# Never article text: scripts, styles, the <head>, media, frames, navigation, forms' widgets
# (a <form> itself stays: some sites wrap the whole page in one; so does a <figure>, which some
# CMSs wrap around whole sections: trafilatura's own steps judge it).
DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "svg", "math", "canvas", "video", "audio",
    "picture", "object", "embed", "iframe", "frame", "frameset", "applet", "map", "area", "nav",
    "menu", "menuitem", "aside", "footer", "button", "input", "select", "option", "optgroup",
    "textarea", "label", "fieldset", "legend", "datalist", "dialog", "link",
)  # fmt: skip


# Attributes one element keeps: lxml's parser (checking each attribute against the ones
# before it) and the trafilatura steps (reading each element's attributes whole) work in the
# square of one element's attribute count.
MAX_ATTRIBUTES_PER_ELEMENT = 64


# A tag that can hold more attributes than that: an attribute takes two characters at least
# (a name and a separator), so shorter tags need no look.
_LONG_TAG_RE = re.compile(rf"<[A-Za-z][^<>]{{{2 * MAX_ATTRIBUTES_PER_ELEMENT},}}>")


_TAG_NAME_RE = re.compile(r"<[^\s/>]+")


_ATTRIBUTE_RE = re.compile(r"""[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")


def _crowded_tag_trimmed(tag: str) -> str | None:
    """``tag`` with its first ``MAX_ATTRIBUTES_PER_ELEMENT`` attributes, or ``None`` when it has
    no more than that. Cheap bound first: each attribute after the first follows whitespace,
    a ``/`` or a value (which has an ``=``)."""
    if len(tag.split()) + tag.count("/") + tag.count("=") <= MAX_ATTRIBUTES_PER_ELEMENT:
        return None
    name = _TAG_NAME_RE.match(tag)
    assert name is not None  # the tag starts with "<" and a letter
    attributes = _ATTRIBUTE_RE.finditer(tag, name.end(), len(tag) - 1)
    kept = [a.group() for _, a in zip(range(MAX_ATTRIBUTES_PER_ELEMENT + 1), attributes, strict=False)]
    if len(kept) <= MAX_ATTRIBUTES_PER_ELEMENT:
        return None
    return f"{name.group()} {' '.join(kept[:-1])}>"


def trim_crowded_tags(text: str) -> str:
    """The page with each tag's attributes past ``MAX_ATTRIBUTES_PER_ELEMENT`` left out, before
    lxml parses it; the same string when no tag has that many."""
    parts: list[str] = []
    done = 0
    for match in _LONG_TAG_RE.finditer(text):
        trimmed = _crowded_tag_trimmed(match.group())
        if trimmed is not None:
            parts += [text[done : match.start()], trimmed]
            done = match.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


# Elements of one page (the benchmark's largest pages have 1,600): trafilatura's main pass
# works in more than linear time in their number, so past this the page is rejected.
MAX_ELEMENTS_PER_PAGE = 20_000


_COUNT_ELEMENTS = etree.XPath("count(//*)")


def check_elements(tree: HtmlElement, text: str, key: str) -> None:
    """``RejectedInput("too_many_elements")`` past ``MAX_ELEMENTS_PER_PAGE`` (counted in C),
    before any walk over the tree. Every element but the three the parser may add
    (html, head, body) starts at a ``<``: a page with fewer needs no count."""
    if text.count("<") + 3 <= MAX_ELEMENTS_PER_PAGE:
        return
    elements = int(_COUNT_ELEMENTS(tree))
    if elements > MAX_ELEMENTS_PER_PAGE:
        raise RejectedInput(
            "too_many_elements",
            f"{key}: the page has {elements} elements, over the limit of {MAX_ELEMENTS_PER_PAGE}",
        )

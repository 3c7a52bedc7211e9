"""The shapes JSON exports come in -> the records they hold, each a flat ``dict``.

One table-driven walk for every shape, not a parser per service:

- a **record** is an object holding article text under a text or HTML key (``TEXT_KEYS``,
  ``HTML_KEYS``), once its field groups are merged into it: an Elasticsearch/OpenSearch hit's
  ``_source``, the Guardian's ``fields``, JSON:API's ``attributes`` (``FIELD_GROUP_KEYS``);
- a top-level list holds the records (and ``_bulk`` action objects, which are skipped);
- from a top-level object, the walk goes breadth first through at most
  ``MAX_ENVELOPE_DEPTH`` levels of objects (the keys of ``ENVELOPE_KEYS`` first, then the
  others in order) to the first object that is a record or the first list holding one:
  ``{"data": {"articles": [...]}}``, ``{"response": {"results"|"docs": [...]}}``,
  ``{"hits": {"hits": [...]}}``; inside a JSON-LD ``@graph`` only the records are taken (a
  graph also describes the site, the publisher, the breadcrumbs);
- the items of a JSON Feed (its ``version`` names jsonfeed.org) inherit the feed's
  ``language`` and ``authors``, and its ``title`` as their publisher.

``field_value`` turns a field whose value is an object (``{"name": ...}``, ``{"main": ...}``,
``{"original": ...}``, ``{"value": ...}``) into its string; ``text_value`` does the same for a
text or HTML field, and joins one given as a list of paragraphs (strings, or objects holding
one); ``jsonrecord`` maps the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from archive_search.cleaning.limits import MAX_ENVELOPE_DEPTH

__all__ = [
    "FIELD_GROUP_KEYS",
    "HTML_KEYS",
    "TEXT_KEYS",
    "TEXT_VALUE_KEYS",
    "VALUE_KEYS",
    "field_value",
    "find_records",
    "first_value",
    "is_bulk_action",
    "looked_for",
    "text_value",
]

TEXT_KEYS = (
    "body", "text", "content", "articleBody", "article_body", "bodyText", "content_text", "lead_paragraph",
)  # fmt: skip
HTML_KEYS = ("html", "body_html", "content_html")
# Keys that usually hold the list of records, tried before an object's other keys.
ENVELOPE_KEYS = (
    "articles", "items", "records", "data", "results", "docs", "response", "hits", "entries",
    "posts", "stories", "news", "@graph",
)  # fmt: skip
# Objects holding a record's own fields; what they hold wins over the keys beside them.
FIELD_GROUP_KEYS = ("_source", "fields", "attributes")
# What an object-valued field gives: the first of these that is a string. ``value`` before
# ``name``: a NYT keyword is ``{"name": "subject", "value": "Ports"}``.
VALUE_KEYS = (
    "value", "@value", "rendered", "name", "main", "original", "text", "webTitle", "title", "@id",
)  # fmt: skip
# What an object-valued text field gives (Drupal: ``body: {"value", "format"}``; WordPress:
# ``content: {"rendered"}``): fewer keys, so an envelope's ``content`` object is not text.
TEXT_VALUE_KEYS = ("value", "@value", "rendered", "text")
# Keys an article has and a paragraph block does not: a list holding an object with one is a
# list of articles, not of paragraphs.
_ARTICLE_KEYS = frozenset(
    ("title", "headline", "webTitle", *TEXT_KEYS, *HTML_KEYS, *FIELD_GROUP_KEYS)
) - frozenset(TEXT_VALUE_KEYS)
# An OpenSearch/Elasticsearch ``_bulk`` body alternates these action objects with the documents.
_BULK_ACTIONS = frozenset({"index", "create", "update", "delete"})
_Inherited = tuple[tuple[str, ...], str, Any]
# JSON Feed: what the feed states for every item that states nothing of its own, as
# (the feed's keys, the item's keys that state it, the record key given).
_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_FEED_INHERITED = (
    (("title",), ("source", "publisher"), "source"),
    (("language",), ("language",), "language"),
    (("authors", "author"), ("authors", "author"), "authors"),
)


def field_value(value: Any, keys: tuple[str, ...] = VALUE_KEYS) -> Any:
    """An object-valued field as its string (the first of ``keys``), a one-item list as its
    item; anything else as it is."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        return next((value[k] for k in keys if isinstance(value.get(k), str) and value[k].strip()), None)
    return value


def text_value(value: Any) -> Any:
    """A text or HTML field as its string: an object as its first of ``TEXT_VALUE_KEYS``; a
    list as its paragraphs (strings, or objects giving one) joined by a blank line, the items
    that give no text (an image block, a number) left out; ``None`` when none gives text, or
    when an item is an article (it has a title or its own text field)."""
    if not isinstance(value, list):
        return field_value(value, TEXT_VALUE_KEYS)
    if any(isinstance(item, dict) and not _ARTICLE_KEYS.isdisjoint(item) for item in value):
        return None  # a list of articles under a text key is an envelope (``find_records``)
    # APIs that model a body as blocks send paragraphs; readers expect them joined in order.
    parts = [field_value(item, TEXT_VALUE_KEYS) if isinstance(item, dict) else item for item in value]
    paragraphs = [part for part in parts if isinstance(part, str) and part.strip()]
    return "\n\n".join(paragraphs) if paragraphs else None


def first_value(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` the record gives a non-empty value for, as stored."""
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _flat(obj: dict[str, Any]) -> dict[str, Any]:
    """The object with its field groups merged in."""
    groups = [obj[k] for k in FIELD_GROUP_KEYS if isinstance(obj.get(k), dict)]
    if not groups:
        return obj
    flat = {k: v for k, v in obj.items() if k not in FIELD_GROUP_KEYS}
    for group in groups:
        flat.update(group)
    return flat


def _is_record(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    flat = _flat(obj)
    for key in TEXT_KEYS + HTML_KEYS:
        text = text_value(flat.get(key))
        if isinstance(text, str) and text.strip():
            return True
    return False


def is_bulk_action(obj: Any) -> bool:
    """Whether ``obj`` is a ``_bulk`` action line (``{"index": {"_index": ..., "_id": ...}}``)."""
    return (
        isinstance(obj, dict)
        and len(obj) == 1
        and next(iter(obj)) in _BULK_ACTIONS
        and isinstance(next(iter(obj.values())), dict)
        and not _is_record(obj)
    )


def _children(obj: dict[str, Any]) -> list[tuple[str, Any]]:
    named = [(k, obj[k]) for k in ENVELOPE_KEYS if k in obj]
    return named + [(k, v) for k, v in obj.items() if k not in ENVELOPE_KEYS]


def _inherited(envelope: dict[str, Any]) -> list[_Inherited]:
    """What a JSON Feed's items inherit: (the item's keys that state it, key, value)."""
    version = envelope.get("version")
    if not (isinstance(version, str) and version.startswith(_FEED_VERSION_PREFIX)):
        return []
    found = [(own, key, first_value(envelope, feed_keys)) for feed_keys, own, key in _FEED_INHERITED]
    return [(own, key, value) for own, key, value in found if value is not None]


def _listed(
    items: list[Any], *, only_records: bool = False, inherited: Sequence[_Inherited] = ()
) -> list[Any]:
    """A list's records, flattened, in order: every item (an item that is not a record is
    reported by the caller), or with ``only_records`` those that are; bulk actions skipped."""
    out: list[Any] = []
    for item in items:
        if is_bulk_action(item) or (only_records and not _is_record(item)):
            continue
        if isinstance(item, dict):
            item = _flat(item)
            missing = {key: value for own, key, value in inherited if first_value(item, own) is None}
            item = {**item, **missing} if missing else item
        out.append(item)
    return out


def find_records(data: Any) -> list[Any]:
    """The records a parsed JSON upload holds, in order (see the module docstring); ``[]``
    when there is none within ``MAX_ENVELOPE_DEPTH`` levels."""
    if isinstance(data, list):
        return _listed(data)
    level = [data] if isinstance(data, dict) else []
    for depth in range(MAX_ENVELOPE_DEPTH + 1):
        below: list[dict[str, Any]] = []
        for node in level:
            if _is_record(node):
                return [_flat(node)]
            if depth == MAX_ENVELOPE_DEPTH:
                continue
            for key, child in _children(node):
                if isinstance(child, list) and any(_is_record(item) for item in child):
                    return _listed(child, only_records=key == "@graph", inherited=_inherited(node))
                if isinstance(child, dict):
                    below.append(child)
        level = below
    return []


def looked_for() -> str:
    """What ``find_records`` looks for, said for a rejection."""
    return (
        f"an object with text under one of {', '.join(TEXT_KEYS + HTML_KEYS)}, at most "
        f"{MAX_ENVELOPE_DEPTH} levels inside the top-level object, or a list of them"
    )

"""JSON objects that give a field twice. ``json.loads`` keeps the last value in silence, so
the other would be lost without a word: a request body that does so is a 400, an uploaded
record that does so is left out with its reason. Parse with ``object_pairs_hook=TwiceNoted()``
and, when it ``seen`` one, look with ``first_given_twice``."""

from __future__ import annotations

from typing import Any

__all__ = ["GivenTwice", "TwiceNoted", "dotted", "first_given_twice", "given_twice_message"]


class GivenTwice(dict[str, Any]):
    """An object that gave ``twice`` (its first field given twice) more than once."""

    twice: str


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``' ``object_pairs_hook``: the object, a ``GivenTwice`` when a field repeats."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    flagged = GivenTwice(obj)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            flagged.twice = key
            break
        seen.add(key)
    return flagged


class TwiceNoted:
    """An ``object_pairs_hook`` that notes whether any object gave a field twice (``seen``), so
    a parse without one is not walked again."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = object_pairs(pairs)
        self.seen = self.seen or isinstance(obj, GivenTwice)
        return obj


def first_given_twice(
    value: Any, path: list[str | int] | None = None, *, opaque: frozenset[int] = frozenset()
) -> list[str | int] | None:
    """The path (object keys and list indices, the field last) to the first field given twice
    in ``value``, or ``None``; objects whose ``id`` is in ``opaque`` are not looked into."""
    path = path or []
    if id(value) in opaque:
        return None
    if isinstance(value, GivenTwice):
        return [*path, value.twice]
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for name, child in children:
        found = first_given_twice(child, [*path, name], opaque=opaque)
        if found:
            return found
    return None


def dotted(path: list[str | int]) -> str:
    """``["articles", 2, "title"]`` -> ``articles[2].title``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def given_twice_message(field: str) -> str:
    """What is said of ``field`` (a path, in the reader's names) given twice."""
    return f"{field}: given twice; give each field once"

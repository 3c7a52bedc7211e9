"""JSON parse errors in a person's words, for every reader of untrusted JSON: a request body's
400 and an upload's rejection (or skipped line) say the same thing for the same mistake."""

from __future__ import annotations

import json

__all__ = ["json_error_words"]


# What each kind of json.JSONDecodeError means, in a person's words, by the start of its msg
# (the pure-Python decoder appends the character): a rejection is read by people, not by Python.
_JSON_ERROR_WORDS = (
    (
        "Expecting value",
        "a value is missing or is not JSON (text in double quotes, a number, true, false, null, [ or {)",
    ),
    (
        "Expecting property name enclosed in double quotes",
        "a field name in double quotes was expected (single quotes, a bare name, or a comma before } are not JSON)",
    ),
    ("Expecting ':' delimiter", "a colon was expected after the field name"),
    ("Expecting ',' delimiter", "a comma was expected between two values, or the closing ] or }"),
    ("Unterminated string", "a text in double quotes begun there is never closed"),
    (
        "Invalid control character",
        "a text in double quotes holds a tab, line break or other control character as it is: JSON writes \\t, \\n",
    ),
    ("Invalid \\uXXXX escape", "a \\u escape is not followed by four hex digits"),
    (
        "Invalid \\escape",
        "a backslash starts an escape JSON does not have (a backslash itself is written \\\\)",
    ),
    ("Extra data", "there is more after the end of the JSON value (two values where one was expected)"),
    ("Illegal trailing comma", "a comma before the closing ] or }"),
)


def json_error_words(err: json.JSONDecodeError, *, one_line: bool = False) -> str:
    """``err`` as a sentence for people: where (line and column; the column only for
    ``one_line`` text, a JSON Lines line numbered by the caller) and what is wrong."""
    what = next(
        (words for msg, words in _JSON_ERROR_WORDS if err.msg.startswith(msg)), "the text is not JSON"
    )
    where = f"column {err.colno}" if one_line else f"line {err.lineno}, column {err.colno}"
    return f"not valid JSON at {where}: {what}"

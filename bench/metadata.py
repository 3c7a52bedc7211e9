"""Metadata accuracy of the cleaner on the project's own labelled set (bench/metadata-set/).

Each document of ``bench/metadata-set/`` (text dumps, HTML pages, JSON records, written for
this project) has its expected title, source, published date, author, place and language in
``labels.json`` (``null`` = the document does not state it, so the cleaner must leave it
empty). ``report()`` runs ``archive_search.cleaning.clean()`` exactly as the ingest Lambda
does and prints the accuracy per field; ``python bench/metadata.py -v`` also lists every miss.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from archive_search.cleaning import clean
from archive_search.errors import RejectedInput

SET_DIR = Path(__file__).resolve().parent / "metadata-set"
FIELDS = ("title", "source", "published", "author", "place", "language")


def _norm(value: Any) -> str | None:
    """Compare values as people would: case, accents' composition and spacing do not matter."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = " ".join(text.replace("’", "'").split())
    return text or None


def evaluate(set_dir: Path = SET_DIR) -> dict[str, Any]:
    """Per-field accuracy and the list of misses: ``{"n": N, "fields": {f: acc}, "misses": [...]}``."""
    labels: dict[str, dict[str, Any]] = json.loads((set_dir / "labels.json").read_text(encoding="utf-8"))
    hits = dict.fromkeys(FIELDS, 0)
    misses: list[tuple[str, str, Any, Any]] = []
    for name, expected in sorted(labels.items()):
        try:
            article = clean((set_dir / name).read_bytes(), name)[0]
            got = {f: getattr(article, f) for f in FIELDS}
        except RejectedInput as err:
            got = dict.fromkeys(FIELDS, f"<rejected: {err.reason}>")
        for f in FIELDS:
            if _norm(got[f]) == _norm(expected.get(f)):
                hits[f] += 1
            else:
                misses.append((name, f, expected.get(f), got[f]))
    n = len(labels)
    return {"n": n, "fields": {f: hits[f] / n if n else 0.0 for f in FIELDS}, "misses": misses}


def report(set_dir: Path = SET_DIR, *, verbose: bool = False) -> dict[str, Any]:
    """Print the metadata accuracy per field (and the misses when ``verbose``); return the figures."""
    result = evaluate(set_dir)
    fields = result["fields"]
    overall = sum(fields.values()) / len(fields)
    print(f"metadata accuracy on {result['n']} labelled documents ({set_dir.name}):")
    print("  " + "  ".join(f"{f} {acc:.3f}" for f, acc in fields.items()) + f"  | mean {overall:.3f}")
    if verbose:
        for name, f, want, got in result["misses"]:
            print(f"  miss {name} {f}: expected {want!r}, got {got!r}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set-dir", type=Path, default=SET_DIR)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    report(args.set_dir, verbose=args.verbose)


if __name__ == "__main__":
    main()

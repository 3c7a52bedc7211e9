"""Metadata accuracy: the project beside trafilatura on the 131 hand-labelled benchmark pages,
by site fold, and the regression check on the project's own 45 documents.

    .venv/bin/python bench/metadata.py [-v]

- **Accuracy** (``bench/metadata-set/benchmark-labels.json``, how it was made in that folder's
  README): every page of ``bench/data/extraction-bench/html`` goes to ``clean(bytes, key)`` as
  the ingest Lambda feeds it, and to ``trafilatura.metadata.extract_metadata`` (its title,
  sitename, author split on ``;``, date: htmldate). A field is right when the value is one of
  the page's acceptable answers (case, spacing, quote and dash styles ignored; authors compared
  as sets of names). Pages fall in the site folds of ``bench/generalisation.py``: 0-2 tuning
  (pages a developer may read, ``-v`` lists their misses), 3-4 held out (figures only).
  trafilatura does not extract language, dateline place or an organisation byline: ``-``.
- **Text dumps**: the same 131 pages as text dumps (``bench/data/extraction-bench/textdump``:
  every visible line, no ``<head>``, no JSON-LD or meta tags) go to ``clean(bytes,
  "textdump/<id>.txt")`` with the line statistics of the 131 dumps taken as the archive (as
  ``bench/cleaning.py`` cleans them; a page's own lines do not count for it), scored against
  the same labels by the same folds. ``publisher`` is scored only where it can be: on the pages
  whose dump states one of the accepted names as a line of its own (a masthead, a logo's
  text) or in a copyright line (``© 2019 Example Media``), where a missing publisher is a miss, and on every page where the cleaner names a publisher
  (a name the labels do not accept is a miss wherever it comes from); the other pages are not
  counted and the number scored is printed.
- **Regression** (``bench/metadata-set/labels.json``): the 45 documents written alongside the
  code, which must stay right; a miss here is a regression, not an accuracy figure.
- **Text dumps, trafilatura-eval (silver)**: title, authors and published date of trafilatura-eval's
  760 pages as text dumps, against labels two extractors agree on (``bench/dump_silver.py``).
- **Publisher, trafilatura-eval tuning folds** (``bench/metadata-set/publisher-labels.json``,
  250 pages; ``publisher-labels-next100.json`` and ``publisher-labels-next83.json``, the next 100
  and the last 83 in the same order, each labelled blind): the publisher hand-labelled on tuning-fold pages of ``bench/data/trafilatura-eval``,
  the project's ``source`` beside trafilatura's sitename, each file on its own line (``-v``
  lists the misses).
- **trafilatura-eval's own labels**: title, authors and published date of the trafilatura-eval
  pages against the corpus's ``title``/``author``/``date`` fields (made by trafilatura's authors),
  the project beside trafilatura, by fold group; how they are compared: ``eval_right``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _labels import (  # type: ignore[import-not-found]
    FIELDS,
    PUBLISHER_SETS,
    ROOT,
    SET_DIR,
    norm,
    project_metadata,
    publisher_stated,
    trafilatura_metadata,
)
from dump_silver import report as silver_report  # type: ignore[import-not-found]
from generalisation import TUNING_FOLDS, fold  # type: ignore[import-not-found]

from archive_search.cleaning import clean
from archive_search.errors import RejectedInput
from archive_search.model import Article

PAGES_DIR = ROOT / "bench" / "data" / "extraction-bench" / "html"
DUMPS_DIR = ROOT / "bench" / "data" / "extraction-bench" / "textdump"
EVAL_PAGES_DIR = ROOT / "bench" / "data" / "trafilatura-eval" / "pages"
REGRESSION_FIELDS = ("title", "source", "published", "authors", "author_org", "place", "language")


def _names(values: Any) -> frozenset[str]:
    return frozenset(n for n in (norm(v) for v in values or ()) if n)


def right(field: str, got: Any, accepted: list[Any]) -> bool:
    """Whether ``got`` is one of a field's acceptable answers."""
    if field == "authors":
        return any(_names(got) == _names(alt) for alt in accepted)
    return any(norm(got) == norm(alt) for alt in accepted)


def evaluate_textdumps(set_dir: Path = SET_DIR, dumps_dir: Path = DUMPS_DIR) -> dict[str, Any]:
    """``{part: {field: accuracy}}`` of ``clean()`` on the text dumps, the tuning-fold misses
    and the pages counted per part and field."""
    from cleaning import archive_stats  # type: ignore[import-not-found]  # bench/ is on the path

    labels: dict[str, dict[str, Any]] = json.loads(
        (set_dir / "benchmark-labels.json").read_text(encoding="utf-8")
    )
    stats = archive_stats(dumps_dir.parent)
    rows = []
    for page_id, expected in sorted(labels.items()):
        data = (dumps_dir / f"{page_id}.txt").read_bytes()
        got = project_metadata(data, f"textdump/{page_id}.txt", stats)
        stated = publisher_stated(data.decode("utf-8", errors="replace"), expected["publisher"])
        if not stated and got["publisher"] is None:
            del got["publisher"]  # the dump does not state it and the cleaner does not invent one
        rows.append((expected["url"], expected, got))
    parts = {
        "all": rows,
        "tuning": [r for r in rows if fold(r[0]) in TUNING_FOLDS],
        "held-out": [r for r in rows if fold(r[0]) not in TUNING_FOLDS],
    }
    results: dict[str, Any] = {part: {f: _accuracy(sel, f) for f in FIELDS} for part, sel in parts.items()}
    results["counted"] = {
        part: {f: sum(f in got for *_, got in sel) for f in FIELDS} for part, sel in parts.items()
    }
    results["misses"] = [
        (url, f, labels_[f], got[f])
        for url, labels_, got in parts["tuning"]
        for f in FIELDS
        if f in got and not right(f, got[f], labels_[f])
    ]
    return results


def textdump_report(set_dir: Path = SET_DIR, *, verbose: bool = False) -> dict[str, Any]:
    """Print per-field accuracy of ``clean()`` on the text dumps, by fold."""
    results = evaluate_textdumps(set_dir)
    counted = results["counted"]
    print(
        f"# metadata accuracy on the same pages as text dumps (tuning: {counted['tuning']['title']}, "
        f"held-out: {counted['held-out']['title']}); publisher scored on "
        f"{counted['tuning']['publisher']} + {counted['held-out']['publisher']} pages (stated as a line "
        "or in a copyright line, or named by the cleaner)"
    )
    print(f"{'extractor':<12} {'part':<9} " + " ".join(f"{f[:10]:>10}" for f in FIELDS))
    for part in ("all", "tuning", "held-out"):
        row = results[part]
        print(f"{'project':<12} {part:<9} " + " ".join(f"{_cell(row[f]):>10}" for f in FIELDS))
    if verbose:
        for url, f, want, got in results["misses"]:
            print(f"  miss (textdump, tuning) {url} {f}: expected {want!r}, got {got!r}")
    return results


def _accuracy(rows: list[tuple[str, dict[str, Any], dict[str, Any]]], field: str) -> float | None:
    scored = [right(field, got[field], labels[field]) for _, labels, got in rows if field in got]
    return sum(scored) / len(scored) if scored else None


def evaluate(
    set_dir: Path = SET_DIR, pages_dir: Path = PAGES_DIR
) -> dict[str, dict[str, dict[str, float | None]]]:
    """``{extractor: {part: {field: accuracy}}}`` for parts all / tuning / held-out, and misses."""
    labels: dict[str, dict[str, Any]] = json.loads(
        (set_dir / "benchmark-labels.json").read_text(encoding="utf-8")
    )
    extractors: dict[str, Callable[[bytes, str], dict[str, Any]]] = {
        "project": lambda data, url: project_metadata(data),
        "trafilatura": trafilatura_metadata,
    }
    results: dict[str, Any] = {}
    for name, extract in extractors.items():
        rows = []
        for page_id, expected in sorted(labels.items()):
            got = extract((pages_dir / f"{page_id}.html").read_bytes(), expected["url"])
            rows.append((expected["url"], expected, got))
        parts = {
            "all": rows,
            "tuning": [r for r in rows if fold(r[0]) in TUNING_FOLDS],
            "held-out": [r for r in rows if fold(r[0]) not in TUNING_FOLDS],
        }
        results[name] = {part: {f: _accuracy(sel, f) for f in FIELDS} for part, sel in parts.items()}
        results[name]["misses"] = [
            (url, f, labels_[f], got[f])
            for url, labels_, got in parts["tuning"]
            for f in FIELDS
            if f in got and not right(f, got[f], labels_[f])
        ]
        results[name]["pages"] = {part: len(sel) for part, sel in parts.items()}
    return results


def _regression_got(article: Article) -> dict[str, Any]:
    return {f: getattr(article, f) for f in REGRESSION_FIELDS}


def regression(set_dir: Path = SET_DIR) -> tuple[int, list[tuple[str, str, Any, Any]]]:
    """(documents, misses) of the 45 own documents: every field must match its label."""
    labels: dict[str, dict[str, Any]] = json.loads((set_dir / "labels.json").read_text(encoding="utf-8"))
    misses = []
    for name, expected in sorted(labels.items()):
        try:
            got = _regression_got(clean((set_dir / name).read_bytes(), name)[0])
        except RejectedInput as err:
            got = dict.fromkeys(REGRESSION_FIELDS, f"<rejected: {err.reason}>")
        for f in REGRESSION_FIELDS:
            if not right(f, got[f], [expected.get(f)]):
                misses.append((name, f, expected.get(f), got[f]))
    return len(labels), misses


def publisher_tuning(
    set_dir: Path = SET_DIR, pages_dir: Path = EVAL_PAGES_DIR, labels_file: str = PUBLISHER_SETS[0]
) -> dict[str, tuple[float, list[tuple[str, list[str], Any]]]]:
    """``{extractor: (publisher accuracy, misses)}`` on one file of labelled trafilatura-eval pages."""
    import gzip

    labels: dict[str, dict[str, Any]] = json.loads((set_dir / labels_file).read_text(encoding="utf-8"))
    results = {}
    for name in ("project", "trafilatura"):
        misses = []
        for url, expected in labels.items():
            data = gzip.decompress((pages_dir / f"{expected['file']}.gz").read_bytes())
            got = project_metadata(data) if name == "project" else trafilatura_metadata(data, url)
            if not right("publisher", got["publisher"], expected["publisher"]):
                misses.append((url, expected["publisher"], got["publisher"]))
        results[name] = (1 - len(misses) / len(labels), misses)
    return results


EVAL_LABEL_FIELDS = {"title": "title", "authors": "author", "published": "date"}
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|,|&|\bund\b|\band\b)\s*", re.IGNORECASE)
_SIGNED_RE = re.compile(r"^(?:by|von)\s+", re.IGNORECASE)
_ISO_DAY_RE = re.compile(r"(\d{4})\D(\d{2})\D(\d{2})")


def _eval_names(value: Any) -> frozenset[str]:
    """Authors as a set of names, on both sides alike: every string split where the corpus joins
    several (``;``, ``,``, ``&``, ``und``, ``and``), a leading "By"/"Von" dropped."""
    if value is None:
        return frozenset()
    names = set()
    for part in [value] if isinstance(value, str) else value:
        for name in _AUTHOR_SPLIT_RE.split(str(part)):
            name = norm(_SIGNED_RE.sub("", name.strip()))
            if name:
                names.add(name)
    return frozenset(names)


def _eval_day(value: Any) -> str | None:
    """A date as YYYY-MM-DD (``2022-01.26`` and a datetime's time part alike; a label written
    year-day-month, ``2022-29-11``, is read as the day it can only be)."""
    found = _ISO_DAY_RE.search(norm(value) or "")
    if not found:
        return None
    year, month, day = found.groups()
    if int(month) > 12 >= int(day):
        month, day = day, month
    return f"{year}-{month}-{day}"


def eval_right(field: str, got: Any, label: Any) -> bool:
    """Whether ``got`` matches a trafilatura-eval label (see ``eval_labels``)."""
    if field == "authors":
        return bool(_eval_names(label)) and _eval_names(got) == _eval_names(label)
    if field == "published":
        return _eval_day(got) is not None and _eval_day(got) == _eval_day(label)
    return norm(_unhyphenated(got)) is not None and norm(_unhyphenated(got)) == norm(_unhyphenated(label))


def _unhyphenated(value: Any) -> Any:
    """Without soft hyphens: a reader never sees them (some labels keep them, the cleaner drops them)."""
    return value.replace("\xad", "") if isinstance(value, str) else value


def eval_labels(
    pages_dir: Path = EVAL_PAGES_DIR,
) -> dict[str, dict[str, Any]]:
    """trafilatura-eval's own ``title``/``author``/``date`` of the pages giving at least one."""
    items = json.loads((pages_dir.parent / "evaldata.json").read_text(encoding="utf-8"))
    return {url: item for url, item in items.items() if any(item.get(f) for f in EVAL_LABEL_FIELDS.values())}


def eval_labelled(pages_dir: Path = EVAL_PAGES_DIR) -> dict[str, Any]:
    """The project and trafilatura against trafilatura-eval's own labels: ``{extractor: {part:
    {field: (right, scored)}}}`` and the tuning-fold misses. A page is scored on a field only
    where the corpus gives it; one ``clean()`` and one ``extract_metadata`` a page."""
    import gzip

    results: dict[str, Any] = {"misses": []}
    counts = {
        name: {part: {f: [0, 0] for f in EVAL_LABEL_FIELDS} for part in ("tuning", "held-out")}
        for name in ("project", "trafilatura")
    }
    for url, item in sorted(eval_labels(pages_dir).items()):
        data = gzip.decompress((pages_dir / f"{item['file']}.gz").read_bytes())
        part = "tuning" if fold(url) in TUNING_FOLDS else "held-out"
        got = {"project": project_metadata(data), "trafilatura": trafilatura_metadata(data, url)}
        # the corpus's author field holds organisations too: the project's credit is its persons
        # and its organisation byline, as trafilatura's author string is
        project = got["project"]
        project["authors"] = [
            *(project["authors"] or ()),
            *([project["author_org"]] if project["author_org"] else []),
        ]
        for field, label_key in EVAL_LABEL_FIELDS.items():
            label = item.get(label_key)
            if not label:
                continue  # a missing corpus field is not scored
            for name, found in got.items():
                ok = eval_right(field, found[field], label)
                counts[name][part][field][0] += ok
                counts[name][part][field][1] += 1
                if not ok and part == "tuning" and name == "project":
                    results["misses"].append((url, field, label, found[field]))
    results.update(counts)
    return results


def eval_labelled_report(*, verbose: bool = False) -> dict[str, Any]:
    """Print title/authors/published against trafilatura-eval's own labels, by fold group."""
    results = eval_labelled()
    scored = {part: results["project"][part] for part in ("tuning", "held-out")}
    print(
        "# metadata on trafilatura-eval's own labels (made by trafilatura's authors), pages scored "
        + "; ".join(
            f"{part}: " + " ".join(f"{f} {scored[part][f][1]}" for f in EVAL_LABEL_FIELDS) for part in scored
        )
    )
    print(f"{'extractor':<12} {'part':<9} " + " ".join(f"{f:>10}" for f in EVAL_LABEL_FIELDS))
    for part in ("tuning", "held-out"):
        for name in ("project", "trafilatura"):
            row = results[name][part]
            print(
                f"{name:<12} {part:<9} "
                + " ".join(
                    f"{_cell(row[f][0] / row[f][1] if row[f][1] else None):>10}" for f in EVAL_LABEL_FIELDS
                )
            )
    if verbose:
        for url, f, want, got in results["misses"]:
            print(
                f"  miss (project, trafilatura-eval labels, tuning) {url} {f}: expected {want!r}, got {got!r}"
            )
    return results


def _cell(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def report(set_dir: Path = SET_DIR, *, verbose: bool = False) -> dict[str, Any]:
    """Print per-field accuracy (project beside trafilatura, by fold) and the regression check."""
    results = evaluate(set_dir)
    pages = results["project"]["pages"]
    print(
        f"# metadata accuracy on {pages['all']} hand-labelled benchmark pages "
        f"(tuning folds 0-2: {pages['tuning']}, held-out folds 3-4: {pages['held-out']})"
    )
    print(f"{'extractor':<12} {'part':<9} " + " ".join(f"{f[:10]:>10}" for f in FIELDS))
    for part in ("all", "tuning", "held-out"):
        for name in ("project", "trafilatura"):
            row = results[name][part]
            print(f"{name:<12} {part:<9} " + " ".join(f"{_cell(row[f]):>10}" for f in FIELDS))
    if verbose:
        for name in ("project", "trafilatura"):
            for url, f, want, got in results[name]["misses"]:
                print(f"  miss ({name}, tuning) {url} {f}: expected {want!r}, got {got!r}")
    textdumps = textdump_report(set_dir, verbose=verbose)
    silver = silver_report(verbose=verbose)
    publisher = {}
    for labels_file in PUBLISHER_SETS:
        if not (set_dir / labels_file).exists():
            continue
        publisher[labels_file] = found = publisher_tuning(set_dir, labels_file=labels_file)
        print(
            "# publisher on the hand-labelled trafilatura-eval tuning-fold pages "
            f"({set_dir.name}/{labels_file}): "
            + ", ".join(f"{name} {acc:.3f}" for name, (acc, _) in found.items())
        )
        if verbose:
            for name, (_, missed) in found.items():
                for url, want, got in missed:
                    print(
                        f"  miss ({name}, trafilatura-eval) {url} publisher: expected {want!r}, got {got!r}"
                    )
    eval_labelled_found = eval_labelled_report(verbose=verbose)
    n, misses = regression(set_dir)
    status = "all right" if not misses else f"{len(misses)} REGRESSIONS"
    print(f"# metadata regression check on {n} own documents ({set_dir.name}/labels.json): {status}")
    for name, f, want, got in misses:
        print(f"  regression {name} {f}: expected {want!r}, got {got!r}")
    return {
        **results,
        "textdump": textdumps,
        "silver": silver,
        "publisher_tuning": publisher,
        "eval_labels": eval_labelled_found,
        "regressions": misses,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set-dir", type=Path, default=SET_DIR)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss on the tuning folds")
    args = ap.parse_args()
    report(args.set_dir, verbose=args.verbose)


if __name__ == "__main__":
    main()

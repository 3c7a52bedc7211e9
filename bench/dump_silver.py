"""Text-dump title, authors, published date and publisher on trafilatura-eval's pages.

    .venv/bin/python bench/dump_silver.py [--write] [-v]

trafilatura-eval's 760 pages become text dumps (``generalisation.trafilatura_dumps``: the
extraction benchmark's ``textdump.py``). Their labels come from each page's HTML, kept only
where two extractors agree and the dump can state the value
(``bench/metadata-set/silver-dump-labels.json``, written by ``--write``):

- **title**: the project's HTML ``clean()`` title and trafilatura's ``extract_metadata`` title
  are the same text (case, spacing, quote and dash styles ignored), or one is the other plus a
  site-name suffix (`` - ``, `` | ``, `` : ``, `` · ``, `` » `` or `` / `` and at most five words),
  the label being the shorter; the headline has 2 words or more, and the dump holds it as a
  line or as the start of a line (followed by a non-word character). Otherwise no label.
- **authors**: the project's HTML authors and trafilatura's ``extract_metadata`` author (split
  on ``;``) are the same set of names (compared as ``bench/metadata.py`` compares authors), and
  each name is in a line of the dump's header: a line of at most 20 words above the dump's first
  line of 30 words or more. Also labelled, as no author: pages where both give none and no line
  of 12 words or fewer opens like a byline (``By``, ``Von``, ``Par``, ``Por``, ``Autor:``,
  ``Текст:``, ``作者``, ``… 기자`` …). Otherwise no label.
- **published**: the project's HTML date and trafilatura's (htmldate) are the same day, and a
  line of the dump states that day in a form read here independently of
  ``cleaning/metadata/dates.py`` (ISO, day-first or month-first numbers, a month's name or
  abbreviation in eight languages beside the day and the year). Otherwise no label: a dump
  that cannot state the date is left out, not scored as "no date".
- **publisher** (tuning folds only): not silver but the hand labels of ``PUBLISHER_SETS``
  (``bench/metadata-set/publisher-labels*.json``), scored where the dump states an accepted
  name as a line of its own or in a copyright line, or the cleaner names one (as on the
  extraction benchmark's dumps).

The dumps are cleaned with the line statistics of all 760 dumps as the archive (a page's own
lines do not count for it), and scored by the site folds of ``bench/generalisation.py``:
tuning folds 0-2 (``-v`` lists their misses), held-out folds 3-4 (figures only).
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from _labels import (  # type: ignore[import-not-found]
    PUBLISHER_SETS,
    SET_DIR,
    norm,
    project_metadata,
    publisher_stated,
    trafilatura_metadata,
)
from generalisation import (  # type: ignore[import-not-found]
    DEFAULT_DATA,
    TUNING_FOLDS,
    TrafilaturaEval,
    fold,
    trafilatura_dumps,
)

from archive_search.cleaning import LineStats, text_dump_lines

LABELS = SET_DIR / "silver-dump-labels.json"
_SUFFIX_SEPARATORS = (" - ", " | ", " : ", " · ", " » ", " / ", " :: ")
_MAX_SUFFIX_WORDS = 5
_MONTHS = {
    1: "jan january januar janvier enero gennaio janeiro januari",
    2: "feb february februar février fevrier febrero febbraio fevereiro februari",
    3: "mar march märz maerz mars marzo março maart",
    4: "apr april avril abril aprile",
    5: "may mai mayo maggio maio mei",
    6: "jun june juni juin junio giugno junho",
    7: "jul july juli juillet julio luglio julho",
    8: "aug august août aout agosto augustus",
    9: "sep sept september septembre septiembre settembre setembro",
    10: "oct october oktober octobre octubre ottobre outubro",
    11: "nov november novembre noviembre novembro",
    12: "dec december dezember décembre decembre diciembre dicembre dezembro",
}
_MONTH_NAMES = {name: month for month, names in _MONTHS.items() for name in names.split()}
_WORD_RE = re.compile(r"[^\W\d_]+")
_WORDS_RE = re.compile(r"\w+")
_PARAGRAPH_WORDS = 30  # the dump's first line this long starts the article's text
_HEADER_LINE_WORDS = 20
_BYLINE_WORDS = 12
# A line that opens like a byline in the benchmark's languages: a page with one is no "no
# author" label, whoever it names (broad on purpose: a wrong exclusion only drops a label).
_BYLINE_RE = re.compile(
    r"^\W*(?:by|von|par|por|di|door|av|af|przez|posted by|written by|geschrieben von|publié par"
    r"|publicado por|escrito por|scritto da|auteur|autor|author|autore|text|texte|texto|текст"
    r"|автор|作者|記者|记者|文)(?:\s*[:：/]|\s+\w)|기자\b|記者|记者|作者[:：]",
    re.IGNORECASE,
)


def _clean_title(value: Any) -> str | None:
    text = norm(value)
    return text.strip(" .") if text else None


def agreed_title(project: Any, other: Any) -> str | None:
    """The headline two extractors agree on, or ``None``: the same text, or one the other plus a
    site-name suffix after a separator (the shorter is the headline)."""
    a, b = _clean_title(project), _clean_title(other)
    if not a or not b:
        return None
    short, long_ = sorted((a, b), key=len)
    if short != long_:
        rest = long_.removeprefix(short)
        if rest == long_ or not any(
            rest.startswith(sep) and 0 < len(rest[len(sep) :].split()) <= _MAX_SUFFIX_WORDS
            for sep in _SUFFIX_SEPARATORS
        ):
            return None
    return short if len(short.split()) >= 2 else None


def dump_states_title(dump: str, title: str) -> bool:
    """Whether a line of the dump is the title, or starts with it before a non-word character."""
    for line in dump.split("\n"):
        text = _clean_title(line)
        if text and (text == title or (text.startswith(title) and not text[len(title)].isalnum())):
            return True
    return False


def _names(values: Any) -> frozenset[str]:
    """Authors as ``bench/metadata.py`` compares them: a set of normalised names."""
    return frozenset(n for n in (norm(v) for v in values or ()) if n)


def agreed_authors(project: Any, other: Any) -> frozenset[str] | None:
    """The authors two extractors agree on as a set of names (empty: both give none), or ``None``."""
    ours, theirs = _names(project), _names(other)
    return ours if ours == theirs else None


def dump_states_authors(dump: str, names: frozenset[str]) -> bool:
    """Whether each name is in a header line of the dump (a line of at most 20 words above the
    first line of 30 words or more), as whole words."""
    header = []
    for line in dump.split("\n"):
        words = len(_WORDS_RE.findall(line))
        if words >= _PARAGRAPH_WORDS:
            break
        if words <= _HEADER_LINE_WORDS:
            header.append(norm(line) or "")
    return all(any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", line) for line in header) for name in names)


def dump_has_byline(dump: str) -> bool:
    """Whether a short line of the dump opens like a byline (``_BYLINE_RE``)."""
    return any(
        len(_WORDS_RE.findall(line)) <= _BYLINE_WORDS and _BYLINE_RE.search(line.strip())
        for line in dump.split("\n")
    )


def silver_authors(project: Any, other: Any, dump: str) -> list[str] | None:
    """The authors label: the agreed names stated in the dump's header, ``[]`` when both give
    none and the dump has no byline-like line, else ``None`` (no label)."""
    names = agreed_authors(project, other)
    if names is None:
        return None
    if names:
        return sorted(names) if dump_states_authors(dump, names) else None
    return None if dump_has_byline(dump) else []


def _numeric_forms(day: date) -> list[re.Pattern[str]]:
    y, m, d = day.year, day.month, day.day
    sep = r"\s*[./-]\s*"
    return [
        re.compile(rf"(?<!\d){y}{sep}0?{m}{sep}0?{d}(?!\d)"),
        re.compile(rf"(?<!\d)0?{d}{sep}0?{m}{sep}{y}(?!\d)"),
        re.compile(rf"(?<!\d)0?{m}{sep}0?{d}{sep}{y}(?!\d)"),
        re.compile(rf"{y}\s*年\s*0?{m}\s*月\s*0?{d}\s*日"),
    ]


def dump_states_date(dump: str, day: date) -> bool:
    """Whether a line of the dump states ``day``: in numbers, or with the month's name beside
    the day and the year (read here without ``cleaning/metadata/dates.py``)."""
    numeric = _numeric_forms(day)
    day_re = re.compile(rf"(?<!\d)0?{day.day}(?:st|nd|rd|th|er|\.)?(?!\d)")
    year_re = re.compile(rf"(?<!\d){day.year}(?!\d)")
    for line in dump.split("\n"):
        if len(line) > 300:
            continue
        if any(p.search(line) for p in numeric):
            return True
        if not year_re.search(line) or not day_re.search(line):
            continue
        if any(_MONTH_NAMES.get(w.casefold().rstrip(".")) == day.month for w in _WORD_RE.findall(line)):
            return True
    return False


def make_labels(data: Path = DEFAULT_DATA) -> dict[str, dict[str, Any]]:
    """``{url: {"title": str | None, "authors": [name, ...] | None, "published": "YYYY-MM-DD" |
    None}}`` for every page (authors ``[]``: labelled as no author)."""
    bench = TrafilaturaEval(data / "trafilatura-eval")
    dumps = trafilatura_dumps(bench)
    labels = {}
    for page in bench.pages:
        dump = dumps[page.id].decode("utf-8", errors="replace")
        ours = project_metadata(page.data)
        theirs = trafilatura_metadata(page.data, page.url)
        title = agreed_title(ours["title"], theirs["title"])
        published = norm(ours["published"])
        if published != (theirs["published"] or None):
            published = None
        labels[page.id] = {
            "title": title if title and dump_states_title(dump, title) else None,
            "authors": silver_authors(ours["authors"], theirs["authors"], dump),
            "published": (
                published if published and dump_states_date(dump, date.fromisoformat(published)) else None
            ),
        }
    return labels


SILVER_FIELDS = ("title", "authors", "published")


def evaluate(data: Path = DEFAULT_DATA, labels_path: Path = LABELS) -> dict[str, Any]:
    """Per fold group and field: (right, scored), per tuning fold too, and the tuning-fold misses."""
    labels: dict[str, dict[str, Any]] = json.loads(labels_path.read_text(encoding="utf-8"))
    bench = TrafilaturaEval(data / "trafilatura-eval")
    dumps = trafilatura_dumps(bench)
    stats = LineStats.build(text_dump_lines(d, "page.txt") for d in dumps.values())
    parts = ("tuning", "held-out", *(f"fold {f}" for f in sorted(TUNING_FOLDS)))
    scores: dict[str, dict[str, list[int]]] = {part: {f: [0, 0] for f in SILVER_FIELDS} for part in parts}
    misses = []
    for url, label in sorted(labels.items()):
        if all(label.get(f) is None for f in SILVER_FIELDS):
            continue
        tuning = fold(url) in TUNING_FOLDS
        got = project_metadata(dumps[url], "textdump/page.txt", stats)
        for field in SILVER_FIELDS:
            want = label.get(field)
            if want is None:
                continue
            if field == "authors":
                found: Any = sorted(_names(got[field]))
            else:
                found = _clean_title(got[field]) if field == "title" else norm(got[field])
            for part in ("tuning", f"fold {fold(url)}") if tuning else ("held-out",):
                scores[part][field][0] += found == want
                scores[part][field][1] += 1
            if found != want and tuning:  # held-out pages are never listed
                misses.append((fold(url), url, field, want, found))
    return {"scores": scores, "misses": misses, "publisher": _publisher_scores(dumps, stats)}


def _publisher_scores(dumps: dict[str, bytes], stats: LineStats) -> dict[int, list[int]]:
    """Per tuning fold, ``[right, scored]`` of the dumps' publisher against the hand labels of
    ``PUBLISHER_SETS``, scored as on the extraction benchmark's dumps: where the dump states an
    accepted name as a line or in a copyright line, or the cleaner names one."""
    labels: dict[str, dict[str, Any]] = {}
    for labels_file in PUBLISHER_SETS:
        labels.update(json.loads((SET_DIR / labels_file).read_text(encoding="utf-8")))
    scores = {f: [0, 0] for f in sorted(TUNING_FOLDS)}
    for url, label in sorted(labels.items()):
        if fold(url) not in TUNING_FOLDS or url not in dumps:
            continue
        found = project_metadata(dumps[url], "textdump/page.txt", stats)["publisher"]
        if found is None and not publisher_stated(
            dumps[url].decode("utf-8", errors="replace"), label["publisher"]
        ):
            continue
        scores[fold(url)][0] += norm(found) in {norm(name) for name in label["publisher"]}
        scores[fold(url)][1] += 1
    return scores


def label_counts(labels: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts = {part: {"pages": 0, **dict.fromkeys(SILVER_FIELDS, 0)} for part in ("tuning", "held-out")}
    for url, label in labels.items():
        part = counts["tuning" if fold(url) in TUNING_FOLDS else "held-out"]
        part["pages"] += 1
        for field in SILVER_FIELDS:
            part[field] += label.get(field) is not None
    return counts


def report(data: Path = DEFAULT_DATA, *, verbose: bool = False) -> dict[str, Any]:
    """Print the silver set's label counts and the text-dump accuracy per fold group (and per
    tuning fold)."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    counts = label_counts(labels)
    results = evaluate(data)
    print(
        "# text-dump title, authors and published on trafilatura-eval's pages as dumps, silver "
        f"labels ({LABELS.parent.name}/{LABELS.name}): right / labelled"
    )
    for part, scores in results["scores"].items():
        cells = []
        for field in SILVER_FIELDS:
            ok, n = scores[field]
            cells.append(f"{field} {ok / max(n, 1):.3f} ({ok}/{n})")
        pages = f"pages {counts[part]['pages']:>3}" if part in counts else " " * 9
        print(f"project   {part:<9} {pages}  " + "  ".join(cells))
    print(
        "project   tuning    publisher (hand labels, "
        + ", ".join(PUBLISHER_SETS)
        + "): "
        + "  ".join(
            f"fold {f} {ok / max(n, 1):.3f} ({ok}/{n})" for f, (ok, n) in results["publisher"].items()
        )
    )
    if verbose:
        for fold_, url, field, want, found in results["misses"]:
            print(f"  miss (silver, fold {fold_}) {url} {field}: expected {want!r}, got {found!r}")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--write", action="store_true", help=f"write the labels to {LABELS.name} first")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses on the tuning folds")
    args = ap.parse_args()
    if args.write:
        labels = make_labels(args.data)
        LABELS.write_text(json.dumps(labels, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
        for part, c in label_counts(labels).items():
            print(
                f"# labels {part}: pages {c['pages']}, title {c['title']}, authors {c['authors']}, "
                f"published {c['published']}"
            )
    report(args.data, verbose=args.verbose)


if __name__ == "__main__":
    main()

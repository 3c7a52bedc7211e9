"""HTML cleaning on both benchmarks, by site: the project beside trafilatura, tuning folds
against held-out folds.

    .venv/bin/python bench/generalisation.py [--data DIR] [--per-doc] [--textdump-cv] [--idempotence]

Pages are grouped by site (the URL's host without ``www.``) and each site falls in one of five
folds by a hash of its name, so a site's pages are never split between folds. Folds 0-2 are the
tuning folds: pages a developer may read when working on the rules (``--per-doc`` lists only
them). Folds 3 and 4 are held out: look at their figures, never at their pages, and a rule change
lands only when it helps the held-out folds of both benchmarks. The gap printed is tuning F1 minus
held-out F1: a rule that memorises the pages it was tuned on widens it.

- extraction-bench (``bench/data/extraction-bench``): the benchmark's own scorer (4-token
  shingles against the gold article body, macro precision and recall).
- trafilatura-eval (``bench/data/trafilatura-eval``): snippets the text must hold and snippets
  it must not, micro-averaged as its ``score.py`` counts them.

``textdump_report`` (printed after the HTML table): trafilatura-eval's pages as text dumps, the
text-dump cleaner's second held-out set (its line weights are fitted on the tuning folds of
both benchmarks only). ``--textdump-cv`` prints instead ``textdump_cv``: the text-dump cleaner
judged inside the tuning folds (fit the line weights on two, clean the third), by which its
page-level rules are chosen; with ``--per-doc``, trafilatura-eval's tuning pages it misses on
and a count of the missed and wrong snippets by where their line sits against the kept body.

``--idempotence`` prints instead ``textdump_idempotence``: how many text dumps of each benchmark
change when their cleaned title and body are cleaned again (the cleaner's output should be a
fixed point).

Both extractors get the page's bytes, as ingest does; trafilatura runs with its defaults
(readability and jusText fallbacks included), as its own benchmark runs it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from archive_search.cleaning import LineStats, clean, text_dump_lines
from archive_search.cleaning.text import _PARAGRAPH_WORDS  # a miss's kind, as the cleaner counts
from archive_search.errors import RejectedInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench" / "data"
FOLDS = 5
TUNING_FOLDS = frozenset({0, 1, 2})


def site(url: str) -> str:
    host = urlsplit(url).hostname or url.split("::")[-1].split(".")[0]
    return host.removeprefix("www.")


def fold(url: str) -> int:
    return int.from_bytes(hashlib.sha256(site(url).encode()).digest()[:4], "big") % FOLDS


def project_text(data: bytes) -> str:
    try:
        return "\n\n".join(article.body for article in clean(data, "page.html"))
    except RejectedInput:
        return ""


def trafilatura_text(data: bytes) -> str:
    import trafilatura

    found = trafilatura.bare_extraction(data, include_comments=False, include_tables=True)
    return (found.as_dict() if hasattr(found, "as_dict") else found or {}).get("text") or ""


EXTRACTORS: dict[str, Callable[[bytes], str]] = {"project": project_text, "trafilatura": trafilatura_text}


@dataclass
class Page:
    id: str
    url: str
    data: bytes


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


class ExtractionBench:
    """The article-extraction benchmark: gold bodies, scored by its evaluate.py."""

    name = "extraction-bench"

    def __init__(self, folder: Path) -> None:
        spec = importlib.util.spec_from_file_location("extraction_bench_evaluate", folder / "evaluate.py")
        assert spec is not None and spec.loader is not None
        self.ev: ModuleType = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.ev)
        self.gold = self.ev.load_gold(folder)
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        self.pages = [
            Page(k, truth[k]["url"], (folder / "html" / f"{k}.html").read_bytes()) for k in sorted(self.gold)
        ]

    def score(self, pages: list[Page], texts: dict[str, str]) -> tuple[float, float, float]:
        m = self.ev.score({p.id: self.gold[p.id] for p in pages}, {p.id: texts[p.id] for p in pages}, 4, 0)
        return m["f1"], m["precision"], m["recall"]

    def page_figures(self, page: Page, text: str) -> str:
        f1, precision, recall = self.score([page], {page.id: text})
        return f"F1 {f1:.3f} (P {precision:.3f} R {recall:.3f})"


class TrafilaturaEval:
    """trafilatura's evaluation pages: snippets with and without, micro-averaged."""

    name = "trafilatura-eval"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
        self.pages = [
            Page(url, url, gzip.decompress((folder / "pages" / f"{item['file']}.gz").read_bytes()))
            for url, item in self.items.items()
        ]

    def score(self, pages: list[Page], texts: dict[str, str]) -> tuple[float, float, float]:
        tp = fn = fp = 0
        for page in pages:
            text = _norm(texts[page.id])
            item = self.items[page.id]
            found = sum(_norm(s) in text for s in item["with"])
            tp, fn = tp + found, fn + len(item["with"]) - found
            fp += sum(_norm(s) in text for s in item["without"])
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return 2 * precision * recall / max(precision + recall, 1e-9), precision, recall

    def page_figures(self, page: Page, text: str) -> str:
        text, item = _norm(text), self.items[page.id]
        found = sum(_norm(s) in text for s in item["with"])
        wrong = sum(_norm(s) in text for s in item["without"])
        return f"with {found}/{len(item['with'])} without {wrong}/{len(item['without'])}"

    def snippet_differences(self, page: Page, ours: str, theirs: str) -> list[str]:
        """The snippets on which two texts of a page differ: must-contain ones only ``theirs``
        holds (``missed``) or only ``ours`` holds (``found``), must-not-contain ones only
        ``ours`` holds (``wrong``) or only ``theirs`` holds (``avoided``); and the
        must-not-contain ones both hold (``kept``): what precision has left to win."""
        ours, theirs, item = _norm(ours), _norm(theirs), self.items[page.id]
        out = []
        for key, (only_theirs, only_ours) in (
            ("with", ("missed", "found")),
            ("without", ("avoided", "wrong")),
        ):
            for snippet in item[key]:
                in_ours, in_theirs = _norm(snippet) in ours, _norm(snippet) in theirs
                if in_ours != in_theirs:
                    out.append(f"{only_ours if in_ours else only_theirs} {snippet[:90]!r}")
                elif in_ours and key == "without":
                    out.append(f"kept {snippet[:90]!r}")
        return out


def run(bench: ExtractionBench | TrafilaturaEval, per_doc: bool = False) -> dict[str, dict[str, float]]:
    """Each extractor's F1 on the tuning and held-out folds (and all pages), and its docs/s;
    ``per_doc`` prints the tuning-fold pages on which the two extractors score differently
    (on trafilatura-eval, with each snippet the project misses or keeps against trafilatura)."""
    tuning = [p for p in bench.pages if fold(p.url) in TUNING_FOLDS]
    held_out = [p for p in bench.pages if fold(p.url) not in TUNING_FOLDS]
    out = {}
    all_texts: dict[str, dict[str, str]] = {}
    for name, extract in EXTRACTORS.items():
        extract(bench.pages[0].data)  # warm-up: imports, lookup tables, models
        texts, cpu = {}, 0.0
        for page in bench.pages:
            t0 = time.process_time()
            texts[page.id] = extract(page.data)
            cpu += time.process_time() - t0
        all_texts[name] = texts
        figures = {part: bench.score(pages, texts) for part, pages in
                   (("all", bench.pages), ("tuning", tuning), ("held-out", held_out))}  # fmt: skip
        out[name] = {"docs": len(bench.pages), "docs/s": len(bench.pages) / cpu, **figures}
        sites = {site(p.url) for p in held_out}
        out[name]["held-out pages"], out[name]["held-out sites"] = len(held_out), len(sites)
    if per_doc:
        for page in tuning:  # held-out pages are never listed
            figures = {name: bench.page_figures(page, texts[page.id]) for name, texts in all_texts.items()}
            differences = (
                bench.snippet_differences(
                    page, all_texts["project"][page.id], all_texts["trafilatura"][page.id]
                )
                if isinstance(bench, TrafilaturaEval)
                else []
            )
            if len(set(figures.values())) > 1 or differences:
                print(f"{bench.name} {page.id}: " + " | ".join(f"{n} {f}" for n, f in figures.items()))
                for line in differences:
                    print(f"  project {line}")
    return out


def report(data: Path = DEFAULT_DATA, per_doc: bool = False) -> None:
    print("# HTML by site folds (tuning folds 0-2, held-out folds 3-4): F1 (precision recall)")
    print(
        f"{'benchmark':<17} {'extractor':<12} {'all':<21} {'tuning':<21} {'held-out':<21} {'gap':>6} {'docs/s':>7}"
    )
    for bench in (ExtractionBench(data / "extraction-bench"), TrafilaturaEval(data / "trafilatura-eval")):
        results = run(bench, per_doc)
        for name, r in results.items():
            cells = [
                f"{r[part][0]:.3f} ({r[part][1]:.3f} {r[part][2]:.3f})"
                for part in ("all", "tuning", "held-out")
            ]
            gap = r["tuning"][0] - r["held-out"][0]
            print(
                f"{bench.name:<17} {name:<12} {cells[0]:<21} {cells[1]:<21} {cells[2]:<21} {gap:>+6.3f} {r['docs/s']:>7.1f}"
            )
        held = results["project"]["held-out pages"], results["project"]["held-out sites"]
        print(f"# {bench.name}: held-out folds hold {held[0]} pages of {held[1]} sites")


def trafilatura_dumps(bench: TrafilaturaEval) -> dict[str, bytes]:
    """Each trafilatura-eval page as a text dump, made by the extraction benchmark's
    ``textdump.py`` as that benchmark's own dumps were made."""
    folder = bench.folder.parent / "extraction-bench"
    spec = importlib.util.spec_from_file_location("textdump_maker", folder / "textdump.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    return {
        p.id: maker.html_to_textdump(p.data.decode("utf-8", errors="replace")).encode() for p in bench.pages
    }


def textdump_report(data: Path = DEFAULT_DATA) -> None:
    """trafilatura-eval's pages as text dumps (made by the extraction benchmark's
    ``textdump.py``, as its own dumps were made), cleaned with and without the line statistics
    of all of them, snippet-scored by site fold: the text-dump cleaner's second held-out set (its
    weights are fitted on the tuning folds of both benchmarks: ``bench/fit_classifier.py``)."""
    bench = TrafilaturaEval(data / "trafilatura-eval")
    dumps = trafilatura_dumps(bench)
    stats = LineStats.build(text_dump_lines(d, "page.txt") for d in dumps.values())
    tuning = [p for p in bench.pages if fold(p.url) in TUNING_FOLDS]
    held_out = [p for p in bench.pages if fold(p.url) not in TUNING_FOLDS]
    print("# trafilatura-eval pages as text dumps, by site fold: F1 (precision recall)")
    for label, line_stats in (("textdump", stats), ("textdump0", None)):
        texts, cpu = {}, 0.0
        for page_id, data_bytes in dumps.items():
            t0 = time.process_time()
            texts[page_id] = _textdump_body(data_bytes, line_stats)
            cpu += time.process_time() - t0
        parts = {part: bench.score(pages, texts) for part, pages in
                 (("all", bench.pages), ("tuning", tuning), ("held-out", held_out))}  # fmt: skip
        cells = " ".join(f"{part} {f:.3f} ({p:.3f} {r:.3f})" for part, (f, p, r) in parts.items())
        gap = parts["tuning"][0] - parts["held-out"][0]
        print(f"{label:<9} {cells} gap {gap:+.3f} docs/s {len(dumps) / cpu:.0f}")


def textdump_cv(data: Path = DEFAULT_DATA, per_doc: bool = False, later_passes: int | None = None) -> None:
    """Grouped cross-validation of the whole text-dump cleaner inside the tuning folds: for each
    tuning fold, the line weights are fitted on the other two tuning folds of both benchmarks
    (``bench/fit_classifier.py``'s fit) and ``clean()`` runs on the fold's pages of both, with
    and without the line statistics; the held-out folds are neither fitted on nor scored. What
    the page-level rules of ``cleaning/text.py`` are judged by. ``per_doc`` lists the tuning
    pages of trafilatura-eval that miss a snippet or hold a wrong one; ``later_passes``: the
    fit's (``fit_classifier.LATER_PASSES`` unless given)."""
    from unittest import mock

    import fit_classifier  # type: ignore[import-not-found]
    import numpy as np

    from archive_search.cleaning.lines import LineMemo, model, scores
    from archive_search.cleaning.text import split_blocks

    extraction = ExtractionBench(data / "extraction-bench")
    traf = TrafilaturaEval(data / "trafilatura-eval")
    folder = data / "extraction-bench" / "textdump"
    eb_dumps = {p.id: (folder / f"{p.id}.txt").read_bytes() for p in extraction.pages}
    te_dumps = trafilatura_dumps(traf)
    eb_lines = {k: split_blocks(v.decode("utf-8")) for k, v in eb_dumps.items()}
    eb_archive = LineStats.build(eb_lines.values())
    docs = {
        p.id: (
            eb_lines[p.id],
            np.array(fit_classifier.labels_for(eb_lines[p.id], extraction.gold[p.id], extraction.ev)),
            eb_archive,
        )
        for p in extraction.pages
        if fold(p.url) in TUNING_FOLDS
    }
    docs.update(fit_classifier.trafilatura_docs(traf.folder))
    page_fold = {p.id: fold(p.url) for p in (*extraction.pages, *traf.pages)}
    te_stats = LineStats.build(text_dump_lines(d, "page.txt") for d in te_dumps.values())
    benches = ((extraction, eb_dumps, eb_archive), (traf, te_dumps, te_stats))
    print(
        "# text dumps, grouped CV inside the tuning folds (fit on two, clean the third): F1 (precision recall)"
    )
    line_scores: dict[str, list[float]] = {}
    for label, archive in (("textdump", True), ("textdump0", False)):
        texts: dict[str, dict[str, str]] = {extraction.name: {}, traf.name: {}}
        for f in sorted(TUNING_FOLDS):
            keys = [k for k in docs if page_fold[k] in TUNING_FOLDS and page_fold[k] != f]
            # The stage-2 trees are fitted on the same two folds (the shipped ones saw all three).
            fitted, fitted_trees = fit_classifier.fit_line_model(
                docs,
                keys,
                archive,
                fit_classifier.WEIGHT_POWER,
                fit_classifier.LATER_PASSES if later_passes is None else later_passes,
            )
            name = "archive" if archive else "plain"
            models = {name: fitted}
            trees = {name: fitted_trees} if fitted_trees is not None else {}
            with (
                mock.patch.object(model, "shipped_weights", lambda m=models: m),
                mock.patch.object(model, "shipped_trees", lambda t=trees: t),
            ):
                for bench, dumps, stats in benches:
                    for page in bench.pages:
                        if page_fold[page.id] == f:
                            texts[bench.name][page.id] = _textdump_body(
                                dumps[page.id], stats if archive else None
                            )
                if per_doc and archive:
                    for page in traf.pages:
                        if page_fold[page.id] == f:
                            lines = split_blocks(te_dumps[page.id].decode("utf-8"))
                            line_scores[page.id] = scores(lines, memo=LineMemo(te_stats))
        for bench, _, _ in benches:
            cells = []
            for f in (*sorted(TUNING_FOLDS), "all"):
                pages = [
                    p for p in bench.pages if p.id in texts[bench.name] and f in ("all", page_fold[p.id])
                ]
                f1, precision, recall = bench.score(pages, texts[bench.name])
                cells.append(
                    f"fold {f} {f1:.4f}" if f != "all" else f"tuning {f1:.4f} ({precision:.3f} {recall:.3f})"
                )
            print(f"{label:<9} {bench.name:<17} " + " | ".join(cells))
        if per_doc and archive:
            _print_misses(traf, texts[traf.name], te_dumps, line_scores)


def _print_misses(
    traf: TrafilaturaEval, texts: dict[str, str], dumps: dict[str, bytes], line_scores: dict[str, list[float]]
) -> None:
    """trafilatura-eval's tuning pages that miss a snippet or hold a wrong one: each such snippet
    with where its line sits, its kind (``_miss_kind``), the line model's score of the line
    (stage 2 on the whole dump) and the line; then the counts by place and by kind."""
    from archive_search.cleaning.text import split_blocks

    places: Counter[tuple[str, str]] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    for page in traf.pages:
        if page.id not in texts:
            continue
        text, item = _norm(texts[page.id]), traf.items[page.id]
        missed = [x for x in item["with"] if _norm(x) not in text]
        wrong = [x for x in item["without"] if _norm(x) in text]
        if not (missed or wrong):
            continue
        print(f"{traf.name} textdump {page.id}: {traf.page_figures(page, texts[page.id])}")
        lines = split_blocks(dumps[page.id].decode("utf-8"))
        # The article is lost when the text holds none of the snippets and they sit on two lines
        # or more (all on one line: that one paragraph is lost).
        lost = len(missed) == len(item["with"]) and len({_snippet_line(x, lines) for x in missed}) >= 2
        for outcome, snippets in (("missed", missed), ("wrong", wrong)):
            for snippet in snippets:
                place = _snippet_place(snippet, lines, text)
                at = _snippet_line(snippet, lines)
                score = line_scores[page.id][at] if at is not None else float("nan")
                kind = _miss_kind(outcome, place, lines, at, score, lost, snippet)
                places[outcome, place] += 1
                kinds[outcome, kind] += 1
                line = lines[at][:100] if at is not None else snippet[:100]
                print(f"  {outcome} {place:<12} {kind:<26} {score:.2f} | {line}")
    print(
        f"{traf.name} textdump snippets by where their line sits: "
        + ", ".join(f"{kind} {place} {n}" for (kind, place), n in sorted(places.items()))
    )
    print(
        f"{traf.name} textdump snippets by kind: "
        + ", ".join(f"{outcome} {kind} {n}" for (outcome, kind), n in sorted(kinds.items()))
    )


_QUOTE_OPENERS = "\"“„«‘'‹"
_CLOSING_QUOTES = '"”’»)“‘«'


def _miss_kind(
    outcome: str, place: str, lines: list[str], at: int | None, score: float, lost: bool, snippet: str
) -> str:
    """A snippet's kind, read from its line's shape and score: a snippet no cleaned text can
    hold (soft hyphens, which decoding drops; a dump mis-decoded into U+FFFD), the page losing
    its article (``lost``), a line the line model keeps (score ≥ 0.5 on the whole dump) that a
    later step drops (a page rule, or a selection pass on the page cut down), a heading, a list
    item or other short line, a quote, or a paragraph, by its place."""
    if "\u00ad" in snippet:
        return "soft hyphen in snippet"
    if at is None and any("\ufffd" in line for line in lines):
        return "dump mis-decoded"
    if outcome == "missed" and lost:
        return "article lost"
    if at is None:
        return "across lines"
    line = lines[at]
    words = len(line.split())
    ends = line.rstrip(_CLOSING_QUOTES)[-1:] in ".!?…"
    shape = (
        "quote" if line[:1] in _QUOTE_OPENERS
        else "paragraph" if words >= _PARAGRAPH_WORDS and ends
        else "heading" if words <= 8 and not ends and not line.endswith(":")
        else "short line"
    )  # fmt: skip
    if outcome == "missed" and score >= 0.5:
        return f"{place}: dropped after the model"
    if place == "inside" and shape == "short line":
        neighbours = [lines[j] for j in (at - 1, at + 1) if 0 <= j < len(lines)]
        if any(len(n.split()) < _PARAGRAPH_WORDS for n in neighbours):
            return "inside: list item"
    return f"{place}: {shape}"


def _snippet_line(snippet: str, lines: list[str]) -> int | None:
    wanted = _norm(snippet)
    return next((i for i, line in enumerate(lines) if wanted in _norm(line)), None)


def _snippet_place(snippet: str, lines: list[str], text: str) -> str:
    """Where a snippet's line sits against the cleaned ``text`` (normalised): "above", "inside"
    or "below" the dump's lines of 10+ words that the text holds, "across lines" when no one
    line holds the snippet, "no body" when the text holds no such line."""
    at = _snippet_line(snippet, lines)
    if at is None:
        return "across lines"
    body = [i for i, line in enumerate(lines) if len(line.split()) >= 10 and _norm(line) in text]
    if not body:
        return "no body"
    return "above" if at < body[0] else "below" if at > body[-1] else "inside"


def textdump_idempotence(data: Path = DEFAULT_DATA) -> None:
    """Text dumps of both benchmarks (shipped weights, each benchmark's line statistics) whose
    cleaned title and body, cleaned again, come out different or rejected."""
    extraction = ExtractionBench(data / "extraction-bench")
    traf = TrafilaturaEval(data / "trafilatura-eval")
    folder = data / "extraction-bench" / "textdump"
    eb_dumps = {p.id: (folder / f"{p.id}.txt").read_bytes() for p in extraction.pages}
    te_dumps = trafilatura_dumps(traf)
    print("# text dumps changed by cleaning their cleaned text again")
    for name, dumps in ((extraction.name, eb_dumps), (traf.name, te_dumps)):
        stats = LineStats.build(text_dump_lines(d, "page.txt") for d in dumps.values())
        changed = sum(_changes_when_cleaned_again(d, stats) for d in dumps.values())
        print(f"{name:<17} {changed} of {len(dumps)}")


def _changes_when_cleaned_again(data: bytes, stats: LineStats) -> bool:
    try:
        articles = clean(data, "page.txt", line_stats=stats)
    except RejectedInput:
        return False
    for article in articles:
        try:
            [again] = clean(f"{article.title}\n\n{article.body}".encode(), "again.txt", line_stats=stats)
        except (RejectedInput, ValueError):
            return True
        if (again.title, again.body) != (article.title, article.body):
            return True
    return False


def _textdump_body(data: bytes, line_stats: LineStats | None) -> str:
    try:
        return "\n\n".join(a.body for a in clean(data, "page.txt", line_stats=line_stats))
    except RejectedInput:
        return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding both benchmarks")
    ap.add_argument(
        "--per-doc", action="store_true", help="tuning-fold pages the two extractors score differently"
    )
    ap.add_argument(
        "--textdump-cv",
        action="store_true",
        help="only the text-dump cleaner's grouped cross-validation inside the tuning folds",
    )
    ap.add_argument(
        "--idempotence",
        action="store_true",
        help="only the text dumps that change when their cleaned text is cleaned again",
    )
    ap.add_argument(
        "--later-passes",
        type=int,
        help="with --textdump-cv: later selection passes the fit takes each page again as "
        "(bench/fit_classifier.py --later-passes)",
    )
    args = ap.parse_args()
    if args.idempotence:
        textdump_idempotence(args.data)
        return
    if args.textdump_cv:
        textdump_cv(args.data, args.per_doc, args.later_passes)
        return
    report(args.data, args.per_doc)
    textdump_report(args.data)


if __name__ == "__main__":
    main()

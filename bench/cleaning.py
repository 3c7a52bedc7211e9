"""The cleaning benchmark: archive-search's cleaner on the article-extraction benchmark.

    make bench-cleaning                      # bench/data/extraction-bench
    make bench-cleaning BENCH_DATA=DIR       # any folder with html/, textdump/, gold/, ground-truth.json
    .venv/bin/python bench/cleaning.py --per-doc --input textdump

Each page goes through ``archive_search.cleaning.clean(data, key)`` exactly as the ingest
Lambda calls it: the file's bytes and an S3-like key (``html/<id>.html``,
``textdump/<id>.txt``); the article body is scored against the gold with the benchmark's own
scorer (its ``evaluate.py`` is loaded from the data folder, not copied). A rejected page
scores as an empty prediction. Speed is measured around ``clean()`` only, one document at a
time in one process, after one warm-up call (imports, lookup tables, the language model, as in
a warm Lambda), over ``--repeat`` passes: docs/s of wall time and of CPU time of the fastest
pass (``wall/s``, ``cpu/s``), and of CPU time with each page at its fastest of the passes
(``page/s``: as timeit reports a best-of, per page). A shared machine's speed drifts by a
third within seconds, so a slow stretch slows a whole pass; it seldom slows every pass of one
page. The summary line shows ``page/s``: what one core does when left alone.

Text dumps are cleaned with the line statistics of the benchmark's text dumps taken as the
archive (built as ``archive-search line-stats`` builds them from a bucket; a page's own lines do
not count for it), as ingest cleans an archive that has statistics: the ``textdump`` rows and the
summary. The ``textdump0`` rows clean them without statistics, as in a new archive.

Text dumps are also scored by site fold, as ``bench/generalisation.py`` folds the HTML pages:
the line classifier's weights are fitted on the tuning folds (0-2) only, so ``tuning`` is the
fit and ``held-out`` (folds 3-4, never fitted on, never read) the figure that counts; the gap
between them is printed. HTML rows are printed for each half of the sorted ids (``fit``, ``check``).
The metadata section of ``bench/metadata.py`` is printed too (per-field accuracy on the 131
hand-labelled pages, the project beside trafilatura by site fold, and the regression check of
the 45 own documents), and
``bench/generalisation.py``: the HTML of both benchmarks by site fold, beside trafilatura, and
trafilatura-eval's pages as text dumps by site fold.
The last line is always (docs/s: ``page/s``, CPU time):
    html F1 0.XXX docs/s N | textdump F1 0.XXX docs/s N
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from archive_search.cleaning import CLEANER_VERSION, LineStats, clean, text_dump_lines
from archive_search.errors import RejectedInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench" / "data" / "extraction-bench"
INPUTS = {"html": ("html", ".html"), "textdump": ("textdump", ".txt")}


def load_evaluate(bench_dir: Path) -> ModuleType:
    """The benchmark's own scorer, loaded from the data folder."""
    path = bench_dir / "evaluate.py"
    if not path.is_file():
        raise SystemExit(f"{path} not found: BENCH_DATA must name the benchmark folder")
    spec = importlib.util.spec_from_file_location("extraction_bench_evaluate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def halves(ids: list[str]) -> dict[str, list[str]]:
    """The split bench/fit_classifier.py fits on (``fit``) and the half it never sees (``check``)."""
    ordered = sorted(ids)
    return {"fit": ordered[0::2], "check": ordered[1::2]}


def site_folds(bench_dir: Path, ids: list[str]) -> dict[str, list[str]]:
    """The pages of the tuning folds and of the held-out folds, grouped by the site of their
    URL (``ground-truth.json``) as ``bench/generalisation.py`` groups them."""
    from generalisation import TUNING_FOLDS, fold  # type: ignore[import-not-found]

    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    tuning = sorted(k for k in ids if fold(truth[k]["url"]) in TUNING_FOLDS)
    return {"tuning": tuning, "held-out": sorted(set(ids) - set(tuning))}


@dataclass
class Run:
    """One input kind cleaned pass after pass (see ``run_passes``): the predictions, the
    rejections and the time of every page in every pass."""

    kind: str
    label: str
    docs: dict[str, bytes]
    line_stats: LineStats | None = None  # text dumps: the archive's, when cleaned with them
    preds: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    wall: list[float] = field(default_factory=list)  # per pass
    cpu: list[float] = field(default_factory=list)  # per pass
    page_cpu: dict[str, float] = field(default_factory=dict)  # per page, its fastest pass

    @classmethod
    def load(cls, bench_dir: Path, kind: str, label: str | None = None) -> Run:
        folder, ext = INPUTS[kind]
        paths = sorted((bench_dir / folder).glob(f"*{ext}"))
        if not paths:
            raise SystemExit(f"no {ext} files in {bench_dir / folder}")
        return cls(kind, label or kind, {p.name[: -len(ext)]: p.read_bytes() for p in paths})

    def key(self, doc_id: str) -> str:
        folder, ext = INPUTS[self.kind]
        return f"{folder}/{doc_id}{ext}"

    def clean_pass(self) -> None:
        wall = cpu = 0.0
        for doc_id, data in self.docs.items():
            c0 = time.process_time()
            t0 = time.perf_counter()
            try:
                body = _clean_body(data, self.key(doc_id), self.line_stats)
            except RejectedInput as e:
                body = ""
                self.rejected[doc_id] = e.reason
            wall += time.perf_counter() - t0
            page = time.process_time() - c0
            cpu += page
            self.page_cpu[doc_id] = min(self.page_cpu.get(doc_id, page), page)
            self.preds[doc_id] = body
        self.wall.append(wall)
        self.cpu.append(cpu)

    def docs_per_s(self) -> tuple[float, float, float]:
        """Docs/s of wall time and of CPU time of the fastest pass, and of CPU time with each
        page at its fastest (``page/s``)."""
        return tuple(  # type: ignore[return-value]
            len(self.docs) / t if t else float("inf")
            for t in (min(self.wall), min(self.cpu), sum(self.page_cpu.values()))
        )


def run_passes(runs: list[Run], repeat: int) -> None:
    """``repeat`` passes of every run, the runs taking turns: each input's passes are spread over
    the whole benchmark, so a slow stretch of the machine (a few seconds) slows a few of them,
    not all. One warm-up call each first (imports, lookup tables, the language model, as in a
    warm Lambda)."""
    for run in runs:
        first = next(iter(run.docs))
        _clean_body(run.docs[first], run.key(first), run.line_stats)
    for _ in range(max(1, repeat)):
        for run in runs:
            run.clean_pass()


def _clean_body(data: bytes, key: str, line_stats: LineStats | None) -> str:
    return "\n\n".join(article.body for article in clean(data, key, line_stats=line_stats))


def archive_stats(bench_dir: Path) -> LineStats:
    """The line statistics of the benchmark's pages taken as the archive, built as
    ``archive-search line-stats`` builds them from a bucket (each page's own lines are left out
    when it is judged: see ``LineStats.others``)."""
    folder, ext = INPUTS["textdump"]
    paths = sorted((bench_dir / folder).glob(f"*{ext}"))
    return LineStats.build(text_dump_lines(p.read_bytes(), f"{folder}/{p.name}") for p in paths)


def _metadata_report() -> None:
    """The metadata-accuracy section (bench/metadata.py; this script runs from bench/)."""
    from metadata import report  # type: ignore[import-not-found]

    report()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(os.environ.get("BENCH_DATA") or DEFAULT_DATA),
        help="data folder",
    )
    ap.add_argument("--input", choices=["html", "textdump", "both"], default="both")
    ap.add_argument("--per-doc", action="store_true", help="precision/recall of every document")
    ap.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed passes; the fastest pass, and each page at its fastest, are reported",
    )
    ap.add_argument("--n-bootstrap", type=int, default=200, help="bootstrap resamples for the ± figures")
    ap.add_argument("--no-metadata", action="store_true", help="skip the metadata-accuracy section")
    ap.add_argument(
        "--no-generalisation",
        action="store_true",
        help="skip both benchmarks by site fold (bench/generalisation.py)",
    )
    args = ap.parse_args(argv)

    bench_dir = args.bench_dir.resolve()
    ev = load_evaluate(bench_dir)
    gold = ev.load_gold(bench_dir)
    kinds = ["html", "textdump"] if args.input == "both" else [args.input]
    print(f"# cleaning benchmark: data={bench_dir} docs={len(gold)} cleaner={CLEANER_VERSION}")
    print(
        f"{'input':<9} {'part':<8} {'docs':>4}  {'F1':<13}  {'precision':<13}  {'recall':<13}  {'wall/s':>7}  {'cpu/s':>7}  {'page/s':>7}  rejected"
    )
    summary: dict[str, tuple[float, float] | None] = {"html": None, "textdump": None}
    runs = [Run.load(bench_dir, kind) for kind in kinds]
    if "textdump" in kinds:
        # Text dumps are cleaned as ingest cleans them in an archive with line statistics (the
        # headline figure), and as in a new archive without them ("textdump0").
        t0 = time.process_time()
        stats = archive_stats(bench_dir)
        print(
            f"# line statistics of the {stats.documents} text dumps as the archive: {len(stats.keys)} repeated "
            f"lines, built in {time.process_time() - t0:.2f} s CPU; textdump0 = cleaned without them"
        )
        runs[kinds.index("textdump")].line_stats = stats
        runs.append(Run.load(bench_dir, "textdump", "textdump0"))
    run_passes(runs, args.repeat)
    for run in runs:
        kind, label, preds, rejected = run.kind, run.label, run.preds, run.rejected
        docs_per_s, cpu_docs_per_s, page_docs_per_s = run.docs_per_s()
        missing = set(gold) - set(preds)
        for doc_id in missing:  # a page without its input file scores as an empty prediction
            preds[doc_id] = ""
        preds = {k: v for k, v in preds.items() if k in gold}
        split = site_folds(bench_dir, list(gold)) if kind == "textdump" else halves(list(gold))
        f1: dict[str, float] = {}
        parts = {"all": sorted(gold), **{part: ids for part, ids in split.items() if ids}}
        for part, ids in parts.items():
            m = ev.score({k: gold[k] for k in ids}, {k: preds[k] for k in ids}, 4, args.n_bootstrap)
            speed = (
                f"{docs_per_s:>7.1f}  {cpu_docs_per_s:>7.1f}  {page_docs_per_s:>7.1f}"
                if part == "all"
                else f"{'':>25}"
            )
            rej = sum(1 for k in ids if k in rejected)
            f1[part] = m["f1"]
            print(
                f"{label:<9} {part:<8} {len(ids):>4}  {m['f1']:.3f} ± {m['f1_std']:.3f}  "
                f"{m['precision']:.3f} ± {m['precision_std']:.3f}  {m['recall']:.3f} ± {m['recall_std']:.3f}  "
                f"{speed}  {rej}"
            )
            if part == "all":
                per_doc = m["per_doc"]
                if label == kind:
                    summary[kind] = (m["f1"], page_docs_per_s)
        if {"tuning", "held-out"} <= set(f1):
            print(
                f"# {label}: tuning {f1['tuning']:.3f} - held-out {f1['held-out']:.3f} = gap {f1['tuning'] - f1['held-out']:+.3f}"
            )
        if args.per_doc:
            # Text dumps: the tuning folds' pages only (the held-out pages are never read).
            listed = split.get("tuning", per_doc) if kind == "textdump" else per_doc
            print(f"# per document ({label}): precision recall [rejected reason] id")
            for doc_id in sorted(
                (k for k in per_doc if k in listed),
                key=lambda k: (per_doc[k]["recall"] or 0) + (per_doc[k]["precision"] or 0),
            ):
                row = per_doc[doc_id]
                p = "  -  " if row["precision"] is None else f"{row['precision']:.3f}"
                r = "  -  " if row["recall"] is None else f"{row['recall']:.3f}"
                print(f"{label:<9} {p} {r} {rejected.get(doc_id, ''):<16} {doc_id}")
    if not args.no_metadata:
        _metadata_report()
    if not args.no_generalisation:
        from generalisation import report, textdump_report  # type: ignore[import-not-found]

        report()
        textdump_report()
    sys.stdout.flush()
    print(" | ".join(_summary(kind, summary[kind]) for kind in ("html", "textdump")))


def _summary(kind: str, figures: tuple[float, float] | None) -> str:
    if figures is None:
        return f"{kind} F1 - docs/s -"
    f1, docs_per_s = figures
    return f"{kind} F1 {f1:.3f} docs/s {docs_per_s:.0f}"


if __name__ == "__main__":
    main()

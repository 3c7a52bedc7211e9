"""The cleaning benchmark: archive-search's cleaner on the article-extraction benchmark.

    make bench-cleaning                      # ../shared/extraction-bench
    make bench-cleaning BENCH_DATA=DIR       # any folder with html/, textdump/, gold/, ground-truth.json
    .venv/bin/python bench/cleaning.py --per-doc --input textdump

Each page goes through ``archive_search.cleaning.clean(data, key)`` exactly as the ingest
Lambda calls it: the file's bytes and an S3-like key (``html/<id>.html``,
``textdump/<id>.txt``); the article body is scored against the gold with the benchmark's own
scorer (its ``evaluate.py`` is loaded from the data folder, not copied). A rejected page
scores as an empty prediction. Speed is measured around ``clean()`` only, one document at a
time in one process, after one warm-up call (imports, lookup tables, the language model, as in
a warm Lambda): the fastest of ``--repeat`` passes (as timeit reports it: the pass least disturbed
by the rest of a shared machine, whose speed drifts by a third over minutes), as docs/s of wall
time and of CPU time. The summary line shows the CPU figure: what one core does.

Text dumps are cleaned with the line statistics of the benchmark's text dumps taken as the
archive (built as ``archive-search line-stats`` builds them from a bucket; a page's own lines do
not count for it), as ingest cleans an archive that has statistics: the ``textdump`` rows and the
summary. The ``textdump0`` rows clean them without statistics, as in a new archive.

Because the line classifier's weights were fitted on the even-numbered half of the split
(sorted ids), F1 is also printed for each half: ``fit`` and ``check`` (never seen in fitting).
The metadata-accuracy section of ``bench/metadata.py`` (its labelled set) is printed too.
The last line is always (docs/s of CPU time):
    html F1 0.XXX docs/s N | textdump F1 0.XXX docs/s N
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path
from types import ModuleType

from archive_search.cleaning import CLEANER_VERSION, LineStats, clean, text_dump_lines
from archive_search.errors import RejectedInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "extraction-bench"
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


def run_input(
    bench_dir: Path, kind: str, repeat: int, line_stats: LineStats | None = None
) -> tuple[dict[str, str], dict[str, str], float, float]:
    """Clean every page of one input kind: predictions, rejections, docs/s of wall time and of
    CPU time (fastest pass). On a shared machine the CPU figure is what one core does alone."""
    folder, ext = INPUTS[kind]
    paths = sorted((bench_dir / folder).glob(f"*{ext}"))
    if not paths:
        raise SystemExit(f"no {ext} files in {bench_dir / folder}")
    docs = {p.name[: -len(ext)]: p.read_bytes() for p in paths}
    preds: dict[str, str] = {}
    rejected: dict[str, str] = {}
    totals = []
    cpu_totals = []
    first = next(iter(docs))
    _clean_body(docs[first], f"{folder}/{first}{ext}", line_stats)  # warm-up: imports, model loading
    for _ in range(max(1, repeat)):
        total = cpu = 0.0
        for doc_id, data in docs.items():
            key = f"{folder}/{doc_id}{ext}"
            c0 = time.process_time()
            t0 = time.perf_counter()
            try:
                body = _clean_body(data, key, line_stats)
            except RejectedInput as e:
                body = ""
                rejected[doc_id] = e.reason
            total += time.perf_counter() - t0
            cpu += time.process_time() - c0
            preds[doc_id] = body
        totals.append(total)
        cpu_totals.append(cpu)
    best, cpu_best = min(totals), min(cpu_totals)
    return (
        preds,
        rejected,
        len(docs) / best if best else float("inf"),
        len(docs) / cpu_best if cpu_best else float("inf"),
    )


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
    ap.add_argument("--repeat", type=int, default=5, help="timed passes; the fastest is reported")
    ap.add_argument("--n-bootstrap", type=int, default=200, help="bootstrap resamples for the ± figures")
    ap.add_argument("--no-metadata", action="store_true", help="skip the metadata-accuracy section")
    args = ap.parse_args(argv)

    bench_dir = args.bench_dir.resolve()
    ev = load_evaluate(bench_dir)
    gold = ev.load_gold(bench_dir)
    kinds = ["html", "textdump"] if args.input == "both" else [args.input]
    print(f"# cleaning benchmark: data={bench_dir} docs={len(gold)} cleaner={CLEANER_VERSION}")
    print(
        f"{'input':<9} {'part':<6} {'docs':>4}  {'F1':<13}  {'precision':<13}  {'recall':<13}  {'wall/s':>7}  {'cpu/s':>7}  rejected"
    )
    summary: dict[str, tuple[float, float] | None] = {"html": None, "textdump": None}
    runs = [(kind, kind, None) for kind in kinds]
    if "textdump" in kinds:
        # Text dumps are cleaned as ingest cleans them in an archive with line statistics (the
        # headline figure), and as in a new archive without them ("textdump0").
        t0 = time.process_time()
        stats = archive_stats(bench_dir)
        print(
            f"# line statistics of the {stats.documents} text dumps as the archive: {len(stats.keys)} repeated "
            f"lines, built in {time.process_time() - t0:.2f} s CPU; textdump0 = cleaned without them"
        )
        runs = [(kind, kind, stats if kind == "textdump" else None) for kind in kinds] + [
            ("textdump", "textdump0", None)
        ]
    for kind, label, line_stats in runs:
        preds, rejected, docs_per_s, cpu_docs_per_s = run_input(bench_dir, kind, args.repeat, line_stats)
        missing = set(gold) - set(preds)
        for doc_id in missing:  # a page without its input file scores as an empty prediction
            preds[doc_id] = ""
        preds = {k: v for k, v in preds.items() if k in gold}
        parts = {"all": sorted(gold), **halves(list(gold))}
        for part, ids in parts.items():
            m = ev.score({k: gold[k] for k in ids}, {k: preds[k] for k in ids}, 4, args.n_bootstrap)
            speed = f"{docs_per_s:>7.1f}  {cpu_docs_per_s:>7.1f}" if part == "all" else f"{'':>16}"
            rej = sum(1 for k in ids if k in rejected)
            print(
                f"{label:<9} {part:<6} {len(ids):>4}  {m['f1']:.3f} ± {m['f1_std']:.3f}  "
                f"{m['precision']:.3f} ± {m['precision_std']:.3f}  {m['recall']:.3f} ± {m['recall_std']:.3f}  "
                f"{speed}  {rej}"
            )
            if part == "all" and label == kind:
                summary[kind] = (m["f1"], cpu_docs_per_s)
                per_doc = m["per_doc"]
        if args.per_doc:
            print(f"# per document ({label}): precision recall [rejected reason] id")
            for doc_id in sorted(
                per_doc, key=lambda k: (per_doc[k]["recall"] or 0) + (per_doc[k]["precision"] or 0)
            ):
                row = per_doc[doc_id]
                p = "  -  " if row["precision"] is None else f"{row['precision']:.3f}"
                r = "  -  " if row["recall"] is None else f"{row['recall']:.3f}"
                print(f"{label:<9} {p} {r} {rejected.get(doc_id, ''):<16} {doc_id}")
    if not args.no_metadata:
        _metadata_report()
    sys.stdout.flush()
    print(" | ".join(_summary(kind, summary[kind]) for kind in ("html", "textdump")))


def _summary(kind: str, figures: tuple[float, float] | None) -> str:
    if figures is None:
        return f"{kind} F1 - docs/s -"
    f1, docs_per_s = figures
    return f"{kind} F1 {f1:.3f} docs/s {docs_per_s:.0f}"


if __name__ == "__main__":
    main()

"""The speed of clean() in two versions of the cleaner, as a ratio, interleaved in one run.

    .venv/bin/python bench/compare.py --base 2fd120a --input textdump
    .venv/bin/python bench/compare.py --base ../other-checkout --input html --rounds 3 --check-output
    .venv/bin/python bench/compare.py --base main --input textdump --no-stats

BASE is a git revision (checked out with ``git worktree add --detach`` into a temporary folder,
removed at exit) or the folder of another checkout; the other version is this working tree.
Each version runs in its own worker process (``PYTHONPATH=<tree>/functions:<tree>/infra``) that
loads the pages, builds the line statistics of the data folder's text dumps with its own code
(as ``bench/cleaning.py`` builds them; a page's own lines never count for it) and cleans one
page as a warm-up (``--no-stats``: text dumps cleaned without line statistics, as in a new
archive). Both workers are then sent the same page, one after the other, page by page
over ``--rounds`` rounds, the one going first alternating with every page, and each times
``clean()`` with its process CPU time. Printed: the load and a ``timeit`` reference, the ratio
of each round (base CPU time / new CPU time: above 1, the new version is faster) and the
best-of ratio (each page at its fastest round in each version). ``--check-output`` compares
the cleaned articles (body and metadata) of both versions page by page.
The last line is always:
    best-of: new is X.XXx of base (base CPU time / new CPU time)
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench" / "data" / "extraction-bench"
INPUTS = {"html": ("html", ".html"), "textdump": ("textdump", ".txt")}


def worker(kind: str, data: Path, with_stats: bool = True) -> None:
    """Serve one version: read a page id per line on stdin, clean the page, write its CPU time
    and a digest of the cleaned articles (or of the rejection) as one JSON line."""
    import dataclasses

    from archive_search.cleaning import CLEANER_VERSION, LineStats, clean, text_dump_lines
    from archive_search.errors import RejectedInput

    folder, ext = INPUTS[kind]
    docs = {p.name[: -len(ext)]: p.read_bytes() for p in sorted((data / folder).glob(f"*{ext}"))}
    stats = None
    if kind == "textdump" and with_stats:
        stats = LineStats.build(text_dump_lines(d, f"{folder}/{i}{ext}") for i, d in docs.items())

    def one(doc_id: str) -> dict[str, Any]:
        key = f"{folder}/{doc_id}{ext}"
        c0 = time.process_time()
        try:
            out: Any = clean(docs[doc_id], key, line_stats=stats)
        except RejectedInput as e:
            out = f"rejected: {e.reason}"
        cpu = time.process_time() - c0
        if not isinstance(out, str):
            out = [dataclasses.asdict(article) for article in out]
        digest = hashlib.sha256(json.dumps(out, default=str, sort_keys=True).encode()).hexdigest()
        return {"cpu": cpu, "out": digest}

    one(next(iter(docs)))  # warm-up: imports, lookup tables, the language model
    print(json.dumps({"version": CLEANER_VERSION, "docs": len(docs)}), flush=True)
    for line in sys.stdin:
        print(json.dumps(one(line.strip())), flush=True)


class Worker:
    def __init__(self, tree: Path, kind: str, data: Path, with_stats: bool = True) -> None:
        env = {**os.environ, "PYTHONPATH": f"{tree}/functions:{tree}/infra"}
        # -P: the script's folder (this tree's bench/) stays off sys.path, only `tree` is imported.
        cmd = [sys.executable, "-P", __file__, "--worker", kind, "--data", str(data)]
        cmd += [] if with_stats else ["--no-stats"]
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self._read(f"the worker of {tree} did not start (its error is above)")
        self.version, self.docs = ready["version"], ready["docs"]

    def _read(self, error: str) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(error)
        return json.loads(line)

    def clean(self, doc_id: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(doc_id + "\n")
        self.proc.stdin.flush()
        return self._read(f"the worker stopped on page {doc_id} (its error is above)")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def base_tree(base: str) -> Path:
    """BASE's checkout: the folder itself, or a detached worktree of the revision, removed at exit."""
    if Path(base).is_dir():
        return Path(base).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="compare-base-"))
    tree = tmp / "tree"
    added = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), base],
        capture_output=True,
        text=True,
    )
    if added.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SystemExit(
            f"--base {base}: neither a folder nor a revision git can check out: {added.stderr.strip()}"
        )

    def remove() -> None:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True
        )
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(remove)
    return tree


def reference() -> str:
    """The machine's state: the load and ``python -m timeit "sum(range(10**6))"``'s best."""
    best = min(timeit.repeat("sum(range(10**6))", number=5, repeat=3)) / 5
    return f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, timeit sum(range(10**6)) {best * 1e3:.1f} msec"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", help="git revision or folder of another checkout")
    ap.add_argument("--input", choices=list(INPUTS), default="textdump")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with html/ and textdump/")
    ap.add_argument("--rounds", type=int, default=5, help="passes over the pages")
    ap.add_argument("--check-output", action="store_true", help="count pages cleaned differently")
    ap.add_argument(
        "--no-stats", action="store_true", help="clean text dumps without line statistics (a new archive)"
    )
    ap.add_argument("--worker", choices=list(INPUTS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data = args.data.resolve()
    if args.worker:
        return worker(args.worker, data, not args.no_stats)
    if not args.base:
        ap.error("--base is required")
    folder, ext = INPUTS[args.input]
    ids = sorted(p.name[: -len(ext)] for p in (data / folder).glob(f"*{ext}"))
    if not ids:
        raise SystemExit(f"no {ext} files in {data / folder}")

    trees = {"base": base_tree(args.base), "new": ROOT}
    workers: dict[str, Worker] = {}
    try:
        for name, tree in trees.items():
            workers[name] = Worker(tree, args.input, data, not args.no_stats)
        stats = ", without line statistics" if args.no_stats and args.input == "textdump" else ""
        print(f"# {args.input}{stats}, {len(ids)} pages of {data}, {args.rounds} rounds")
        for name, w in workers.items():
            print(f"# {name}: cleaner {w.version} ({trees[name]})")
        print(f"# before: {reference()}")
        best: dict[str, dict[str, float]] = {"base": {}, "new": {}}
        differ: set[str] = set()
        for r in range(max(1, args.rounds)):
            total = {"base": 0.0, "new": 0.0}
            for i, doc_id in enumerate(ids):
                order = ("base", "new") if (r + i) % 2 == 0 else ("new", "base")
                got = {name: workers[name].clean(doc_id) for name in order}
                for name, result in got.items():
                    total[name] += result["cpu"]
                    best[name][doc_id] = min(best[name].get(doc_id, result["cpu"]), result["cpu"])
                if got["base"]["out"] != got["new"]["out"]:
                    differ.add(doc_id)
            print(
                f"round {r + 1}: base {total['base']:.3f} s, new {total['new']:.3f} s CPU: "
                f"new is {total['base'] / total['new']:.2f}x of base"
            )
        print(f"# after: {reference()}")
        if args.check_output:
            listed = " ".join(sorted(differ)[:5]) + (" ..." if len(differ) > 5 else "")
            print(f"output differs on {len(differ)} of {len(ids)} pages{': ' + listed if differ else ''}")
        base_s, new_s = sum(best["base"].values()), sum(best["new"].values())
        print(f"best-of: new is {base_s / new_s:.2f}x of base (base CPU time / new CPU time)")
    finally:
        for w in workers.values():
            w.close()


if __name__ == "__main__":
    main()

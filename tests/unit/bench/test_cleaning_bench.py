"""bench/cleaning.py runs on any folder with the benchmark's layout and ends with the summary line."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
# A stand-in for the benchmark's evaluate.py with the same interface (load_gold, score):
# token-set precision/recall, enough to prove the script calls the scorer of the data folder.
EVALUATE = """
import json, re, statistics
def tokenize(t): return re.findall(r"\\w+", t or "")
def load_gold(d): return {k: v["articleBody"] for k, v in json.loads((d / "ground-truth.json").read_text()).items()}
def score(gold, pred, n=4, n_bootstrap=0, seed=0):
    rows = {}
    for k in gold:
        g, p = set(tokenize(gold[k])), set(tokenize(pred[k]))
        rows[k] = {"precision": len(g & p) / len(p) if p else None, "recall": len(g & p) / len(g) if g else None}
    ps = [r["precision"] for r in rows.values() if r["precision"] is not None]
    rs = [r["recall"] for r in rows.values() if r["recall"] is not None]
    P, R = (statistics.mean(ps) if ps else 0.0), (statistics.mean(rs) if rs else 0.0)
    f1 = 2 * P * R / (P + R) if P + R else 0.0
    return {"f1": f1, "precision": P, "recall": R, "f1_std": 0.0, "precision_std": 0.0, "recall_std": 0.0, "per_doc": rows}
"""
BODY = (
    "The harbour authority approved a plan on Tuesday to dredge the northern channel so that larger "
    "cargo ships can dock at the port for the first time since 1998."
)


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    for sub in ("html", "textdump", "gold"):
        (tmp_path / sub).mkdir()
    gold = {}
    # Two sites: example.com falls in a tuning fold, example.org in a held-out one.
    for doc_id, host in (("a", "example.com"), ("b", "example.org")):
        (tmp_path / "html" / f"{doc_id}.html").write_text(
            f"<html><head><title>Dredging</title></head><body><nav>Home News</nav><article>"
            f"<h1>Dredging plan</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"
        )
        (tmp_path / "textdump" / f"{doc_id}.txt").write_text(f"Home\nNews\nDredging plan\n{BODY}\n{BODY}\n")
        (tmp_path / "gold" / f"{doc_id}.txt").write_text(BODY)
        gold[doc_id] = {"articleBody": f"{BODY}\n{BODY}", "url": f"https://{host}/{doc_id}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold))
    (tmp_path / "evaluate.py").write_text(EVALUATE)
    return tmp_path


def test_bench_prints_both_inputs_and_ends_with_the_summary_line(bench_dir: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "cleaning.py"),
            "--per-doc",
            "--no-metadata",
            "--no-generalisation",
        ],
        env={"BENCH_DATA": str(bench_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.strip().splitlines()

    assert re.fullmatch(r"html F1 \d\.\d{3} docs/s \d+ \| textdump F1 \d\.\d{3} docs/s \d+", lines[-1])
    assert float(lines[-1].split()[2]) > 0.9
    assert float(lines[-1].split()[8]) > 0.9
    assert any(line.startswith("textdump  all") for line in lines)
    assert any(line.startswith("textdump  held-out    1") for line in lines)
    assert any(line.startswith("# textdump: tuning") and " gap " in line for line in lines)
    assert sum(1 for line in lines if line.startswith("html ") and line.endswith((" a", " b"))) == 2
    # The per-document list of text dumps names the tuning folds' pages only.
    assert [
        line.split()[-1] for line in lines if line.startswith("textdump ") and line.endswith((" a", " b"))
    ] == ["a"]


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_cleaning", ROOT / "bench" / "cleaning.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_halves_split_the_ids_alternately() -> None:
    assert _bench_module().halves(["d", "a", "c", "b"]) == {"fit": ["a", "c"], "check": ["b", "d"]}


def test_each_page_at_its_fastest_is_at_least_as_fast_as_the_fastest_pass(bench_dir: Path) -> None:
    bench = _bench_module()
    runs = [bench.Run.load(bench_dir, "textdump"), bench.Run.load(bench_dir, "html")]

    bench.run_passes(runs, 3)

    for run in runs:
        assert set(run.preds) == {"a", "b"} and not run.rejected
        assert BODY in run.preds["a"]
        assert len(run.cpu) == 3
        wall, cpu, page = run.docs_per_s()
        assert wall > 0
        assert 0 < cpu <= page


def _generalisation_module():
    spec = importlib.util.spec_from_file_location(
        "bench_generalisation", ROOT / "bench" / "generalisation.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_sites_pages_fall_in_one_fold_whatever_the_path_or_www() -> None:
    bench = _generalisation_module()
    urls = ["https://www.example.org/a", "http://example.org/b/c?d=1", "https://example.org/"]

    assert {bench.site(u) for u in urls} == {"example.org"}
    assert len({bench.fold(u) for u in urls}) == 1
    assert len({bench.fold(f"https://site{n}.example/") for n in range(50)}) == bench.FOLDS


def test_per_doc_lists_only_tuning_pages_the_extractors_score_differently(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _generalisation_module()
    urls = [f"https://site{n}.example/" for n in range(40)]
    pages = [bench.Page(url, url, b"<p>x</p>") for url in urls]
    evaluation = object.__new__(bench.TrafilaturaEval)
    evaluation.pages = pages
    evaluation.items = {url: {"with": ["found by one"], "without": []} for url in urls}
    monkeypatch.setattr(
        bench, "EXTRACTORS", {"project": lambda data: "found by one", "trafilatura": lambda data: ""}
    )

    results = bench.run(evaluation, per_doc=True)

    out = capsys.readouterr().out.splitlines()
    listed = [line.split()[1].rstrip(":") for line in out if not line.startswith(" ")]
    assert sorted(listed) == sorted(u for u in urls if bench.fold(u) in bench.TUNING_FOLDS)
    assert [line for line in out if line.startswith(" ")] == ["  project found 'found by one'"] * len(listed)
    assert 0 < len(listed) < len(urls)
    assert results["project"]["tuning"][2] == 1.0 and results["trafilatura"]["tuning"][2] == 0.0


def test_snippet_differences_name_each_snippet_one_text_holds_and_the_other_not_and_wrong_ones_both_keep() -> (
    None
):
    bench = _generalisation_module()
    page = bench.Page("u", "https://site.example/", b"")
    evaluation = object.__new__(bench.TrafilaturaEval)
    evaluation.items = {"u": {"with": ["lead", "body", "headline"], "without": ["menu", "banner", "footer"]}}

    out = evaluation.snippet_differences(page, "lead  body banner menu", "body headline footer menu")

    assert out == ["found 'lead'", "missed 'headline'", "kept 'menu'", "wrong 'banner'", "avoided 'footer'"]

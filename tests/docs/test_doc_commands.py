"""Every shell command of the documentation works in a plain clone, so examples cannot rot.

Static checks (no server): ``make`` targets and variables exist in the Makefile, ``archive-search``
sub-commands answer ``--help`` with the options used, repository paths exist, scripts and pytest markers exist, every
block is valid shell, and a command no check knows fails the test. Blocks marked
``# needs AWS: syntax-checked only`` are only parsed by ``bash -n``.

Against the local stack (the e2e suite's ``stack`` fixture: ``archive-search-local`` as ``make run``
starts it, once every sample file has a receipt): every ``curl`` answers 2xx, or the status its comment states (``# 404``);
files copied into ``inbox/`` are copied into the stack's inbox; ``archive-search`` commands in a
block that sources ``.local/env.sh`` run against the stack and exit 0.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests

from tests.conftest import SAMPLES
from tests.docs.commands import (
    AWS_MARKER,
    ROOT,
    DocBlock,
    DocCommand,
    all_blocks,
    all_commands,
    broken_anchors,
    commands,
    doc_files,
    expected_status,
    make_targets,
    make_variables,
    prose_path_exists,
    prose_paths,
    repository_path,
)
from tests.e2e.test_local_stack import LocalStack, eventually
from tests.e2e.test_local_stack import stack as stack  # the e2e suite's fixture, started once here

LOCAL_API = "http://127.0.0.1:8000"
VENV_BIN = Path(sys.executable).parent
ENV_SH = ".local/env.sh"
ARCHIVE_SEARCH = {"archive-search", ".venv/bin/archive-search"}
PYTHONS = {"python", "python3", ".venv/bin/python"}
LOCAL_COMMANDS = [cmd for cmd in all_commands() if any(w[0] in {"curl", "cp"} for w in cmd.simple_commands())]


def _ids(items: list[DocCommand] | list[DocBlock]) -> list[str]:
    return [item.where for item in items]


@functools.cache
def _sub_command_options(sub: str) -> set[str] | None:
    """The options ``archive-search SUB --help`` lists; None when there is no such sub-command."""
    script = VENV_BIN / "archive-search"
    answer = subprocess.run([str(script), sub, "--help"], capture_output=True, text=True, timeout=60)
    return set(re.findall(r"--[a-z][a-z-]*", answer.stdout)) if answer.returncode == 0 else None


@functools.cache
def _pytest_markers() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {line.split(":", 1)[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]}


def _program_problems(words: list[str]) -> list[str]:
    program, args = words[0], words[1:]
    if program == "curl":
        urls = [word for word in args if "://" in word]
        return (
            []
            if urls and all(url.startswith(LOCAL_API) for url in urls)
            else [f"curl must call the local stack ({LOCAL_API})"]
        )
    if program == "make":
        targets = [word for word in args if not word.startswith("-") and "=" not in word] or ["run"]
        variables = [word.split("=", 1)[0] for word in args if "=" in word]
        return [f"no make target {t!r}" for t in targets if t not in make_targets()] + [
            f"the Makefile does not use {v}" for v in variables if v not in make_variables()
        ]
    if program in ARCHIVE_SEARCH:
        sub = next((word for word in args if not word.startswith("-")), None)
        options = _sub_command_options(sub) if sub else None
        if options is None:
            return [f"archive-search has no sub-command {sub!r}"]
        # A removed option (reindex --prefix) rots a command whose sub-command still exists.
        flags = [word.split("=", 1)[0] for word in args if word.startswith("--")]
        return [f"archive-search {sub} has no option {flag}" for flag in flags if flag not in options]
    if program in PYTHONS:
        if args[:1] == ["-m"]:
            module = args[1]
            problems = [] if importlib.util.find_spec(module) else [f"no module {module!r}"]
            if module == "pytest" and "-m" in args[2:]:
                marker = args[2:][args[2:].index("-m") + 1]
                problems += [] if marker in _pytest_markers() else [f"no pytest marker {marker!r}"]
            return problems
        return (
            [] if args and repository_path(args[0]) else [f"python runs no script of the repository: {args}"]
        )
    if program.startswith(".venv/bin/"):
        return [] if (VENV_BIN / program.rsplit("/", 1)[1]).exists() else [f"{program} is not installed"]
    if program.startswith(".venv-checkov/bin/"):
        name = program.rsplit("/", 1)[1]
        built = f"$(CHECKOV_VENV)/bin/{name}" in (ROOT / "Makefile").read_text(encoding="utf-8")
        return [] if built else [f"the Makefile does not build {program}"]
    if program == "source":
        return [] if args == [ENV_SH] or (args and repository_path(args[0])) else [f"cannot source {args}"]
    if program in {"cp", "export"}:
        return []
    return [f"no check for {program!r}: add one, or mark the block {AWS_MARKER!r}"]


def command_problems(cmd: DocCommand) -> list[str]:
    """What is wrong with a documented command, checked without running it."""
    problems = []
    for words in cmd.simple_commands():
        problems += _program_problems(words)
        for word in words[1:]:
            path = repository_path(word)
            if path is not None and not any(path.parent.glob(path.name)):
                problems.append(f"no such path in the repository: {word}")
    return problems


def _sources_env(block: DocBlock) -> bool:
    return any(words[:2] == ["source", ENV_SH] for c in commands(block) for words in c.simple_commands())


# Static checks -------------------------------------------------------------------------------


@pytest.mark.unit
def test_the_readme_stays_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert "../shared" not in readme


@pytest.mark.unit
def test_the_docs_hold_commands_of_every_kind() -> None:
    programs = [words[0] for cmd in all_commands() for words in cmd.simple_commands()]
    assert programs.count("curl") >= 30
    assert programs.count("make") >= 5
    assert sum(p in ARCHIVE_SEARCH for p in programs) >= 5
    assert sum(block.needs_aws for block in all_blocks()) >= 4


@pytest.mark.unit
@pytest.mark.parametrize("block", all_blocks(), ids=_ids(all_blocks()))
def test_every_shell_block_is_valid_shell(block: DocBlock) -> None:
    result = subprocess.run(["bash", "-n"], input=block.text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.unit
@pytest.mark.parametrize("cmd", all_commands(), ids=_ids(all_commands()))
def test_every_documented_command_names_what_exists(cmd: DocCommand) -> None:
    assert command_problems(cmd) == []


@pytest.mark.unit
@pytest.mark.parametrize("doc", doc_files(), ids=[str(p.relative_to(ROOT)) for p in doc_files()])
def test_every_path_the_prose_names_exists(doc: Path) -> None:
    missing = [f"line {line}: {name}" for line, name in prose_paths(doc) if not prose_path_exists(name)]
    assert missing == []


@pytest.mark.unit
@pytest.mark.parametrize("doc", doc_files(), ids=[str(p.relative_to(ROOT)) for p in doc_files()])
def test_every_link_to_a_heading_finds_it(doc: Path) -> None:
    assert broken_anchors(doc) == []


@pytest.mark.unit
def test_a_link_to_a_missing_heading_is_caught(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Page\n\n## The `archive-search` command\n\n[a](#the-archive-search-command) [b](#gone)\n"
    )
    assert broken_anchors(doc) == ["#gone"]


@pytest.mark.unit
def test_every_test_the_docs_cite_exists() -> None:
    defined = set()
    for source in (ROOT / "tests").rglob("test_*.py"):
        defined.update(re.findall(r"^\s*(?:async )?def (test_\w+)", source.read_text(encoding="utf-8"), re.M))
    cited = {
        name for doc in doc_files() for name in re.findall(r"`(test_\w+)`", doc.read_text(encoding="utf-8"))
    }
    assert len(cited) >= 10
    assert sorted(cited - defined) == []


@pytest.mark.unit
def test_a_renamed_module_named_in_the_prose_is_caught(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("The model is `cleaning/classifier.py`; see `search/api.py`.\n", encoding="utf-8")
    named = prose_paths(doc)
    assert [name for _, name in named] == ["cleaning/classifier.py", "search/api.py"]
    assert [prose_path_exists(name) for _, name in named] == [False, True]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("make bench-everything", "no make target 'bench-everything'"),
        ("make bench-cleaning BENCH_DATASET=x", "the Makefile does not use BENCH_DATASET"),
        ("archive-search compact", "archive-search has no sub-command 'compact'"),
        ("archive-search reindex --prefix inbox/", "archive-search reindex has no option --prefix"),
        ("archive-search status --follow", "archive-search status has no option --follow"),
        ("cp bench/no-such-file.txt inbox/", "no such path in the repository: bench/no-such-file.txt"),
        (".venv/bin/python -m pytest -m slow", "no pytest marker 'slow'"),
        ("curl https://example.org/search", "curl must call the local stack (http://127.0.0.1:8000)"),
        ("aws s3 ls", "no check for 'aws'"),
    ],
)
def test_a_rotten_command_is_caught(line: str, problem: str) -> None:
    block = DocBlock(ROOT / "README.md", 1, line + "\n")
    (found,) = commands(block)
    assert any(p.startswith(problem) for p in command_problems(found)), command_problems(found)


@pytest.mark.unit
def test_a_status_in_the_comment_is_the_expected_answer() -> None:
    block = DocBlock(ROOT / "README.md", 1, "curl 'http://127.0.0.1:8000/a#b' # 404: unknown\n")
    (cmd,) = commands(block)
    assert cmd.text == "curl 'http://127.0.0.1:8000/a#b'"
    assert expected_status(cmd.comment) == 404
    assert expected_status("both seeds, with snippets") is None


# Against the local stack ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_stack(stack: LocalStack) -> LocalStack:
    """The e2e suite's local stack, once every sample file has a receipt: the docs are written against them."""
    eventually(lambda: all(_has_receipt(stack, sample.name) for sample in SAMPLES.iterdir()))
    return stack


def _has_receipt(stack: LocalStack, name: str) -> bool:
    answer = requests.get(f"{stack.url}/ingest/status", params={"key": f"samples/{name}"}, timeout=30)
    return answer.status_code == 200


def _run_on_stack(words: list[str], stack: LocalStack, env: dict[str, str]) -> tuple[str, str]:
    """What running one documented command against ``stack`` gave, and what it should give."""
    if words[0] == "curl":
        args = [word.replace(LOCAL_API, stack.url) for word in words[1:]]
        result = subprocess.run(
            ["curl", "-sS", "-o", os.devnull, "-w", "%{http_code}", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout, result.stderr
    if words[0] == "cp":
        *sources, target = words[1:]
        destination = stack.inbox / target.removeprefix("inbox/").removeprefix("inbox")
        for source in sources:
            shutil.copy(ROOT / source, destination)
        return "copied", ""
    result = subprocess.run(
        [str(VENV_BIN / "archive-search"), *words[1:]], env=env, capture_output=True, text=True
    )
    return str(result.returncode), result.stdout + result.stderr


def _stack_env(stack: LocalStack) -> dict[str, str]:
    env = dict(os.environ)
    for line in (stack.data_dir / "env.sh").read_text(encoding="utf-8").splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env


RUNNABLE = LOCAL_COMMANDS + [
    cmd
    for block in all_blocks()
    if not block.needs_aws and _sources_env(block)
    for cmd in commands(block)
    if cmd.simple_commands()[0][0] in ARCHIVE_SEARCH
]


@pytest.mark.e2e
@pytest.mark.timeout(240)
@pytest.mark.parametrize("cmd", RUNNABLE, ids=_ids(RUNNABLE))
def test_documented_command_answers_as_stated_on_the_local_stack(
    cmd: DocCommand, sample_stack: LocalStack
) -> None:
    for words in cmd.simple_commands():
        outcome, detail = _run_on_stack(words, sample_stack, _stack_env(sample_stack))
        if words[0] == "curl":
            expected = expected_status(cmd.comment)
            ok = int(outcome) == expected if expected else 200 <= int(outcome) < 300
            assert ok, f"{cmd.text}: HTTP {outcome}, expected {expected or '2xx'} {detail}"
        elif words[0] != "cp":
            assert outcome == "0", f"{cmd.text}: exit {outcome}\n{detail}"


@pytest.mark.unit
def test_every_benchmark_target_is_in_the_benchmarks_table() -> None:
    readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## ", 1)[0]
    tabled = set(re.findall(r"^\| `make (bench-[a-z-]+)`", table, re.M))
    targets = {target for target in make_targets() if target.startswith("bench-")}

    assert len(targets) >= 5
    assert targets - tabled == set()


@pytest.mark.unit
def test_contributing_names_every_pytest_marker() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    sentence = contributing.split("Markers (declared in `pyproject.toml`", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(\w+)`\s+\(", sentence))

    assert len(_pytest_markers()) >= 5
    assert _pytest_markers() - named == set()


@pytest.mark.unit
def test_the_readme_documentation_table_links_every_page_of_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Documentation\n", 1)[1].split("\n## ", 1)[0]
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}

    assert pages - set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", table)) == set()

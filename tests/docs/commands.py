"""The shell commands of the documentation, as the doc tests check them.

Every ``sh``/``bash``/``console`` code block of README.md, CONTRIBUTING.md, bench/README.md and
docs/*.md is read; each line becomes one ``DocCommand`` (continuation lines joined, a trailing
``# comment`` kept apart). A block whose first line is ``AWS_MARKER`` needs an AWS account:
its commands are only checked for shell syntax.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
AWS_MARKER = "# needs AWS: syntax-checked only"
SHELL_FENCES = {"sh", "bash", "shell", "console"}
# Folders `make run` creates at run time: named by the docs, never part of a clone.
RUNTIME_DIRS = {".local", "inbox", ".venv", ".venv-checkov"}
_FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_OPERATORS = {"&&", "||", ";", "|", "&"}


def doc_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "bench" / "README.md"]
    return [path for path in files if path.exists()] + sorted((ROOT / "docs").glob("*.md"))


@dataclass(frozen=True)
class DocBlock:
    path: Path
    line: int
    text: str

    @property
    def needs_aws(self) -> bool:
        return self.text.lstrip().startswith(AWS_MARKER)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class DocCommand:
    """One line of a shell block: the words of each simple command and the trailing comment."""

    block: DocBlock
    line: int
    text: str
    comment: str

    @property
    def where(self) -> str:
        return f"{self.block.path.relative_to(ROOT)}:{self.line}"

    def simple_commands(self) -> list[list[str]]:
        """The words of each command joined by ``&&``, ``;`` or ``|``, leading ``VAR=value`` dropped."""
        lexer = shlex.shlex(self.text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        commands: list[list[str]] = [[]]
        for token in lexer:
            if token in _OPERATORS:
                commands.append([])
            else:
                commands[-1].append(token)
        return [_without_assignments(words) for words in commands if _without_assignments(words)]


def _without_assignments(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[start]):
        start += 1
    return words[start:]


def shell_blocks(path: Path) -> list[DocBlock]:
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        if match.group(1) in SHELL_FENCES:
            line = text.count("\n", 0, match.start(2)) + 1
            blocks.append(DocBlock(path, line, match.group(2)))
    return blocks


def _split_comment(line: str) -> tuple[str, str]:
    """The command and its trailing comment: the first `` #`` outside quotes."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def commands(block: DocBlock) -> list[DocCommand]:
    result = []
    pending, first_line = "", 0
    for offset, raw in enumerate(block.text.splitlines()):
        if not pending:
            first_line = block.line + offset
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        text, comment = _split_comment(pending + raw)
        pending = ""
        if text.strip():
            result.append(DocCommand(block, first_line, text.strip(), comment))
    return result


def all_blocks() -> list[DocBlock]:
    return [block for path in doc_files() for block in shell_blocks(path)]


def all_commands(*, needs_aws: bool = False) -> list[DocCommand]:
    return [cmd for block in all_blocks() if block.needs_aws == needs_aws for cmd in commands(block)]


def expected_status(comment: str) -> int | None:
    """A comment starting with an HTTP status (``# 400: ...``) states the expected answer."""
    match = re.match(r"^(\d{3})\b", comment)
    return int(match.group(1)) if match else None


def repository_path(word: str) -> Path | None:
    """The repository path a word names, if it names one (``bench/metadata.py``, ``template.yaml``)."""
    if word.startswith("-") or "://" in word or "=" in word or "$" in word or "<" in word:
        return None
    first = word.split("/", 1)[0]
    if not first or first in RUNTIME_DIRS or first.startswith("~"):
        return None
    if (ROOT / first).exists() and ("/" in word or (ROOT / word).is_file()):
        return ROOT / word
    return None


# Where a path in the prose may start: the repository, the domain package, cleaning (for
# `lines/...`) and the benchmark split (for its `gold/`, `html/`, `textdump/`).
PROSE_BASES = (
    ROOT,
    ROOT / "functions",
    ROOT / "functions" / "archive_search",
    ROOT / "functions" / "archive_search" / "cleaning",
    ROOT / "bench" / "data" / "extraction-bench",
)
_INLINE_PATH = re.compile(r"`([A-Za-z0-9_.-]+/[A-Za-z0-9_./*-]*)`")


def prose_paths(path: Path) -> list[tuple[int, str]]:
    """Paths named in inline code outside code blocks whose first folder exists in a base."""
    text = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    found = []
    for match in _INLINE_PATH.finditer(text):
        name = match.group(1).removeprefix("./")
        first = name.split("/", 1)[0]
        if first not in RUNTIME_DIRS and any((base / first).is_dir() for base in PROSE_BASES):
            found.append((text.count("\n", 0, match.start()) + 1, name))
    return found


def prose_path_exists(name: str) -> bool:
    first = name.split("/", 1)[0]
    return any(any(base.glob(name.rstrip("/"))) for base in PROSE_BASES if (base / first).is_dir())


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets: set[str] = set()
    for match in re.finditer(r"^([A-Za-z0-9_.$()/ -]+?)\s*:(?![=])", text, re.MULTILINE):
        targets.update(match.group(1).split())
    return targets


def make_variables() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"\$\(([A-Z_]+)\)", text))


_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to dashes."""
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-") for title in _HEADING.findall(text)}


def broken_anchors(path: Path) -> list[str]:
    """Relative links to a page of the repository whose ``#anchor`` names no heading there."""
    broken = []
    for target in _LINK.findall(_FENCE.sub("", path.read_text(encoding="utf-8"))):
        if "://" in target or "#" not in target:
            continue
        file, anchor = target.split("#", 1)
        page = (path.parent / file).resolve() if file else path
        if page.is_file() and page.suffix == ".md" and anchor not in heading_anchors(page):
            broken.append(target)
    return broken

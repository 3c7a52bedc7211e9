"""Per-function Lambda bundles: each function's code and dependencies, built for the Lambda runtime.

    python tools/package.py                      # both bundles under build/bundles/, zipped, with sizes
    python tools/package.py --bundle search --out DIR --no-zip   # what `sam build` runs per function

A bundle holds the function's requirement set (``functions/requirements-<name>.txt``) installed
as manylinux wheels for the template's Python, plus the ``archive_search`` modules its handler
imports (followed statically, function-level imports included) and the data files beside them.
The installed dependencies are cached under build/bundle-cache/, keyed by the requirement file
and the platform, so a rebuild after a code change only copies code.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FUNCTIONS = REPO / "functions"
PACKAGE = "archive_search"
BUILD = REPO / "build"
# The template's Runtime (python3.12, x86_64): Lambda's Amazon Linux 2023 takes manylinux2014
# and manylinux_2_28 wheels.
PYTHON_VERSION = "3.12"
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
# What a function's environment holds in AWS (the template's variables, with example values and
# SigV4 credentials), for cold-starting a bundle in the bundle test and the cold-start benchmark.
LAMBDA_ENV = {
    "OPENSEARCH_URL": "https://search-archive-abc.eu-west-1.es.amazonaws.com",
    "OPENSEARCH_AUTH": "sigv4",
    "INDEX_ALIAS": "articles",
    "ARCHIVE_BUCKET": "archive-search-0f1e2d3c",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example",
    "POWERTOOLS_SERVICE_NAME": "archive-search",
    "LOG_LEVEL": "INFO",
    "WEBHOOK_SECRET_ID": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:archive-search-webhooks-AbCdEf",
    "RELAY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/archive-search-RelayQueue-AbCdEf",
}


@dataclass(frozen=True)
class Bundle:
    """One function's bundle: ``name`` is its logical id without ``Function``, lower-cased;
    ``requirement_set`` names its requirement file and pyproject extra."""

    name: str
    handler_module: str
    requirement_set: str

    @property
    def requirements(self) -> Path:
        return FUNCTIONS / f"requirements-{self.requirement_set}.txt"


BUNDLES = {
    bundle.name: bundle
    for bundle in (
        Bundle("search", "archive_search.handlers.search", "search"),
        Bundle("ingest", "archive_search.handlers.ingest", "ingest"),
        # The write routes run on the search API's resolver: the same code and packages.
        Bundle("write", "archive_search.handlers.write", "search"),
        # The alert webhook relay: the standard library's HTTP client, no engine or API code.
        Bundle("relay", "archive_search.handlers.relay", "relay"),
    )
}
REQUIREMENT_SETS = sorted({bundle.requirement_set for bundle in BUNDLES.values()})


def lambda_python() -> str:
    """An interpreter of the template's runtime: $LAMBDA_PYTHON, pyenv's, or pythonX.Y on the PATH."""
    candidates = [os.environ.get("LAMBDA_PYTHON")]
    candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{PYTHON_VERSION}.*/bin/python3"))
    candidates.append(shutil.which(f"python{PYTHON_VERSION}"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit(f"no Python {PYTHON_VERSION} (the Lambda runtime's) found: set LAMBDA_PYTHON")


def module_path(module: str) -> Path | None:
    """The source file of an ``archive_search`` module or package, or None for a name that is not one."""
    base = FUNCTIONS.joinpath(*module.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _imported_modules(module: str, source: Path) -> set[str]:
    """Every ``archive_search`` module the source names in an import, at any depth of the code."""
    package = module if source.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.add(base)
            # ``from package import name``: the name may be a submodule.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == PACKAGE and module_path(name)}


def code_closure(handler_module: str) -> set[str]:
    """The ``archive_search`` modules a handler imports, directly or not, with their packages."""
    seen: set[str] = set()
    pending = [handler_module]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        source = module_path(module)
        if source is None:
            raise SystemExit(f"{module}: no such module under {FUNCTIONS}")
        pending.extend(_imported_modules(module, source) - seen)
    return seen


def copy_code(modules: set[str], target: Path) -> list[Path]:
    """Copy the modules' sources and their packages' data files (not other modules) into target."""
    copied: list[Path] = []
    packages = {m for m in modules if module_path(m).name == "__init__.py"}  # type: ignore[union-attr]
    for module in sorted(modules):
        source = module_path(module)
        assert source is not None
        copied.append(source)
    for package in sorted(packages):
        directory = FUNCTIONS.joinpath(*package.split("."))
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
                continue
            # Data files of this package and its plain folders; a subpackage's come with that subpackage.
            folders = path.relative_to(directory).parts[:-1]
            if not any(
                (directory.joinpath(*folders[: i + 1]) / "__init__.py").is_file() for i in range(len(folders))
            ):
                copied.append(path)
    for path in copied:
        destination = target / path.relative_to(FUNCTIONS)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return copied


def _pip_args(requirements: Path, target: Path) -> list[str]:
    platform_args = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    return [
        sys.executable, "-m", "pip", "install",
        "--requirement", str(requirements),
        "--target", str(target),
        *platform_args,
        "--implementation", "cp",
        "--python-version", PYTHON_VERSION,
        "--only-binary=:all:",
        "--no-compile",
    ]  # fmt: skip


def install_dependencies(bundle: Bundle, *, quiet: bool) -> Path:
    """The bundle's dependencies installed for the Lambda platform, from the cache when it has them."""
    key = hashlib.sha256(
        "\n".join([bundle.requirements.read_text(encoding="utf-8"), PYTHON_VERSION, *PLATFORMS]).encode()
    ).hexdigest()[:16]
    cached = BUILD / "bundle-cache" / f"{bundle.requirement_set}-{key}"
    if cached.is_dir():
        return cached
    for stale in cached.parent.glob(
        f"{bundle.requirement_set}-*"
    ):  # other requirements, or an interrupted install
        shutil.rmtree(stale, ignore_errors=True)
    partial = cached.with_name(cached.name + ".partial")
    command = _pip_args(bundle.requirements, partial)
    result = subprocess.run(
        [*command, "--quiet"] if quiet else command,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"pip could not install {bundle.requirements.name}:\n{result.stdout or ''}")
    shutil.rmtree(partial / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    compile_tree(partial, quiet=quiet)
    partial.rename(cached)
    return cached


def compile_tree(tree: Path, *, quiet: bool) -> None:
    """Byte-compile with the runtime's Python, unchecked: Lambda's code folder is read-only, so
    without .pyc files every cold start compiles every module it imports, and zip's 2-second
    timestamps would make timestamp-checked .pyc files look stale."""
    try:
        python = lambda_python()
    except SystemExit as missing:
        print(f"note: {missing}; the bundle ships without .pyc files", file=sys.stderr)
        return
    command = [
        python,
        "-I",
        "-m",
        "compileall",
        "-q",
        "-j",
        "0",
        "--invalidation-mode",
        "unchecked-hash",
        str(tree),
    ]
    result = subprocess.run(command, capture_output=quiet, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"compileall failed in {tree}:\n{result.stdout or ''}{result.stderr or ''}")


def build(bundle: Bundle, target: Path, *, quiet: bool = False) -> Path:
    """Write the bundle's unzipped tree into target (emptied first) and return it."""
    dependencies = install_dependencies(bundle, quiet=quiet)
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():  # emptied, not removed: `sam build` owns the folder
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(dependencies, target, dirs_exist_ok=True)
    copy_code(code_closure(bundle.handler_module), target)
    compile_tree(target / PACKAGE, quiet=quiet)
    return target


def zip_tree(tree: Path, archive: Path) -> Path:
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(tree))
    return archive


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def largest_parts(tree: Path, count: int = 5) -> list[tuple[str, int]]:
    """The biggest top-level entries of a bundle (packages, their .libs folders, modules)."""
    sizes = [
        (entry.name, tree_size(entry)) for entry in tree.iterdir() if not entry.name.endswith(".dist-info")
    ]
    return sorted(sizes, key=lambda item: -item[1])[:count]


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def report(bundle: Bundle, tree: Path, archive: Path | None) -> str:
    lines = [f"{bundle.name}: {_mib(tree_size(tree))} unzipped (Lambda limit 250 MB)"]
    if archive is not None:
        lines[0] += f", {_mib(archive.stat().st_size)} zipped ({archive.relative_to(REPO)})"
    lines.append("  largest: " + ", ".join(f"{name} {_mib(size)}" for name, size in largest_parts(tree)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle", choices=sorted(BUNDLES), action="append", help="default: every bundle")
    parser.add_argument(
        "--out", type=Path, help="the unzipped tree (one --bundle only; `sam build` passes $ARTIFACTS_DIR)"
    )
    parser.add_argument("--no-zip", action="store_true", help="leave the tree unzipped")
    args = parser.parse_args(argv)
    names = args.bundle or sorted(BUNDLES)
    if args.out and len(names) != 1:
        parser.error("--out takes exactly one --bundle")
    for name in names:
        bundle = BUNDLES[name]
        print(f"-- {name}: installing {bundle.requirements.relative_to(REPO)} for Python {PYTHON_VERSION} "
              f"({', '.join(PLATFORMS)})", flush=True)  # fmt: skip
        tree = build(bundle, args.out or BUILD / "bundles" / name)
        archive = None if args.no_zip else zip_tree(tree, tree.with_name(f"{name}.zip"))
        print(report(bundle, tree, archive), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(REPO)
    raise SystemExit(main())

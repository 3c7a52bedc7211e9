"""Each Lambda bundle, built as `make package` and `sam build` build it (manylinux wheels for the
template's Python), runs its handler's cold start in a clean interpreter of that Python with
nothing but the bundle on the path: a missing runtime dependency fails here, not in a deploy.

The installed dependencies are cached under build/bundle-cache/ keyed by the requirement file,
so only the first run after a requirement change downloads.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tools.package import BUNDLES, FUNCTIONS, LAMBDA_ENV, build, code_closure, lambda_python

pytestmark = pytest.mark.packaging

# What a cold start does: import the handler, read the settings, build the engine client (SigV4,
# as in AWS; no request is sent), the last two only for a handler that talks to the engine.
# Prints the files of every module it loaded.
COLD_START = """
import json, sys
sys.path[:0] = [sys.argv[1]]
import importlib
importlib.import_module(sys.argv[2])
if sys.argv[3] == "engine":
    from archive_search.settings import get_settings
    from archive_search.adapters.opensearch import build_client
    build_client(get_settings())
print(json.dumps({name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}))
"""
# The alert webhook relay POSTs with the standard library: it never talks to the engine.
NO_ENGINE = {"relay"}
# Transports nothing here uses; opensearch-py 3.1+ would bring them (pyproject pins 3.0).
UNUSED_TRANSPORTS = ("grpc", "grpcio", "google", "opensearch_protobufs")
CLEANER_ONLY = ("trafilatura", "lxml", "lxml_html_clean", "numpy", "numpy.libs", "py3langid", "ftfy", "babel",
                "dateparser", "htmldate", "justext", "courlan", "regex")  # fmt: skip


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bundles")
    return {name: build(bundle, root / name, quiet=True) for name, bundle in BUNDLES.items()}


def cold_start(bundle: Path, module: str, *, tracing: bool) -> dict[str, str | None]:
    env = {**LAMBDA_ENV, "PATH": os.environ.get("PATH", "")}
    if tracing:
        env["LAMBDA_TASK_ROOT"] = str(bundle)  # in Lambda with Tracing: Active
    result = subprocess.run(
        [
            lambda_python(),
            "-I",
            "-S",
            "-c",
            COLD_START,
            str(bundle),
            module,
            "none" if bundle.name in NO_ENGINE else "engine",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=bundle,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def outside(bundle: Path, files: dict[str, str | None]) -> list[str]:
    """Modules loaded from anywhere but the bundle or the interpreter's own standard library."""
    stdlib = Path(lambda_python()).resolve().parents[1] / "lib"
    return sorted(
        name
        for name, file in files.items()
        if file
        and not Path(file).resolve().is_relative_to(bundle.resolve())
        and not Path(file).resolve().is_relative_to(stdlib)
    )


@pytest.mark.parametrize("tracing", [False, True], ids=["tracing-off", "tracing-on"])
@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_each_handler_cold_starts_from_its_bundle_alone_in_a_clean_interpreter(
    bundles: dict[str, Path], name: str, tracing: bool
) -> None:
    files = cold_start(bundles[name], BUNDLES[name].handler_module, tracing=tracing)
    assert BUNDLES[name].handler_module in files
    assert outside(bundles[name], files) == []
    assert ("aws_xray_sdk.core" in files) == tracing, "the X-Ray SDK is imported exactly when tracing is on"


@pytest.mark.parametrize("name", sorted(n for n, b in BUNDLES.items() if b.requirement_set == "search"))
def test_an_api_cold_start_loads_nothing_only_other_requests_use(bundles: dict[str, Path], name: str) -> None:
    # Only /docs and /openapi.json need the models (OpenAPI's and the responses'); SigV4
    # credentials come from the environment, read without botocore's credential providers;
    # only Atom feeds build XML.
    files = cold_start(bundles[name], BUNDLES[name].handler_module, tracing=False)
    assert "archive_search.search.api" in files
    unneeded = {"aws_lambda_powertools.event_handler.openapi.models", "archive_search.search.models"}
    unneeded |= {"botocore.session", "botocore.credentials", "boto3", "xml.etree.ElementTree"}
    assert unneeded.isdisjoint(files)


@pytest.mark.parametrize("name", sorted(n for n, b in BUNDLES.items() if b.requirement_set == "search"))
def test_the_api_bundles_carry_no_cleaner_code_or_dependencies(bundles: dict[str, Path], name: str) -> None:
    bundle = bundles[name]
    assert not (bundle / "archive_search" / "cleaning").exists()
    assert sorted(n for n in CLEANER_ONLY if (bundle / n).exists()) == []
    files = cold_start(bundle, BUNDLES[name].handler_module, tracing=False)
    assert (
        sorted(
            m
            for m in files
            if m.startswith("archive_search.cleaning") or m == "archive_search.ingest.service"
        )
        == []
    )


def test_the_relay_bundle_holds_no_package_only_the_other_functions_import(bundles: dict[str, Path]) -> None:
    # The relay signs and POSTs with the standard library and reads its secret with boto3: the
    # engine client, what it brings (requests and its parts) and the API's validation stay out.
    engine = ("opensearchpy", "events", "requests", "certifi", "charset_normalizer", "idna")
    unused = (*engine, "pydantic", "pydantic_core", *CLEANER_ONLY)
    assert sorted(n for n in unused if (bundles["relay"] / n).exists()) == []


def test_the_relay_cold_start_loads_no_engine_client_api_or_validation(bundles: dict[str, Path]) -> None:
    files = cold_start(bundles["relay"], BUNDLES["relay"].handler_module, tracing=False)
    assert "archive_search.alerts.relay" in files
    heavy = ("opensearchpy", "requests", "pydantic", "archive_search.search", "archive_search.settings")
    assert sorted(m for m in files if m.startswith(heavy)) == []


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_no_bundle_carries_an_unused_transport(bundles: dict[str, Path], name: str) -> None:
    assert sorted(n for n in UNUSED_TRANSPORTS if (bundles[name] / n).exists()) == []


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_a_bundle_holds_exactly_the_code_its_handler_imports(bundles: dict[str, Path], name: str) -> None:
    shipped = {
        ".".join(p.relative_to(bundles[name]).with_suffix("").parts).removesuffix(".__init__")
        for p in (bundles[name] / "archive_search").rglob("*.py")
    }
    assert shipped == code_closure(BUNDLES[name].handler_module)


def test_the_char_tables_in_the_ingest_bundle_match_a_fresh_computation_on_the_lambda_python(
    bundles: dict[str, Path],
) -> None:
    check = (
        "import sys; sys.path[:0] = [sys.argv[1]]\n"
        "import numpy as np\n"
        "from archive_search.cleaning import decode\n"
        "with np.load(decode.CHAR_TABLES_FILE) as stored: names = set(stored.files)\n"
        "fresh = decode.compute_char_tables()\n"
        "assert set(fresh) <= names, sorted(set(fresh) - names)\n"
        "loaded = decode.load_char_tables()\n"
        "assert all(np.array_equal(loaded[n], fresh[n]) for n in fresh)\n"
    )
    result = subprocess.run(
        [lambda_python(), "-I", "-S", "-c", check, str(bundles["ingest"])],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_a_bundle_holds_the_declared_data_files_of_the_packages_it_ships(
    bundles: dict[str, Path], name: str
) -> None:
    package_data = tomllib.loads((FUNCTIONS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = package_data["tool"]["setuptools"]["package-data"]["archive_search"]
    shipped = code_closure(BUNDLES[name].handler_module)
    root = FUNCTIONS / "archive_search"
    declared = {path for pattern in patterns for path in root.glob(pattern)}
    expected = set()
    for path in declared:
        package = path.parent
        while not (package / "__init__.py").is_file():
            package = package.parent
        if ".".join(package.relative_to(FUNCTIONS).parts) in shipped:
            expected.add(path.relative_to(FUNCTIONS))
    assert expected, "no declared data file in a shipped package: the check would prove nothing"
    assert sorted(str(p) for p in expected if not (bundles[name] / p).is_file()) == []

"""Each function's requirement set (functions/requirements-<name>.txt, what its bundle installs) is
exactly [project].dependencies plus that function's extra in pyproject.toml, with the same bounds,
and carries nothing local- or test-only."""

from __future__ import annotations

import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.package import REPO, REQUIREMENT_SETS

pytestmark = pytest.mark.unit

LOCAL_OR_TEST_ONLY = {
    "moto",
    "osmem-server",
    "osmem",
    "pytest",
    "pytest-localstack",
    "hypothesis",
    "schemathesis",
    "cfn-lint",
    "checkov",
    "ruff",
}
# Only the ingest function cleans: none of this may reach the search function.
CLEANING_ONLY = {"trafilatura", "lxml", "lxml-html-clean", "numpy", "py3langid", "ftfy", "charset-normalizer"}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _key(requirement: Requirement) -> tuple[str, frozenset[str], str, str]:
    return (
        canonicalize_name(requirement.name),
        frozenset(requirement.extras),
        str(requirement.specifier),
        str(requirement.marker or ""),
    )


def runtime_requirements() -> list[Requirement]:
    return [Requirement(line) for line in _pyproject()["project"]["dependencies"]]


def extra_requirements(extra: str) -> list[Requirement]:
    """The extra's requirements, with the project's own extras it names (``archive-search[engine]``)
    expanded, as pip installs them."""
    found: list[Requirement] = []
    for line in _pyproject()["project"]["optional-dependencies"][extra]:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == "archive-search":
            found += [r for named in sorted(requirement.extras) for r in extra_requirements(named)]
        else:
            found.append(requirement)
    return found


def bundle_requirements(name: str) -> list[Requirement]:
    lines = (REPO / "functions" / f"requirements-{name}.txt").read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#", 1)[0].strip()) for line in lines if line.split("#", 1)[0].strip()]


def test_every_requirement_set_of_a_bundle_has_its_extra_and_requirement_file() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    assert set(REQUIREMENT_SETS) <= set(extras)
    assert sorted(p.name for p in (REPO / "functions").glob("requirements*.txt")) == sorted(
        f"requirements-{name}.txt" for name in REQUIREMENT_SETS
    )


@pytest.mark.parametrize("name", REQUIREMENT_SETS)
def test_bundle_requirements_are_the_runtime_dependencies_plus_the_function_extra(name: str) -> None:
    declared = {_key(r) for r in runtime_requirements() + extra_requirements(name)}
    bundle = {_key(r) for r in bundle_requirements(name)}
    assert sorted(bundle - declared) == [], f"in requirements-{name}.txt but not in pyproject.toml"
    assert sorted(declared - bundle) == [], f"in pyproject.toml but not in requirements-{name}.txt"


def test_the_search_function_requires_nothing_only_the_cleaner_needs() -> None:
    names = {canonicalize_name(r.name) for r in bundle_requirements("search")}
    assert names & {canonicalize_name(n) for n in CLEANING_ONLY} == set()


def test_the_relay_function_requires_no_engine_client_or_api_package() -> None:
    names = {canonicalize_name(r.name) for r in bundle_requirements("relay")}
    assert names & {"opensearch-py", "pydantic"} == set()


def test_the_local_stack_installs_every_function_extra() -> None:
    local = [Requirement(line) for line in _pyproject()["project"]["optional-dependencies"]["local"]]
    own = [r for r in local if canonicalize_name(r.name) == "archive-search"]
    assert own and set(REQUIREMENT_SETS) <= set().union(*(r.extras for r in own))


def test_every_runtime_dependency_is_bounded_above_and_below() -> None:
    shipped = runtime_requirements() + [r for name in REQUIREMENT_SETS for r in extra_requirements(name)]
    unbounded = [
        str(r)
        for r in shipped
        if not any(s.operator in (">=", ">", "~=", "==") for s in r.specifier)
        or not any(s.operator in ("<", "<=", "~=", "==") for s in r.specifier)
    ]
    assert unbounded == []


def test_no_local_or_test_only_package_is_shipped() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    local_and_test = {
        canonicalize_name(Requirement(line).name) for name in ("local", "test") for line in extras[name]
    } - {"archive-search"}
    shipped = {canonicalize_name(r.name) for name in REQUIREMENT_SETS for r in bundle_requirements(name)}
    assert shipped & (local_and_test | {canonicalize_name(n) for n in LOCAL_OR_TEST_ONLY}) == set()

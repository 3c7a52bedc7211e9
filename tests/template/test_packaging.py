"""The Lambda bundle's requirements (functions/requirements.txt, what `sam build` installs) are
exactly the runtime dependencies of pyproject.toml, and carry nothing local- or test-only."""

from __future__ import annotations

import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.template.cfn import REPO

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


def bundle_requirements() -> list[Requirement]:
    lines = (REPO / "functions" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#", 1)[0].strip()) for line in lines if line.split("#", 1)[0].strip()]


def test_bundle_requirements_match_the_runtime_dependencies_with_the_same_bounds() -> None:
    runtime = {_key(r) for r in runtime_requirements()}
    bundle = {_key(r) for r in bundle_requirements()}
    assert sorted(bundle - runtime) == [], "in functions/requirements.txt but not in [project].dependencies"
    assert sorted(runtime - bundle) == [], "in [project].dependencies but not in functions/requirements.txt"


def test_every_runtime_dependency_is_bounded_above_and_below() -> None:
    unbounded = [
        str(r)
        for r in runtime_requirements()
        if not any(s.operator in (">=", ">", "~=", "==") for s in r.specifier)
        or not any(s.operator in ("<", "<=", "~=", "==") for s in r.specifier)
    ]
    assert unbounded == []


def test_no_local_or_test_only_package_is_a_runtime_dependency() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    local_and_test = {
        canonicalize_name(Requirement(line).name)
        for name in ("local", "test")
        for line in extras.get(name, [])
    } - {"archive-search"}
    forbidden = {canonicalize_name(n) for n in LOCAL_OR_TEST_ONLY} | (
        local_and_test - {canonicalize_name(r.name) for r in runtime_requirements()}
    )
    shipped = {canonicalize_name(r.name) for r in runtime_requirements() + bundle_requirements()}
    assert shipped & forbidden == set()
    assert shipped & {canonicalize_name(n) for n in LOCAL_OR_TEST_ONLY} == set()

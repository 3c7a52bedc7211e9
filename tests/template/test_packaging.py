"""How `sam build` builds each function: its own bundle (tools/package.py), through the Makefile, for
the platform the template runs it on, with a handler that exists in that bundle's code."""

from __future__ import annotations

import ast
import subprocess

import pytest

from tests.template.cfn import REPO, load_template
from tools.package import BUNDLES, PLATFORMS, PYTHON_VERSION, code_closure, module_path

pytestmark = pytest.mark.template


def functions(template: dict) -> dict[str, dict]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def bundle_name(logical_id: str) -> str:
    """The bundle the Makefile's build-%Function rule builds for a function."""
    return logical_id.removesuffix("Function").lower()


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def test_every_function_is_built_by_the_makefile_from_its_own_bundle(template: dict) -> None:
    for name, resource in functions(template).items():
        assert resource.get("Metadata", {}).get("BuildMethod") == "makefile", name
        assert resource["Properties"]["CodeUri"] == ".", f"{name}: the Makefile sam runs is at the root"
        assert bundle_name(name) in BUNDLES, f"{name}: no bundle {bundle_name(name)!r} in tools/package.py"


def test_the_bundles_are_built_for_the_runtime_and_architecture_the_template_runs(template: dict) -> None:
    globals_ = template["Globals"]["Function"]
    for name, resource in functions(template).items():
        props = resource["Properties"]
        assert props.get("Runtime", globals_["Runtime"]) == f"python{PYTHON_VERSION}", name
        architectures = props.get("Architectures", globals_["Architectures"])
        assert architectures == ["x86_64"] and all(p.endswith("_x86_64") for p in PLATFORMS), name


def test_the_makefile_builds_each_function_bundle_into_the_folder_sam_names(template: dict) -> None:
    for name in functions(template):
        dry_run = subprocess.run(
            ["make", "--dry-run", f"build-{name}", "ARTIFACTS_DIR=/sam/artifacts"],
            cwd=REPO, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert f'tools/package.py --bundle {bundle_name(name)} --out "/sam/artifacts"' in dry_run.stdout


def test_each_handler_is_defined_in_its_bundle_code(template: dict) -> None:
    for name, resource in functions(template).items():
        module, _, attribute = resource["Properties"]["Handler"].rpartition(".")
        bundle = BUNDLES[bundle_name(name)]
        assert module == bundle.handler_module and module in code_closure(module)
        source = module_path(module)
        assert source is not None, f"{name}: {module} does not exist"
        tree = ast.parse(source.read_text(encoding="utf-8"))
        defined = {
            node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        defined |= {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert attribute in defined, f"{name}: {attribute} is not defined in {module}"

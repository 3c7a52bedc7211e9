"""cfn-lint validates template.yaml with no errors and no warnings: as written (SAM resources),
and as CloudFormation receives it after the SAM transform (where cfn-lint also checks IAM action
names, a rule it leaves off for SAM templates)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform

from tests.template.cfn import REPO, TEMPLATE_PATH, load_template, resources_of_type

pytestmark = pytest.mark.template

# Regions the template is linted for (instance types, runtimes and API features vary by region).
REGIONS = ["us-east-1", "eu-west-1"]


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    """Run cfn-lint as its console script does, from the repository root (where .cfnlintrc would be)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            "--format",
            "parseable",
            "--regions",
            *REGIONS,
            "--",
            str(template),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_template_passes_cfn_lint_without_errors_or_warnings() -> None:
    result = cfn_lint(TEMPLATE_PATH)
    assert result.returncode == 0, f"cfn-lint found problems:\n{result.stdout}{result.stderr}"
    assert result.stdout.strip() == ""


def test_cfn_lint_run_reports_a_broken_template(tmp_path: Path) -> None:
    # Given the template with an invalid encryption algorithm and an out-of-range visibility timeout
    broken = TEMPLATE_PATH.read_text(encoding="utf-8")
    broken = broken.replace("SSEAlgorithm: aws:kms", "SSEAlgorithm: rot13").replace(
        "VisibilityTimeout: 740", "VisibilityTimeout: 99999"
    )
    path = tmp_path / "template.yaml"
    path.write_text(broken, encoding="utf-8")
    # When cfn-lint runs the same way
    result = cfn_lint(path)
    # Then it fails and names both errors
    assert result.returncode != 0
    assert "rot13" in result.stdout
    assert "99999" in result.stdout


class _NoManagedPolicies:
    """The template names no managed policy, so the transform never needs to look one up."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    template = load_template()
    # What `sam package` does before deploying: each function's bundle becomes an S3 object.
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://packaged-code/{name}.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        return transform(template, {}, _NoManagedPolicies())


def test_sam_transform_produces_plain_cloudformation_that_passes_cfn_lint(
    transformed: dict[str, Any], tmp_path: Path
) -> None:
    assert not [r for r in transformed["Resources"].values() if r["Type"].startswith("AWS::Serverless::")]
    path = tmp_path / "transformed.json"
    path.write_text(json.dumps(transformed), encoding="utf-8")
    result = cfn_lint(path)
    assert result.returncode == 0, f"cfn-lint on the transformed template:\n{result.stdout}{result.stderr}"


def test_sam_adds_no_role_no_policy_and_no_route_of_its_own(transformed: dict[str, Any]) -> None:
    assert set(resources_of_type(transformed, "AWS::IAM::Role")) == {
        "IngestRole",
        "SearchRole",
        "WriteRole",
        "MaintenanceRole",
        "EventWebhookRole",  # declared in template.yaml (EventBridge -> the webhook)
        "RelayRole",  # declared in template.yaml (the alert webhook relay)
    }
    assert resources_of_type(transformed, "AWS::IAM::Policy") == {}
    assert resources_of_type(transformed, "AWS::ApiGatewayV2::Route") == {}
    (api,) = resources_of_type(transformed, "AWS::ApiGatewayV2::Api").values()
    operations = [op for item in api["Properties"]["Body"]["paths"].values() for op in item.values()]
    assert operations and all("security" in op for op in operations)
    mappings = resources_of_type(transformed, "AWS::Lambda::EventSourceMapping").values()
    # The ingest queue's and the relay queue's: both report partial batch failures.
    assert len(mappings) == 2
    for mapping in mappings:
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]

"""cfn-lint validates template.yaml (SAM resources included) with no errors and no warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.template.cfn import REPO, TEMPLATE_PATH

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

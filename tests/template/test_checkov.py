"""checkov (in its own virtualenv, named by $CHECKOV_BIN) finds no failed check in template.yaml,
and every check it skips is suppressed on one resource with a written reason."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.template.cfn import REPO, checkov_skips, load_template

pytestmark = pytest.mark.template

CONFIG = REPO / "infra" / "checkov.yaml"
MIN_REASON_LENGTH = 40  # a sentence, not "n/a"


def _checkov_bin() -> Path:
    configured = os.environ.get("CHECKOV_BIN", "")
    if not configured:
        pytest.fail(
            "CHECKOV_BIN is not set. checkov lives in its own virtualenv: run `make test` "
            "(it builds .venv-checkov and sets CHECKOV_BIN), or `make checkov-venv` and "
            "CHECKOV_BIN=$PWD/.venv-checkov/bin/checkov."
        )
    path = Path(configured)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"CHECKOV_BIN={configured} is not an executable file: run `make checkov-venv`.")
    return path


@pytest.fixture(scope="module")
def checkov_report() -> dict[str, Any]:
    result = subprocess.run(
        [str(_checkov_bin()), "--config-file", str(CONFIG), "--output", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"checkov did not produce a JSON report (exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    report["returncode"] = result.returncode
    return report


def test_checkov_scans_the_template_and_finds_no_failed_check(checkov_report: dict[str, Any]) -> None:
    summary = checkov_report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}"
        for c in checkov_report["results"]["failed_checks"]
    ]
    assert failed == [], "checkov failed checks:\n" + "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] >= 15 and summary["passed"] > 0
    assert checkov_report["returncode"] == 0


def test_every_check_checkov_skipped_carries_the_written_reason(checkov_report: dict[str, Any]) -> None:
    skipped = checkov_report["results"]["skipped_checks"]
    assert skipped, "expected the documented skips to show up in checkov's report"
    without_reason = [
        f"{c['check_id']} {c['resource']}"
        for c in skipped
        if len(c["check_result"].get("suppress_comment", "").strip()) < MIN_REASON_LENGTH
    ]
    assert without_reason == []


def test_every_skip_in_the_template_is_one_checkov_applies(checkov_report: dict[str, Any]) -> None:
    # A skip that matches no check is noise that would hide a future real finding.
    applied = {
        (c["resource"].split(".", 1)[1], c["check_id"]) for c in checkov_report["results"]["skipped_checks"]
    }
    declared = {(resource, check_id) for resource, check_id, _ in checkov_skips(load_template())}
    assert declared - applied == set()


def skip_reason_problems(template: dict[str, Any]) -> list[str]:
    return [
        f"{resource}: skip of {check_id or '<no id>'} has no written reason"
        for resource, check_id, comment in checkov_skips(template)
        if not check_id or len(" ".join(comment.split())) < MIN_REASON_LENGTH
    ]


def test_every_checkov_skip_in_the_template_has_a_written_reason() -> None:
    template = load_template()
    assert checkov_skips(template), "the template declares its checkov skips inline"
    assert skip_reason_problems(template) == []


def test_skip_reason_check_catches_a_skip_without_reason() -> None:
    template = load_template()
    template["Resources"]["ArchiveBucket"]["Metadata"]["checkov"]["skip"].append({"id": "CKV_AWS_999"})
    assert skip_reason_problems(template) == ["ArchiveBucket: skip of CKV_AWS_999 has no written reason"]


def test_the_checkov_config_suppresses_nothing_globally() -> None:
    # Suppressions are per resource with a reason (above); a global skip-check would have neither.
    config = CONFIG.read_text(encoding="utf-8")
    assert "skip-check" not in config and "soft-fail" not in config

"""template.yaml's operating bounds agree with what the docs promise: the ingest batch the time
budget of docs/limits.md is written for, and a volume the chosen instance type can carry."""

from __future__ import annotations

import re

import pytest

from tests.template.cfn import REPO, load_template

pytestmark = pytest.mark.template


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def test_the_largest_ingest_batch_is_the_one_the_time_budget_is_written_for(template: dict) -> None:
    limits = (REPO / "docs" / "limits.md").read_text(encoding="utf-8")
    budgeted = int(re.search(r"cleans a batch of (\d+) messages", limits).group(1))
    parameter = template["Parameters"]["IngestBatchSize"]
    assert parameter["MaxValue"] == budgeted
    assert parameter["MinValue"] <= parameter["Default"] <= budgeted

"""template.yaml's operating bounds agree with what the docs promise: the ingest batch the time
budget of docs/limits.md is written for, a volume the chosen instance type can carry, and the
function timeouts the local front applies."""

from __future__ import annotations

import re

import pytest

from archive_local.http_front import TIMEOUT_SECONDS
from archive_search.writes.records import ARTICLE_CLAIMS_PREFIX, UPLOAD_CLAIMS_PREFIX
from tests.template.cfn import REPO, load_template, rules_allow

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


@pytest.mark.parametrize("function", ["SearchFunction", "WriteFunction"])
def test_the_local_front_times_out_an_http_function_as_the_template_does(
    template: dict, function: str
) -> None:
    assert template["Resources"][function]["Properties"]["Timeout"] == TIMEOUT_SECONDS


# OpenSearch Service's gp3 volume range per data node for the types the template offers whose
# range is narrower than the parameter's own (10-1024 GiB); AWS's "EBS volume size quotas".
VOLUME_RANGE = {
    "t3.small.search": (10, 100),
    "t3.medium.search": (10, 200),
    "or1.medium.search": (20, 1024),
    "or1.large.search": (20, 1024),
}


@pytest.mark.parametrize("instance_type", sorted(VOLUME_RANGE))
def test_a_volume_the_instance_type_cannot_carry_is_refused_before_the_deploy(
    template: dict, instance_type: str
) -> None:
    low, high = VOLUME_RANGE[instance_type]
    size = template["Parameters"]["OpenSearchVolumeSize"]

    def allowed(volume: int, **more: str) -> bool:
        values = {"OpenSearchInstanceType": instance_type, "OpenSearchVolumeSize": str(volume), **more}
        return rules_allow(template, **values)

    assert instance_type in template["Parameters"]["OpenSearchInstanceType"]["AllowedValues"]
    assert allowed(low) and allowed(high) and allowed((low + high) // 2)
    refused = [v for v in (low - 1, high + 1) if size["MinValue"] <= v <= size["MaxValue"]]
    assert refused and not any(allowed(v) for v in refused)
    # An existing domain's size is not the template's to check.
    existing = {"ExistingOpenSearchEndpoint": "search-x.eu-west-1.es.amazonaws.com"}
    assert all(allowed(v, **existing) for v in refused)


def test_the_default_domain_size_deploys(template: dict) -> None:
    assert rules_allow(template)


def test_an_engine_request_ends_while_the_search_function_can_still_answer(template: dict) -> None:
    # A query the engine has not answered must become a 503 the function returns, not a
    # function killed at its timeout (API Gateway's bare 503 with no error body).
    from archive_search.search.routes import ENGINE_TIMEOUT_RESERVE_MS, MAX_ENGINE_TIMEOUT_MS

    timeout_ms = template["Resources"]["SearchFunction"]["Properties"]["Timeout"] * 1000
    assert timeout_ms >= MAX_ENGINE_TIMEOUT_MS + ENGINE_TIMEOUT_RESERVE_MS


def _lifecycle_rules(template: dict) -> list[dict]:
    bucket = template["Resources"]["ArchiveBucket"]["Properties"]
    return bucket["LifecycleConfiguration"]["Rules"]


def test_idempotency_claims_expire_after_the_days_the_docs_promise(template: dict) -> None:
    integration = (REPO / "docs" / "integration.md").read_text(encoding="utf-8")
    promised = int(re.search(r"remembered for (\d+) days", integration).group(1))
    expiring = {
        rule["Prefix"]: rule
        for rule in _lifecycle_rules(template)
        if "ExpirationInDays" in rule or "NoncurrentVersionExpiration" in rule
    }
    # Only the claims expire: every upload and every old version of an article is kept.
    assert set(expiring) == {UPLOAD_CLAIMS_PREFIX, ARTICLE_CLAIMS_PREFIX}
    for rule in expiring.values():
        assert rule["Status"] == "Enabled"
        assert rule["ExpirationInDays"] == promised
        assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}

"""template.yaml's alarms reach an operator: each notifies the AlarmTopicArn topic when one is
given, and a created domain warns before it stops taking writes (disk full, blocked, red)."""

from __future__ import annotations

import re

import pytest

from tests.template.cfn import REPO, load_template, resolved_template, text

pytestmark = pytest.mark.template

TOPIC = "arn:aws:sns:eu-west-1:123456789012:archive-search-oncall"


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def alarms(deployed: dict) -> dict[str, dict]:
    return {
        name: res["Properties"]
        for name, res in deployed["Resources"].items()
        if res["Type"] == "AWS::CloudWatch::Alarm"
    }


def domain_metrics(alarm: dict) -> set[str]:
    """The AWS/ES metrics an alarm watches, directly or through metric math."""
    stats = [alarm] + [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
    return {s["MetricName"] for s in stats if s.get("Namespace") == "AWS/ES"}


def test_every_alarm_notifies_the_topic_when_one_is_given_and_nothing_otherwise(template: dict) -> None:
    parameter = template["Parameters"]["AlarmTopicArn"]
    assert re.fullmatch(parameter["AllowedPattern"], parameter["Default"])
    assert re.fullmatch(parameter["AllowedPattern"], TOPIC)
    webhook = {"EventWebhookUrl": "https://hooks.example.org/a", "EventWebhookSecretName": "hook"}
    notified = alarms(resolved_template(template, AlarmTopicArn=TOPIC, **webhook))
    silent = alarms(resolved_template(template, **webhook))
    assert set(notified) == set(silent) and len(notified) >= 3
    for name, alarm in notified.items():
        for key in ("AlarmActions", "OKActions"):
            assert [text(a) for a in alarm.get(key, [])] == ["${AlarmTopicArn}"], (name, key)
    assert {
        name for name, alarm in silent.items() if "AlarmActions" in alarm or "OKActions" in alarm
    } == set()


def test_a_created_domain_alarms_before_it_refuses_writes(template: dict) -> None:
    watched = set().union(*(domain_metrics(a) for a in alarms(resolved_template(template)).values()))
    assert {"ClusterStatus.red", "ClusterIndexWritesBlocked", "FreeStorageSpace"} <= watched
    for alarm in alarms(resolved_template(template)).values():
        for stat in [alarm] + [
            m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m
        ]:
            if stat.get("Namespace") == "AWS/ES":
                # AWS/ES publishes per domain and account: both dimensions, or no data at all.
                assert {d["Name"] for d in stat["Dimensions"]} == {"DomainName", "ClientId"}
    existing = resolved_template(template, ExistingOpenSearchEndpoint="search-x.eu-west-1.es.amazonaws.com")
    assert set().union(*(domain_metrics(a) for a in alarms(existing).values())) == set()


def test_free_storage_is_alarmed_as_a_share_of_the_volume_whatever_its_size(template: dict) -> None:
    (storage,) = [
        a for a in alarms(resolved_template(template)).values() if "FreeStorageSpace" in domain_metrics(a)
    ]
    (expression,) = [m["Expression"] for m in storage["Metrics"] if "Expression" in m]
    assert "${OpenSearchVolumeSize}" in text(expression)
    assert 0 < storage["Threshold"] < 100


def watched(alarm: dict) -> tuple[str, str, dict[str, str]]:
    """(namespace, metric, dimensions as name -> target) of a single-metric alarm."""
    dimensions = {d["Name"]: text(d["Value"]) for d in alarm.get("Dimensions", [])}
    return alarm.get("Namespace", ""), alarm.get("MetricName", ""), dimensions


FUNCTIONS = ("IngestFunction", "SearchFunction", "WriteFunction")


def test_each_function_alarms_on_its_errors_and_throttles_and_the_api_on_5xx(template: dict) -> None:
    seen = {
        (*watched(a)[:2], tuple(sorted(watched(a)[2].items())))
        for a in alarms(resolved_template(template)).values()
    }
    for function in FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            assert ("AWS/Lambda", metric, (("FunctionName", "${" + function + "}"),)) in seen, (
                function,
                metric,
            )
    assert ("AWS/ApiGateway", "5xx", (("ApiId", "${SearchApi}"),)) in seen


def test_the_ingest_backlog_alarms_before_its_oldest_upload_would_reach_the_dlq(template: dict) -> None:
    queue = template["Resources"]["IngestQueue"]["Properties"]
    retry_window = queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"]
    (age,) = [
        a
        for a in alarms(resolved_template(template)).values()
        if watched(a)[:2] == ("AWS/SQS", "ApproximateAgeOfOldestMessage")
    ]
    assert watched(age)[2] == {"QueueName": "${IngestQueue.QueueName}"}
    # Past one failed receive (not paged for a single retry), well before the DLQ.
    assert queue["VisibilityTimeout"] < age["Threshold"] < retry_window
    assert age["ComparisonOperator"].startswith("GreaterThan")


def test_every_alarm_says_what_to_do_in_a_doc_section_that_exists(template: dict) -> None:
    for name, alarm in alarms(resolved_template(template, EventWebhookUrl="https://h.example.org")).items():
        cited = re.search(r"(docs/[a-z-]+\.md), ([A-Z][^)\"]*?)[)\".]", alarm["AlarmDescription"])
        assert cited, name
        doc, section = cited.groups()
        headings = re.findall(r"^#+ (.+)$", (REPO / doc).read_text(encoding="utf-8"), flags=re.M)
        assert any(h.startswith(section) for h in headings), (name, doc, section)

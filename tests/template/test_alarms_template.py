"""template.yaml's alarms reach an operator: each notifies the AlarmTopicArn topic when one is
given."""

from __future__ import annotations

import re

import pytest

from tests.template.cfn import load_template, resolved_template, text

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

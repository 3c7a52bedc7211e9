"""template.yaml's alert webhook relay: the rule that routes webhook alert matches to it, its
retries and dead-letter queue with an alarm, its signing secret and a role that reads only that
(docs/alerts.md, Targets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_local.events import RELAY_PATTERN
from archive_search.alerts.events import DETAIL_TYPE
from archive_search.alerts.relay import TIMEOUT_SECONDS
from archive_search.ingest.outcomes import SOURCE
from tests.template.cfn import allowed, load_template, policy_statements, resolved_template, text

pytestmark = pytest.mark.template

RELAY_RESOURCES = {
    "RelayFunction",
    "RelayRole",
    "RelayRule",
    "RelayInvokePermission",
    "RelayDeadLetterQueue",
    "RelayDeadLetterQueuePolicy",
    "RelayDeadLettersWaiting",
    "RelayLogGroup",
}


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def test_webhook_alert_matches_and_nothing_else_go_to_the_relay(template: dict) -> None:
    rule = template["Resources"]["RelayRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "EventBus"}
    assert rule["EventPattern"] == {
        "source": [SOURCE],
        "detail-type": [DETAIL_TYPE],
        "detail": {"target": ["webhook"]},
    }
    assert rule["EventPattern"] == RELAY_PATTERN  # make run routes the same matches to its relay
    (target,) = rule["Targets"]
    assert text(target["Arn"]) == "${RelayFunction.Arn}"
    assert text(target["DeadLetterConfig"]["Arn"]) == "${RelayDeadLetterQueue.Arn}"
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400
    permission = template["Resources"]["RelayInvokePermission"]["Properties"]
    assert permission["Principal"] == "events.amazonaws.com"
    assert text(permission["SourceArn"]) == "${RelayRule.Arn}"


def test_a_failed_delivery_is_retried_then_dead_lettered_and_alarms(template: dict) -> None:
    props = template["Resources"]["RelayFunction"]["Properties"]
    assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 2
    assert props["DeadLetterQueue"] == {
        "Type": "SQS",
        "TargetArn": {"Fn::GetAtt": ["RelayDeadLetterQueue", "Arn"]},
    }
    # One call's connect and read each take up to the relay's timeout, within the function's.
    assert props["Timeout"] > 2 * TIMEOUT_SECONDS
    alarm = template["Resources"]["RelayDeadLettersWaiting"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert text(alarm["Dimensions"][0]["Value"]) == "${RelayDeadLetterQueue.QueueName}"
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_the_relay_role_reads_its_secret_and_fills_its_dlq_and_nothing_else(template: dict) -> None:
    granted = set(allowed(policy_statements(template["Resources"]["RelayRole"])))
    grants = {a for a, _ in granted}
    assert grants == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "secretsmanager:GetSecretValue",
        "sqs:SendMessage",
    }
    assert {r for a, r in granted if a == "sqs:SendMessage"} == {"${RelayDeadLetterQueue.Arn}"}
    assert {r for a, r in granted if a.startswith("logs:")} == {"${RelayLogGroup.Arn}"}
    policy = template["Resources"]["RelayDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]
    (statement,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert text(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == "${RelayRule.Arn}"


@pytest.mark.parametrize(
    ("overrides", "secret_grant", "secret_id"),
    [
        ({}, "${AlertWebhookSecret}", "${AlertWebhookSecret}"),
        (
            {"AlertWebhookSecretName": "archive/webhooks"},
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${AlertWebhookSecretName}-??????",
            "${AlertWebhookSecretName}",
        ),
    ],
    ids=["stack secret", "named secret"],
)
def test_the_relay_signs_with_the_stack_secret_or_the_named_one_and_reads_only_it(
    template: dict, overrides: dict, secret_grant: str, secret_id: str
) -> None:
    deployed = resolved_template(template, **overrides)["Resources"]
    assert set(deployed) >= RELAY_RESOURCES
    assert ("AlertWebhookSecret" in deployed) == (not overrides)
    granted = allowed(policy_statements(deployed["RelayRole"]))
    assert [r for a, r in granted if a == "secretsmanager:GetSecretValue"] == [secret_grant]
    env = deployed["RelayFunction"]["Properties"]["Environment"]["Variables"]
    assert text(env["WEBHOOK_SECRET_ID"]) == secret_id


def test_operators_may_replay_the_relay_dlq_into_the_relay_and_nowhere_else(template: dict) -> None:
    permission = template["Resources"]["RelayReplayPermission"]["Properties"]
    assert permission["Action"] == "lambda:InvokeFunction"
    assert (text(permission["FunctionName"]), text(permission["Principal"])) == (
        "${RelayFunction}",
        "${MaintenanceRole.Arn}",
    )
    granted = allowed(policy_statements(template["Resources"]["MaintenanceRole"]))
    assert not [r for a, r in granted if a.startswith("lambda:")]
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage"):
        assert "${RelayDeadLetterQueue.Arn}" in {r for a, r in granted if a == action}
    # The outputs name what `archive-search redrive-relay` reads, under the variables it reads them from.
    outputs = template["Outputs"]
    assert text(outputs["RelayDlqUrl"]["Value"]) == "${RelayDeadLetterQueue}"
    assert text(outputs["RelayFunctionName"]["Value"]) == "${RelayFunction}"
    cli = (Path(__file__).resolve().parents[2] / "functions" / "archive_search" / "cli.py").read_text()
    for variable in ("RELAY_DLQ_URL", "RELAY_FUNCTION_NAME"):
        assert variable in outputs["RelayDlqUrl"]["Description"] and f'"{variable}"' in cli

"""template.yaml's alert webhook relay: the rule that routes webhook alert matches to its queue,
the queue's backoff and dead-letter queue with an alarm, the event source the relay reads it by,
its signing secret and a role that reads only those (docs/alerts.md, Webhook deliveries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_local.events import RELAY_PATTERN
from archive_search.alerts.events import DETAIL_TYPE
from archive_search.alerts.relay import CALL_DEADLINE_SECONDS
from archive_search.alerts.relay_queue import MAX_ATTEMPTS, RETRY_DELAYS_SECONDS
from archive_search.ingest.outcomes import SOURCE
from archive_search.observability import NAMESPACE, SERVICE
from tests.template.cfn import allowed, load_template, policy_statements, resolved_template, text

pytestmark = pytest.mark.template

RELAY_RESOURCES = {
    "RelayFunction",
    "RelayRole",
    "RelayRule",
    "RelayQueue",
    "RelayQueuePolicy",
    "RelayDeadLetterQueue",
    "RelayDeadLetterQueuePolicy",
    "RelayDeadLettersWaiting",
    "RelayDeliveriesFailing",
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
    assert text(target["Arn"]) == "${RelayQueue.Arn}"
    assert text(target["DeadLetterConfig"]["Arn"]) == "${RelayDeadLetterQueue.Arn}"
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400
    # Only the rule's deliveries reach the relay: nothing invokes the function but its queue.
    permissions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    assert [p for p in permissions if text(p["Properties"]["FunctionName"]) == "${RelayFunction}"] == []


def test_the_queue_keeps_a_match_through_its_whole_schedule_then_dead_letters_it(template: dict) -> None:
    queue = template["Resources"]["RelayQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert text(queue["RedrivePolicy"]["deadLetterTargetArn"]) == "${RelayDeadLetterQueue.Arn}"
    # The receive after the relay's last attempt moves the match to the DLQ.
    assert queue["RedrivePolicy"]["maxReceiveCount"] == MAX_ATTEMPTS
    # Retention counts from the first enqueue: the queue outlasts the schedule, the DLQ both.
    schedule = sum(RETRY_DELAYS_SECONDS) + MAX_ATTEMPTS * queue["VisibilityTimeout"]
    assert queue["MessageRetentionPeriod"] > schedule
    dlq = template["Resources"]["RelayDeadLetterQueue"]["Properties"]
    assert dlq["MessageRetentionPeriod"] >= queue["MessageRetentionPeriod"] + 7 * 86400


def test_the_relay_reads_its_queue_one_match_at_a_time_reporting_item_failures(template: dict) -> None:
    props = template["Resources"]["RelayFunction"]["Properties"]
    assert "EventInvokeConfig" not in props and "DeadLetterQueue" not in props
    (source,) = props["Events"].values()
    assert source["Type"] == "SQS"
    mapping = source["Properties"]
    assert text(mapping["Queue"]) == "${RelayQueue.Arn}"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == 1
    assert 2 <= mapping["ScalingConfig"]["MaximumConcurrency"] <= 1000
    assert text(props["Environment"]["Variables"]["RELAY_QUEUE_URL"]) == "${RelayQueue}"
    # One whole call ends by the relay's deadline, within the function's timeout;
    # Lambda asks an SQS source's visibility timeout to be at least the function's (6 x advised).
    assert props["Timeout"] > CALL_DEADLINE_SECONDS
    queue = template["Resources"]["RelayQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * props["Timeout"]


def test_only_the_rule_and_the_operators_may_send_to_the_relay_queue(template: dict) -> None:
    policy = template["Resources"]["RelayQueuePolicy"]["Properties"]
    assert [text(q) for q in policy["Queues"]] == ["${RelayQueue}"]
    statements = policy["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert (allow["Principal"], allow["Action"]) == ({"Service": "events.amazonaws.com"}, "sqs:SendMessage")
    assert text(allow["Condition"]["ArnEquals"]["aws:SourceArn"]) == "${RelayRule.Arn}"
    (deny,) = [s for s in statements if s["Effect"] == "Deny" and s["Action"] == "sqs:SendMessage"]
    exempt = {k: text(v) for k, v in deny["Condition"]["ArnNotLike"].items()}
    path = text(template["Resources"]["MaintenanceRole"]["Properties"]["Path"])
    assert exempt == {
        "aws:SourceArn": "${RelayRule.Arn}",
        "aws:PrincipalArn": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role{path}*",
    }


def test_a_match_in_the_dlq_alarms(template: dict) -> None:
    alarm = template["Resources"]["RelayDeadLettersWaiting"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert text(alarm["Dimensions"][0]["Value"]) == "${RelayDeadLetterQueue.QueueName}"
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_a_receiver_failing_for_three_periods_running_alarms_before_the_dlq(template: dict) -> None:
    alarm = template["Resources"]["RelayDeliveriesFailing"]["Properties"]
    # The metric relay_match counts, in the namespace and service dimension Powertools uses.
    assert (alarm["Namespace"], alarm["MetricName"]) == (NAMESPACE, "AlertWebhookFailed")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Sum",
        1,
        "GreaterThanOrEqualToThreshold",
    )
    assert alarm["EvaluationPeriods"] == alarm["DatapointsToAlarm"] == 3
    # Well inside the retries: a match reaches the DLQ only after the last attempt.
    assert alarm["Period"] * alarm["EvaluationPeriods"] < sum(RETRY_DELAYS_SECONDS) / 10
    assert alarm["TreatMissingData"] == "notBreaching"


def test_the_relay_role_reads_its_secret_and_consumes_its_queue_and_nothing_else(template: dict) -> None:
    granted = set(allowed(policy_statements(template["Resources"]["RelayRole"])))
    grants = {a for a, _ in granted}
    assert grants == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "secretsmanager:GetSecretValue",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    }
    assert {r for a, r in granted if a.startswith("sqs:")} == {"${RelayQueue.Arn}"}
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
def test_the_relay_and_the_write_function_derive_from_the_stack_secret_and_read_only_it(
    template: dict, overrides: dict, secret_grant: str, secret_id: str
) -> None:
    deployed = resolved_template(template, **overrides)["Resources"]
    assert set(deployed) >= RELAY_RESOURCES
    assert ("AlertWebhookSecret" in deployed) == (not overrides)
    # The write function shows and rotates each alert's secret (POST /alerts, .../webhook-secret).
    for role, function in (("RelayRole", "RelayFunction"), ("WriteRole", "WriteFunction")):
        granted = allowed(policy_statements(deployed[role]))
        assert [r for a, r in granted if a.startswith("secretsmanager:")] == [secret_grant], role
        env = deployed[function]["Properties"]["Environment"]["Variables"]
        assert text(env["WEBHOOK_SECRET_ID"]) == secret_id
    for role in ("SearchRole", "IngestRole", "MaintenanceRole"):
        assert not [
            a for a, _ in allowed(policy_statements(deployed[role])) if a.startswith("secretsmanager:")
        ]


def test_operators_may_replay_the_relay_dlq_into_the_relay_queue_and_nowhere_else(template: dict) -> None:
    granted = allowed(policy_statements(template["Resources"]["MaintenanceRole"]))
    assert not [r for a, r in granted if a.startswith("lambda:")]
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage"):
        assert "${RelayDeadLetterQueue.Arn}" in {r for a, r in granted if a == action}
    assert "${RelayQueue.Arn}" in {r for a, r in granted if a == "sqs:SendMessage"}
    assert "${RelayQueue.Arn}" not in {r for a, r in granted if a == "sqs:ReceiveMessage"}
    # The outputs name what `archive-search redrive-relay` reads, under the variables it reads them from.
    outputs = template["Outputs"]
    assert text(outputs["RelayDlqUrl"]["Value"]) == "${RelayDeadLetterQueue}"
    assert text(outputs["RelayQueueUrl"]["Value"]) == "${RelayQueue}"
    cli = (Path(__file__).resolve().parents[2] / "functions" / "archive_search" / "cli.py").read_text()
    for variable in ("RELAY_DLQ_URL", "RELAY_QUEUE_URL"):
        assert variable in outputs["RelayDlqUrl"]["Description"] and f'"{variable}"' in cli

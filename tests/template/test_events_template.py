"""template.yaml's events: the bus, the ingest role's one permission on it, and the optional
webhook delivery, present only when EventWebhookUrl is set (docs/events.md)."""

from __future__ import annotations

import copy

import pytest

from archive_search.observability import NAMESPACE, SERVICE
from tests.template import checks
from tests.template.cfn import (
    allowed,
    condition_values,
    load_template,
    policy_statements,
    resolved_template,
    resources_of_type,
    text,
)

pytestmark = pytest.mark.template

WEBHOOK = {
    "EventWebhookUrl": "https://hooks.example.org/archive",
    "EventWebhookSecretName": "archive/webhook",
}
WEBHOOK_RESOURCES = {
    "EventWebhookConnection",
    "EventWebhookDestination",
    "EventWebhookRole",
    "EventWebhookDeadLetterQueue",
    "EventWebhookDeadLetterQueuePolicy",
    "EventWebhookRule",
    "EventWebhookDeadLettersWaiting",
}


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def test_the_stack_creates_one_bus_and_gives_its_name_to_ingest(template: dict) -> None:
    assert set(resources_of_type(template, "AWS::Events::EventBus")) == {"EventBus"}
    env = template["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
    assert env["EVENT_BUS_NAME"] == {"Ref": "EventBus"}
    assert text(template["Outputs"]["EventBusName"]["Value"]) == "${EventBus}"


def test_ingest_may_put_events_on_its_bus_and_nowhere_else(template: dict) -> None:
    granted = {
        (action, resource)
        for action, resource in allowed(policy_statements(template["Resources"]["IngestRole"]))
        if action.startswith("events:")
    }
    assert granted == {("events:PutEvents", "${EventBus.Arn}")}
    for name, role in resources_of_type(template, "AWS::IAM::Role").items():
        if name != "IngestRole":
            assert all(a != "events:PutEvents" for a, _ in allowed(policy_statements(role))), name


@pytest.mark.parametrize("resource", ["*", "arn:aws:events:eu-west-1:123456789012:event-bus/default"])
def test_the_ingest_role_check_catches_put_events_beyond_the_bus(template: dict, resource: str) -> None:
    mutable = copy.deepcopy(template)
    statements = mutable["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append({"Effect": "Allow", "Action": "events:PutEvents", "Resource": resource})
    assert checks.ingest_role_problems(mutable) == [
        f"IngestRole: events:PutEvents on {resource}: ingest may only publish to its bus"
    ]


def test_without_a_webhook_url_no_webhook_resource_is_deployed(template: dict) -> None:
    assert condition_values(template)["DeliverEventsToWebhook"] is False
    deployed = resolved_template(template)
    assert "EventBus" in deployed["Resources"]
    assert WEBHOOK_RESOURCES.isdisjoint(deployed["Resources"])
    conditional = {
        name
        for name, res in template["Resources"].items()
        if res.get("Condition") == "DeliverEventsToWebhook"
    }
    assert conditional == WEBHOOK_RESOURCES


def test_a_webhook_url_delivers_every_event_with_retries_and_a_dead_letter_queue(template: dict) -> None:
    deployed = resolved_template(template, **WEBHOOK)["Resources"]
    assert set(deployed) >= WEBHOOK_RESOURCES
    rule = deployed["EventWebhookRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "EventBus"} and rule["EventPattern"] == {
        "source": ["archive-search"]
    }
    (target,) = rule["Targets"]
    assert text(target["Arn"]) == "${EventWebhookDestination.Arn}"
    assert text(target["DeadLetterConfig"]["Arn"]) == "${EventWebhookDeadLetterQueue.Arn}"
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    destination = deployed["EventWebhookDestination"]["Properties"]
    assert destination["HttpMethod"] == "POST" and destination["InvocationEndpoint"] == {
        "Ref": "EventWebhookUrl"
    }
    # The secret is resolved from Secrets Manager at deploy time, never a template parameter's value.
    secret = deployed["EventWebhookConnection"]["Properties"]["AuthParameters"]["ApiKeyAuthParameters"]
    assert text(secret["ApiKeyValue"]).startswith("{{resolve:secretsmanager:${EventWebhookSecretName}")


def test_the_webhook_role_invokes_only_its_destination_and_only_its_rule_fills_the_dlq(
    template: dict,
) -> None:
    role = template["Resources"]["EventWebhookRole"]
    assert allowed(policy_statements(role)) == [
        ("events:InvokeApiDestination", "${EventWebhookDestination.Arn}")
    ]
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    policy = template["Resources"]["EventWebhookDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]
    (statement,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert statement["Action"] == "sqs:SendMessage"
    assert text(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == "${EventWebhookRule.Arn}"


def test_a_webhook_cannot_be_deployed_without_its_secret(template: dict) -> None:
    rule = template["Rules"]["WebhookNeedsASecret"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "EventWebhookUrl"}, ""]}]}
    assert [a["Assert"] for a in rule["Assertions"]] == [
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "EventWebhookSecretName"}, ""]}]}
    ]


def test_events_ingest_gave_up_on_raise_an_alarm(template: dict) -> None:
    alarm = template["Resources"]["EventsNotPublished"]["Properties"]
    # The metric OutcomeAnnouncer counts, in the namespace and service dimension Powertools uses.
    assert (alarm["Namespace"], alarm["MetricName"]) == (NAMESPACE, "EventsNotPublished")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]


@pytest.mark.parametrize("overrides", [{}, WEBHOOK], ids=["no webhook", "webhook"])
def test_every_reference_resolves_with_and_without_the_webhook(template: dict, overrides: dict) -> None:
    from tests.template.test_template_security import _references

    deployed = resolved_template(template, **overrides)
    names = set(deployed["Resources"]) | set(deployed["Parameters"])
    assert _references(deployed["Resources"]) | _references(deployed["Outputs"]) <= names


def test_the_bus_name_the_template_gives_ingest_is_accepted_by_the_settings(template: dict) -> None:
    from archive_search.settings import Settings

    name = text(template["Resources"]["EventBus"]["Properties"]["Name"]).replace(
        "${AWS::StackName}", "archive-search-prod"
    )
    settings = Settings.from_env({"OPENSEARCH_URL": "https://search.example.org", "EVENT_BUS_NAME": name})
    assert settings.event_bus_name == "archive-search-prod-events"


# -- the events outbox (docs/events.md, Delivery) -------------------------------------------
def schedule_minutes(expression: str) -> int:
    amount, unit = expression.removeprefix("rate(").removesuffix(")").split()
    return int(amount) * (60 if unit.startswith("hour") else 1)


def test_a_schedule_invokes_ingest_to_republish_the_events_still_in_the_outbox(template: dict) -> None:
    from archive_search.settings import Settings

    events = template["Resources"]["IngestFunction"]["Properties"]["Events"]
    (schedule,) = [e["Properties"] for e in events.values() if e["Type"] == "Schedule"]
    assert schedule.get("Enabled", True) is True
    # Runs at least as often as an entry becomes due, so none waits more than two periods.
    assert schedule_minutes(schedule["Schedule"]) * 60 <= Settings.events_republish_after_s
    # The ingest handler tells it by the shape tests/events/scheduled_event.json has: no input.
    assert "Input" not in schedule


def test_a_backlog_of_pending_events_alarms_on_the_age_of_the_oldest(template: dict) -> None:
    from archive_search.settings import Settings

    schedule = next(
        e["Properties"]["Schedule"]
        for e in template["Resources"]["IngestFunction"]["Properties"]["Events"].values()
        if e["Type"] == "Schedule"
    )
    (alarm,) = [
        r["Properties"]
        for r in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if r["Properties"].get("MetricName") == "EventsPendingOldestAgeSeconds"
    ]
    assert (alarm["Namespace"], alarm["Statistic"]) == (NAMESPACE, "Maximum")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    # Not for one event waiting its grace period and the next run, but before an hour is lost.
    normal_wait = Settings.events_republish_after_s + 60 * schedule_minutes(schedule)
    assert normal_wait < alarm["Threshold"] <= 3600
    assert alarm["ComparisonOperator"].startswith("GreaterThan")


def test_a_republisher_that_stops_running_alarms_too(template: dict) -> None:
    # Every run reports the age (0 when nothing waits): no report means no run, or a failed one,
    # and then nothing would send what waits. One late run is not an outage: three periods are.
    (alarm,) = [
        r["Properties"]
        for r in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if r["Properties"].get("MetricName") == "EventsPendingOldestAgeSeconds"
    ]
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"] >= 3


def test_the_search_role_reads_the_outbox_by_its_search_endpoint_only(template: dict) -> None:
    """/ingest/status?key= says whether an event still waits (event_pending): one ids query on
    the outbox alias; the role writes nothing there and reads no outbox index by name."""
    on_outbox = {
        (action, resource.removeprefix(checks.DOMAIN_ARN + "/"))
        for action, resource in allowed(policy_statements(template["Resources"]["SearchRole"]))
        if "-outbox" in resource
    }
    assert on_outbox == {
        ("es:ESHttpGet", "${IndexAlias}-outbox/_search"),
        ("es:ESHttpPost", "${IndexAlias}-outbox/_search"),
    }

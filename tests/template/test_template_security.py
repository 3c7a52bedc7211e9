"""template.yaml deploys what the architecture promises: every property is read from the template
itself (parameters at their defaults and in each mode), and each rule is shown to catch a template
that breaks it."""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from types import SimpleNamespace

import pytest

from archive_search.adapters import opensearch
from archive_search.index_schema import MAPPING_VERSION
from archive_search.settings import Settings
from tests.template import checks
from tests.template.cfn import (
    REPO,
    allowed,
    condition_values,
    load_template,
    parse_template,
    policy_statements,
    resolved_template,
    rules_allow,
    text,
)

pytestmark = pytest.mark.template

MODES = {
    "new domain, IAM auth": {},
    "existing domain, IAM auth": {
        "ExistingOpenSearchEndpoint": "search-archive-abc.eu-west-1.es.amazonaws.com"
    },
    "new domain, JWT auth": {
        "AuthMode": "JWT",
        "JwtIssuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf",
        "JwtAudience": ["app-client-id"],
    },
    "highly available domain": {"OpenSearchHighAvailability": "true", "OpenSearchInstanceCount": 2},
}


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


@pytest.fixture
def mutable(template: dict) -> dict:
    return copy.deepcopy(template)


def test_loader_turns_short_form_tags_into_intrinsic_functions() -> None:
    parsed = parse_template(
        "A: !Ref X\nB: !GetAtt Y.Arn\nC: !Sub 'a-${X}'\nD: !If [Cond, 1, 2]\nE: !Select [0, !Split ['/', !Ref Z]]\n"
    )
    assert parsed == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["Y", "Arn"]},
        "C": {"Fn::Sub": "a-${X}"},
        "D": {"Fn::If": ["Cond", 1, 2]},
        "E": {"Fn::Select": [0, {"Fn::Split": ["/", {"Ref": "Z"}]}]},
    }


# -- the archive bucket ----------------------------------------------------------------------
def test_bucket_is_versioned_encrypted_private_tls_only_and_notifies_the_queue(template: dict) -> None:
    assert checks.bucket_problems(template) == []


def test_bucket_check_catches_a_bucket_without_versioning(mutable: dict) -> None:
    del mutable["Resources"]["ArchiveBucket"]["Properties"]["VersioningConfiguration"]
    assert checks.bucket_problems(mutable) == ["ArchiveBucket: versioning is not enabled"]


def test_bucket_check_catches_public_access_and_missing_delete_notifications(mutable: dict) -> None:
    props = mutable["Resources"]["ArchiveBucket"]["Properties"]
    props["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] = False
    props["NotificationConfiguration"]["QueueConfigurations"].pop()
    problems = checks.bucket_problems(mutable)
    assert "ArchiveBucket: public access block RestrictPublicBuckets is not true" in problems
    assert "ArchiveBucket: s3:ObjectRemoved:* is not sent to IngestQueue" in problems


# -- queue, DLQ and the event source ---------------------------------------------------------
def test_queues_are_encrypted_with_redrive_and_a_visibility_timeout_of_six_ingest_timeouts(
    template: dict,
) -> None:
    assert checks.queue_problems(template) == []


def test_visibility_check_uses_the_template_values(mutable: dict) -> None:
    # Given an ingest timeout raised without raising the queue's visibility timeout
    mutable["Resources"]["IngestFunction"]["Properties"]["Timeout"] = 300
    # Then the check reports the numbers it computed from the template
    problems = checks.queue_problems(mutable)
    assert problems == [
        "IngestQueue: VisibilityTimeout 740 s < 6 x ingest timeout 300 s + batching window 20 s = 1820 s"
    ]


def test_queue_check_catches_an_unencrypted_dlq_and_a_missing_redrive(mutable: dict) -> None:
    del mutable["Resources"]["IngestDeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"]
    del mutable["Resources"]["IngestQueue"]["Properties"]["RedrivePolicy"]
    problems = checks.queue_problems(mutable)
    assert "IngestDeadLetterQueue: not encrypted at rest" in problems
    assert "IngestQueue: no redrive policy to IngestDeadLetterQueue" in problems


def test_only_the_archive_bucket_can_send_to_the_ingest_queue(template: dict) -> None:
    assert checks.queue_policy_problems(template) == []


def test_queue_policy_check_catches_an_allow_without_source_arn(mutable: dict) -> None:
    statement = mutable["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    del statement["Condition"]["ArnEquals"]
    problems = checks.queue_policy_problems(mutable)
    assert problems == [
        "queue policy AllowArchiveBucketNotifications: aws:SourceArn '' is not the archive bucket"
    ]


def test_the_maintenance_role_is_the_only_other_sender_and_lives_where_the_deny_exempts_it(
    template: dict,
) -> None:
    deny = template["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][1]
    exempt = text(deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"])
    path = text(template["Resources"]["MaintenanceRole"]["Properties"]["Path"])
    assert exempt == f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role{path}*"


def test_ingest_reads_the_queue_with_partial_batch_failures_and_bounded_concurrency(template: dict) -> None:
    assert checks.event_source_problems(template) == []


def test_event_source_check_catches_missing_partial_failures_and_concurrency(mutable: dict) -> None:
    source = mutable["Resources"]["IngestFunction"]["Properties"]["Events"]["IngestQueue"]["Properties"]
    del source["FunctionResponseTypes"]
    del source["ScalingConfig"]
    assert checks.event_source_problems(mutable) == [
        "IngestFunction: no ReportBatchItemFailures (a failure would retry the batch)",
        "IngestFunction: no ScalingConfig.MaximumConcurrency",
    ]


# -- HTTP API --------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["IAM", "JWT"])
def test_every_route_requires_authorization_with_throttling_and_access_logs(
    template: dict, mode: str
) -> None:
    overrides = MODES["new domain, JWT auth"] if mode == "JWT" else {}
    conditions = condition_values(template, **overrides)
    assert conditions["UseJwtAuth"] is (mode == "JWT")
    assert checks.api_problems(template, conditions) == []


def test_iam_is_the_default_authorization(template: dict) -> None:
    assert template["Parameters"]["AuthMode"]["Default"] == "IAM"
    assert condition_values(template)["UseJwtAuth"] is False


def test_api_check_catches_a_route_without_security_and_a_function_event_route(mutable: dict) -> None:
    body = mutable["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]
    del body["paths"]["/{proxy+}"]["get"]["security"]
    mutable["Resources"]["SearchFunction"]["Properties"]["Events"] = {
        "Health": {"Type": "HttpApi", "Properties": {"Path": "/health", "Method": "GET"}}
    }
    problems = checks.api_problems(mutable, condition_values(mutable))
    assert "SearchApi: GET /{proxy+} has no security requirement" in problems
    assert "SearchFunction: HttpApi event adds a route that bypasses the API's authorizer" in problems


def test_api_check_allows_only_the_page_routes_public_and_only_to_the_search_function(mutable: dict) -> None:
    paths = mutable["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]
    assert paths["/"]["get"]["security"] == [] and paths["/web/{file}"]["get"]["security"] == []
    assert checks.api_problems(mutable, condition_values(mutable)) == []
    paths["/uploads"]["post"]["security"] = []
    paths["/web/{file}"]["get"]["x-amazon-apigateway-integration"] = paths["/uploads"]["post"][
        "x-amazon-apigateway-integration"
    ]

    problems = checks.api_problems(mutable, condition_values(mutable))

    assert "SearchApi: POST /uploads has no security requirement" in problems
    assert "SearchApi: public GET /web/{file} must go to the search function" in problems


def test_api_check_catches_missing_throttling(mutable: dict) -> None:
    del mutable["Resources"]["SearchApi"]["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"]
    assert checks.api_problems(mutable, condition_values(mutable)) == [
        "SearchApi: DefaultRouteSettings.ThrottlingRateLimit is not set (no throttling)"
    ]


def test_jwt_mode_cannot_deploy_without_issuer_and_audience(template: dict) -> None:
    rule = template["Rules"]["JwtModeNeedsIssuerAndAudience"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "AuthMode"}, "JWT"]}
    asserted = [a["Assert"] for a in rule["Assertions"]]
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "JwtIssuer"}, ""]}]} in asserted
    assert {"Fn::Not": [{"Fn::Contains": [{"Ref": "JwtAudience"}, ""]}]} in asserted


def test_a_highly_available_domain_cannot_deploy_with_an_odd_instance_count(template: dict) -> None:
    # Two zones need an even number of data nodes; OpenSearch Service refuses it only when the
    # domain is created, after the rest of the stack, and the whole first deploy rolls back.
    assert rules_allow(template)
    assert rules_allow(template, OpenSearchInstanceCount=3)
    for count in range(2, 21, 2):
        assert rules_allow(template, OpenSearchHighAvailability="true", OpenSearchInstanceCount=count)
    for count in range(1, 21, 2):
        assert not rules_allow(template, OpenSearchHighAvailability="true", OpenSearchInstanceCount=count)
    # An existing domain is not sized by the stack.
    assert rules_allow(
        template,
        OpenSearchHighAvailability="true",
        OpenSearchInstanceCount=3,
        ExistingOpenSearchEndpoint="search-x",
    )


# -- IAM -------------------------------------------------------------------------------------
def test_no_wildcard_actions_and_no_wildcard_resources_where_a_narrower_one_exists(template: dict) -> None:
    assert checks.wildcard_problems(template) == []


def test_wildcard_check_catches_star_resources_and_service_wildcards(mutable: dict) -> None:
    statements = mutable["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    assert checks.wildcard_problems(mutable) == [
        "IngestRole: wildcard action sqs:*",
        "IngestRole: sqs:* on Resource '*' where a narrower resource exists",
    ]


def test_search_function_can_only_read_the_index(template: dict) -> None:
    assert checks.search_role_problems(template) == []


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:PutObject", {"Fn::Sub": "${ArchiveBucket.Arn}/*"}),
        ("es:ESHttpDelete", {"Fn::Sub": checks.DOMAIN_ARN + "/${IndexAlias}"}),
        ("es:ESHttpPost", {"Fn::Sub": checks.DOMAIN_ARN + "/${IndexAlias}/_doc/*"}),
        ("es:ESHttpPut", {"Fn::Sub": checks.DOMAIN_ARN + "/${IndexAlias}"}),
        ("sqs:SendMessage", {"Fn::GetAtt": ["IngestQueue", "Arn"]}),
    ],
)
def test_search_role_check_catches_any_write(mutable: dict, action: str, resource: dict) -> None:
    statements = mutable["Resources"]["SearchRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append({"Effect": "Allow", "Action": action, "Resource": resource})
    problems = checks.search_role_problems(mutable)
    assert len(problems) == 1 and problems[0].startswith(f"SearchRole: {action} on ")


def test_ingest_function_reads_the_bucket_consumes_its_queue_and_writes_the_index_only(
    template: dict,
) -> None:
    assert checks.ingest_role_problems(template) == []


def test_ingest_role_check_catches_bucket_writes_and_foreign_indices(mutable: dict) -> None:
    statements = mutable["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append(
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${ArchiveBucket.Arn}/*"}}
    )
    statements.append(
        {"Effect": "Allow", "Action": "es:ESHttpPut", "Resource": {"Fn::Sub": checks.DOMAIN_ARN + "/other"}}
    )
    assert checks.ingest_role_problems(mutable) == [
        "IngestRole: s3:PutObject: ingest may only read the bucket",
        f"IngestRole: es:ESHttpPut on {checks.DOMAIN_ARN}/other, outside the article indices",
    ]


@pytest.mark.parametrize(
    ("action", "path"),
    [
        ("es:ESHttpPost", "/${IndexAlias}/_delete_by_query"),
        ("es:ESHttpPut", "/${IndexAlias}-v?-20??????????????????/_settings"),
        ("es:ESHttpPut", "/${IndexAlias}-v?-20??????????????????/_mapping"),
        ("es:ESHttpDelete", "/${IndexAlias}-v?-20??????????????????"),
        ("es:ESHttpPost", "/${IndexAlias}-private/_bulk"),
        ("es:ESHttpPost", "/_bulk"),
        ("es:ESHttpPost", "/_aliases"),
    ],
)
def test_ingest_role_check_catches_destructive_or_foreign_engine_access(
    mutable: dict, action: str, path: str
) -> None:
    statements = mutable["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append(
        {"Effect": "Allow", "Action": action, "Resource": {"Fn::Sub": checks.DOMAIN_ARN + path}}
    )
    assert len(checks.ingest_role_problems(mutable)) == 1


def test_no_role_reaches_indices_that_merely_share_the_alias_prefix(template: dict, mutable: dict) -> None:
    assert checks.prefix_wildcard_problems(template) == []
    statements = mutable["Resources"]["MaintenanceRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    statements.append(
        {
            "Effect": "Allow",
            "Action": "es:ESHttpGet",
            "Resource": {"Fn::Sub": checks.DOMAIN_ARN + "/${IndexAlias}*"},
        }
    )
    assert len(checks.prefix_wildcard_problems(mutable)) == 1


def test_grants_on_index_versions_still_match_at_two_digit_mapping_versions(
    template: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # IAM's ? is one character: a grant on <alias>-v?-... stops matching at MAPPING_VERSION 10,
    # and ingest's bootstrap and every reindex would then be refused by the domain.
    def matched(version: int) -> set[tuple[str, str, str, str]]:
        monkeypatch.setattr(opensearch, "MAPPING_VERSION", version)
        found = set()
        for alias in ("articles", "articles-receipts", "articles-alerts", "articles-outbox"):
            index = opensearch.SearchEngine.new_index_name(SimpleNamespace(alias=alias), alias)
            for tail in ("", f"/_alias/{alias}", "/_bulk", "/_doc/1"):
                for role, resource in checks.resources_of_type(template, "AWS::IAM::Role").items():
                    for action, granted in allowed(policy_statements(resource)):
                        pattern = granted.removeprefix(checks.DOMAIN_ARN + "/").replace(
                            "${IndexAlias}", "articles"
                        )
                        if fnmatch.fnmatchcase(index + tail, pattern):
                            found.add((role, action, alias, tail))
        return found

    now = matched(MAPPING_VERSION)
    assert ("IngestRole", "es:ESHttpPut", "articles", "") in now
    assert matched(10) == now
    assert matched(99) == now


def test_queues_deny_requests_without_tls(template: dict, mutable: dict) -> None:
    assert checks.tls_only_queue_problems(template) == []
    del mutable["Resources"]["IngestDeadLetterQueuePolicy"]
    assert checks.tls_only_queue_problems(mutable) == [
        "IngestDeadLetterQueue: no Deny of sqs:* when aws:SecureTransport is false"
    ]


def test_domain_refuses_explicit_indices_in_multi_document_bodies(template: dict, mutable: dict) -> None:
    assert checks.explicit_index_problems(template) == []
    del mutable["Resources"]["SearchDomain"]["Properties"]["AdvancedOptions"]
    assert checks.explicit_index_problems(mutable) == [
        "SearchDomain: rest.action.multi.allow_explicit_index is not false"
    ]


def test_cors_origins_are_a_parameter_allowing_none_by_default(template: dict, mutable: dict) -> None:
    assert checks.cors_problems(template) == []
    mutable["Parameters"]["CorsAllowedOrigins"]["Default"] = "*"
    cors = mutable["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-cors"]
    cors["Fn::If"][1]["allowOrigins"] = ["*"]
    assert checks.cors_problems(mutable) == [
        "CorsAllowedOrigins: the default must allow no origin",
        "SearchApi: CORS origins are not the CorsAllowedOrigins parameter",
    ]


def test_search_function_traces_no_responses_and_keys_cursors_from_the_stack_secret(
    template: dict, mutable: dict
) -> None:
    assert checks.search_environment_problems(template) == []
    env = mutable["Resources"]["SearchFunction"]["Properties"]["Environment"]["Variables"]
    env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] = "true"
    env["CURSOR_SECRET"] = "hard-coded-secret-hard-coded-secret"
    assert checks.search_environment_problems(mutable) == [
        "SearchFunction: X-Ray captures responses (article bodies)",
        "SearchFunction: CURSOR_SECRET is not the stack's CursorSecret",
    ]


def test_the_cursor_key_rotates_by_a_deploy_naming_the_new_secret_version(template: dict) -> None:
    # CloudFormation resolves a dynamic reference again only when the reference itself changes
    # (redeploying an unchanged template changes nothing): a rotation names the new version's id.
    def cursor_secret(**params: str) -> str:
        search = resolved_template(template, **params)["Resources"]["SearchFunction"]
        return text(search["Properties"]["Environment"]["Variables"]["CURSOR_SECRET"])

    version = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    parameter = template["Parameters"]["CursorSecretVersionId"]
    assert re.fullmatch(parameter["AllowedPattern"], parameter["Default"])
    assert re.fullmatch(parameter["AllowedPattern"], version)
    assert cursor_secret() == "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"
    assert cursor_secret(CursorSecretVersionId=version) == (
        "{{resolve:secretsmanager:${CursorSecret}:SecretString:::${CursorSecretVersionId}}}"
    )
    assert text(template["Outputs"]["CursorSecretArn"]["Value"]) == "${CursorSecret}"
    contract = (REPO / "docs" / "api-contract.md").read_text(encoding="utf-8")
    assert "CursorSecretVersionId=" in contract and "CursorSecretArn" in contract


def test_nothing_in_the_stack_can_write_the_bucket_so_no_write_retriggers_ingest(template: dict) -> None:
    assert checks.no_bucket_writes_problems(template) == []


def test_only_the_operators_may_write_and_only_under_the_reserved_prefix(mutable: dict) -> None:
    def statements(role: str) -> list:
        return mutable["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]

    statements("MaintenanceRole").append(
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${ArchiveBucket.Arn}/inbox/*"}}
    )
    statements("IngestRole").append(
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "${ArchiveBucket.Arn}/_archive-search/*"},
        }
    )

    assert checks.no_bucket_writes_problems(mutable) == [
        "IngestRole: s3:PutObject on ${ArchiveBucket.Arn}/_archive-search/* would let the pipeline write the bucket",
        "MaintenanceRole: s3:PutObject on ${ArchiveBucket.Arn}/inbox/* would let the pipeline write the bucket",
    ]


def test_the_write_function_writes_only_under_the_write_prefixes_and_never_the_index(template: dict) -> None:
    assert checks.write_role_problems(template) == []


def test_write_role_check_catches_writes_elsewhere_in_the_bucket_and_to_the_index(mutable: dict) -> None:
    statements = mutable["Resources"]["WriteRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append(
        {
            "Effect": "Allow",
            "Action": "s3:DeleteObject",
            "Resource": {"Fn::Sub": "${ArchiveBucket.Arn}/inbox/*"},
        }
    )
    statements.append(
        {
            "Effect": "Allow",
            "Action": "es:ESHttpPut",
            "Resource": {"Fn::Sub": checks.DOMAIN_ARN + "/${IndexAlias}*"},
        }
    )
    assert checks.write_role_problems(mutable) == [
        "WriteRole: s3:DeleteObject on ${ArchiveBucket.Arn}/inbox/*, outside the write prefixes",
        f"WriteRole: es:ESHttpPut on {checks.DOMAIN_ARN}/${{IndexAlias}}*: the write function only writes the bucket",
    ]


@pytest.mark.parametrize("mode", ["IAM", "JWT"])
def test_write_routes_have_their_own_function_and_the_write_scope(template: dict, mode: str) -> None:
    conditions = condition_values(template, **(MODES["new domain, JWT auth"] if mode == "JWT" else {}))
    paths = template["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]
    assert set(paths["/{proxy+}"]) == {"get", "head"}
    assert {"/articles", "/articles/by-external-id/{external_id}", "/articles/{id}", "/uploads"} <= set(paths)
    assert set(paths["/articles/by-external-id/{external_id}"]) == {"put", "delete"}
    assert checks.write_route_problems(template, conditions) == []


def test_the_local_stack_sends_the_templates_write_routes_to_the_write_function(template: dict) -> None:
    import re

    from archive_local.stack import WRITE_ROUTES

    paths = template["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]
    to_write = {
        (method.upper(), re.sub(r"\{[^}/]+\}", "[^/]+", path))
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "${WriteFunction.Arn}" in text(operation["x-amazon-apigateway-integration"]["uri"])
    }
    assert to_write and set(WRITE_ROUTES) == to_write


def test_write_route_check_catches_a_route_without_the_scope(mutable: dict) -> None:
    operation = mutable["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]["/uploads"]["post"]
    operation["security"] = {"Fn::If": ["UseJwtAuth", [{"jwt": []}], [{"sigv4": []}]]}
    conditions = condition_values(mutable, **MODES["new domain, JWT auth"])
    assert checks.write_route_problems(mutable, conditions) == [
        "SearchApi: POST /uploads does not require the archive/write scope"
    ]


# -- OpenSearch domain -----------------------------------------------------------------------
def test_domain_is_encrypted_https_only_and_not_public(template: dict) -> None:
    assert checks.domain_problems(template) == []


def test_domain_check_catches_a_public_access_policy_and_plain_http(mutable: dict) -> None:
    props = mutable["Resources"]["SearchDomain"]["Properties"]
    statement = props["AccessPolicies"]["Statement"][0]
    statement["Principal"] = {"AWS": "*"}
    del statement["Condition"]
    props["DomainEndpointOptions"]["EnforceHTTPS"] = False
    del props["NodeToNodeEncryptionOptions"]
    assert checks.domain_problems(mutable) == [
        "SearchDomain: node-to-node encryption is not enabled",
        "SearchDomain: HTTPS is not enforced",
        "SearchDomain: access policy ThisStacksRolesOnly is public (Principal '*' without conditions)",
    ]


def test_domain_access_policy_admits_exactly_the_four_roles(template: dict) -> None:
    statement = template["Resources"]["SearchDomain"]["Properties"]["AccessPolicies"]["Statement"][0]
    admitted = {text(arn) for arn in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]}
    assert admitted == {
        "${IngestRole.Arn}",
        "${SearchRole.Arn}",
        "${WriteRole.Arn}",
        "${MaintenanceRole.Arn}",
    }


def test_an_existing_domain_is_told_to_admit_every_role_a_created_domain_admits(template: dict) -> None:
    # With ExistingOpenSearchEndpoint the operator writes the access policy: the parameter, the
    # deploy guide's policy and its outputs table must name every role the stack's functions use.
    statement = template["Resources"]["SearchDomain"]["Properties"]["AccessPolicies"]["Statement"][0]
    roles = {
        text(arn).removeprefix("${").removesuffix(".Arn}")
        for arn in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    }
    outputs = {f"{role}Arn" for role in roles}
    assert outputs <= set(template["Outputs"])
    description = template["Parameters"]["ExistingOpenSearchEndpoint"]["Description"]
    assert {name for name in outputs if name not in description} == set()
    deploy = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = deploy.split("## Using an existing OpenSearch domain", 1)[1].split("\n## ", 1)[0]
    policy = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    assert set(policy["Principal"]["AWS"]) == {f"<{name}>" for name in outputs}
    assert {name for name in outputs if f"`{name}`" not in deploy.split("## Parameters", 1)[0]} == set()


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_mode_resolves_to_a_consistent_stack(template: dict, mode: str) -> None:
    deployed = resolved_template(template, **MODES[mode])
    has_domain = "SearchDomain" in deployed["Resources"]
    assert has_domain is ("ExistingOpenSearchEndpoint" not in MODES[mode])
    # Every Ref/GetAtt/${...} left in the deployed template names something that exists.
    names = set(deployed["Resources"]) | set(deployed["Parameters"])
    dangling = {
        ref
        for ref in _references(deployed["Resources"]) | _references(deployed["Outputs"])
        if ref not in names
    }
    assert dangling == set()
    cluster = deployed["Resources"].get("SearchDomain", {}).get("Properties", {}).get("ClusterConfig", {})
    if mode == "highly available domain":
        assert cluster["ZoneAwarenessEnabled"] is True and cluster["DedicatedMasterCount"] == 3
    elif has_domain:
        assert cluster["ZoneAwarenessEnabled"] is False and "DedicatedMasterCount" not in cluster


def _references(node: object) -> set[str]:
    import re

    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str) and not value.startswith("AWS::"):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add((value if isinstance(value, list) else value.split("."))[0])
            elif key == "Fn::Sub":
                template_text = value if isinstance(value, str) else value[0]
                local = set(value[1]) if isinstance(value, list) else set()
                for name in re.findall(r"\$\{([^}!]+)\}", template_text):
                    base = name.split(".")[0]
                    if not base.startswith("AWS::") and base not in local:
                        found.add(base)
                if isinstance(value, list):
                    found |= _references(value[1])
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


# -- logs, environment, code -----------------------------------------------------------------
def test_functions_api_and_domain_log_to_groups_with_retention(template: dict) -> None:
    assert checks.logging_problems(template) == []


def test_logging_check_catches_a_log_group_without_retention(mutable: dict) -> None:
    del mutable["Resources"]["SearchLogGroup"]["Properties"]["RetentionInDays"]
    assert checks.logging_problems(mutable) == ["SearchLogGroup: no retention"]


@pytest.mark.parametrize("mode", ["new domain, IAM auth", "existing domain, IAM auth"])
def test_functions_reach_opensearch_over_https_with_sigv4(template: dict, mode: str) -> None:
    assert checks.environment_problems(template, condition_values(template, **MODES[mode])) == []


def test_the_function_environment_is_accepted_by_the_settings_contract(template: dict) -> None:
    env = {
        key: text(value)
        for key, value in checks.function_environment(template, "SearchFunction").items()
        if not isinstance(value, dict) or "Ref" in value
    }
    params = template["Parameters"]
    env.update(
        OPENSEARCH_URL="https://search-archive-abc.eu-west-1.es.amazonaws.com",
        INDEX_ALIAS=params["IndexAlias"]["Default"],
        ARCHIVE_BUCKET="archive-search-0f1e2d3c",
        LOG_LEVEL=params["LogLevel"]["Default"],
        AWS_REGION="eu-west-1",
    )
    settings = Settings.from_env(env)
    assert settings.opensearch_auth == "sigv4"
    assert settings.index_alias == "articles"
    assert settings.service_name == "archive-search"


def test_outputs_give_operators_everything_the_cli_and_clients_need(template: dict) -> None:
    outputs = template["Outputs"]
    for name in (
        "ApiUrl",
        "BucketName",
        "QueueUrl",
        "DlqUrl",
        "OpenSearchEndpoint",
        "IndexAlias",
        "MaintenanceRoleArn",
    ):
        assert name in outputs, f"output {name} is missing"
    assert text(outputs["ApiUrl"]["Value"]).startswith("https://${SearchApi}.execute-api.")
    # The redrive note names the variables the CLI actually reads.
    cli = (REPO / "functions" / "archive_search" / "cli.py").read_text(encoding="utf-8")
    for variable in ("INGEST_QUEUE_URL", "INGEST_DLQ_URL"):
        assert variable in outputs["DlqUrl"]["Description"] and variable in cli


def test_every_read_route_answers_head_as_its_get_does(template: dict) -> None:
    # An HTTP API routes HEAD only where a route names it; the function answers it as GET.
    paths = template["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]
    read_routes = [path for path, item in paths.items() if "get" in item]
    assert {"/{proxy+}", "/"} <= set(read_routes)
    for path in read_routes:
        assert paths[path].get("head") == paths[path]["get"], path

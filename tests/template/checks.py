"""The project's own rules for template.yaml, as functions returning readable problems.

Each function takes a parsed template (see ``cfn``) and returns a list of problems, empty when the
template satisfies the rule. Tests assert the real template yields none, and that a template
mutated to break the rule yields some (so the checks are shown to be able to fail).
"""

from __future__ import annotations

from typing import Any

from tests.template.cfn import (
    allowed,
    as_list,
    function_property,
    policy_statements,
    ref_target,
    resolve_conditions,
    resources_of_type,
    role_of,
    text,
)

INGEST_FUNCTION = "IngestFunction"
SEARCH_FUNCTION = "SearchFunction"
WRITE_FUNCTION = "WriteFunction"
BUCKET_ARN = "${ArchiveBucket.Arn}"
# Where the write API puts objects (writes/records.py); everything else in the bucket is not its own.
WRITE_PREFIX_RESOURCES = ("${ArchiveBucket.Arn}/api/articles/*", "${ArchiveBucket.Arn}/uploads/*")
# What the write routes record of each Idempotency-Key (writes/records.py UPLOAD_CLAIMS_PREFIX,
# ARTICLE_CLAIMS_PREFIX): under the reserved prefix, so ingest acknowledges these objects and never
# indexes them.
CLAIMS_RESOURCES = (
    "${ArchiveBucket.Arn}/_archive-search/upload-keys/*",
    "${ArchiveBucket.Arn}/_archive-search/article-keys/*",
)
WRITE_SCOPE = "archive/write"
ACCOUNT_ROOT = "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
DOMAIN_ARN = "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/${OpenSearchDomainName}"

# Actions that have no resource-level permissions, so "*" is the narrowest resource there is.
ACTIONS_WITHOUT_RESOURCE_SCOPE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# What a Lambda SQS event source needs from its queue (SAM's SQSPollerPolicy, minus the *Batch
# names, which are not IAM actions).
SQS_POLLER_ACTIONS = {
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
}
S3_READ_ACTIONS = {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"}
# Index endpoints where POST only reads.
READ_ONLY_POST_ENDPOINTS = ("/_search", "/_msearch", "/_count", "/_mget")
STRONG_TLS_POLICIES = {"Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"}


# The search page and its static files (no archive data) are the only routes without an
# authorizer: a browser's navigation sends no token (docs/web.md).
PUBLIC_PAGE_ROUTES = frozenset({("/", "get"), ("/", "head"), ("/web/{file}", "get"), ("/web/{file}", "head")})


def _one(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = resources_of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def _props(template: dict[str, Any], name: str) -> dict[str, Any]:
    return template["Resources"][name].get("Properties", {})


def _number(template: dict[str, Any], value: Any, bound: str = "Default") -> float:
    """A numeric property: a literal, or a ``Ref`` to a parameter read at ``bound`` (Default,
    MinValue or MaxValue)."""
    target = ref_target(value)
    if target is not None:
        return float(template["Parameters"][target][bound])
    return float(value)


# -- bucket ------------------------------------------------------------------------------------
def bucket_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    name, bucket = _one(template, "AWS::S3::Bucket")
    props = bucket.get("Properties", {})
    if props.get("VersioningConfiguration", {}).get("Status") != "Enabled":
        problems.append(f"{name}: versioning is not enabled")
    rules = as_list(props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration"))
    algorithms = {r.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules}
    if not algorithms & {"aws:kms", "aws:kms:dsse", "AES256"}:
        problems.append(f"{name}: no default server-side encryption")
    block = props.get("PublicAccessBlockConfiguration", {})
    for flag in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"):
        if block.get(flag) is not True:
            problems.append(f"{name}: public access block {flag} is not true")
    if bucket.get("DeletionPolicy") != "Retain":
        problems.append(f"{name}: the source of truth must be retained when the stack is deleted")

    notifications = props.get("NotificationConfiguration", {})
    queue_events = {
        (q.get("Event"), ref_target(q.get("Queue")))
        for q in as_list(notifications.get("QueueConfigurations"))
    }
    for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*"):
        if (event, "IngestQueue") not in queue_events:
            problems.append(f"{name}: {event} is not sent to IngestQueue")
    for other in ("LambdaConfigurations", "TopicConfigurations", "EventBridgeConfiguration"):
        if other in notifications:
            problems.append(f"{name}: unexpected {other}: uploads must reach ingest through the queue only")

    tls_only = False
    for _, policy in resources_of_type(template, "AWS::S3::BucketPolicy").items():
        if ref_target(policy["Properties"].get("Bucket")) != name:
            continue
        for statement in as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
            if (
                statement.get("Effect") == "Deny"
                and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            ):
                tls_only = True
    if not tls_only:
        problems.append(f"{name}: no bucket policy denies requests without TLS")
    return problems


# -- queues ------------------------------------------------------------------------------------
def queue_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    queues = resources_of_type(template, "AWS::SQS::Queue")
    # Other queues (the webhook's dead letters) are held to the encryption rule below.
    if not {"IngestQueue", "IngestDeadLetterQueue"} <= set(queues):
        problems.append(f"expected IngestQueue and IngestDeadLetterQueue, found {sorted(queues)}")
        return problems
    for name, queue in queues.items():
        props = queue.get("Properties", {})
        if props.get("SqsManagedSseEnabled") is not True and not props.get("KmsMasterKeyId"):
            problems.append(f"{name}: not encrypted at rest")

    ingest = queues["IngestQueue"]["Properties"]
    redrive = ingest.get("RedrivePolicy", {})
    if ref_target(redrive.get("deadLetterTargetArn")) != "IngestDeadLetterQueue":
        problems.append("IngestQueue: no redrive policy to IngestDeadLetterQueue")
    max_receives = int(redrive.get("maxReceiveCount", 0))
    if not 2 <= max_receives <= 10:
        problems.append(f"IngestQueue: maxReceiveCount {max_receives} is outside 2..10")

    # The Lambda guidance for SQS sources: visibility >= 6 x function timeout (+ batching window).
    timeout = _number(template, function_property(template, INGEST_FUNCTION, "Timeout"))
    window = 0.0
    for event in _events(template, INGEST_FUNCTION, "SQS"):
        window = max(window, _number(template, event.get("MaximumBatchingWindowInSeconds", 0), "MaxValue"))
    needed = 6 * timeout + window
    visibility = _number(template, ingest.get("VisibilityTimeout", 30))
    if visibility < needed:
        problems.append(
            f"IngestQueue: VisibilityTimeout {visibility:g} s < 6 x ingest timeout {timeout:g} s"
            f" + batching window {window:g} s = {needed:g} s"
        )
    dlq_retention = _number(
        template, queues["IngestDeadLetterQueue"]["Properties"].get("MessageRetentionPeriod", 345600)
    )
    if dlq_retention <= _number(template, ingest.get("MessageRetentionPeriod", 345600)):
        problems.append("IngestDeadLetterQueue: must retain messages longer than IngestQueue")
    return problems


def queue_policy_problems(template: dict[str, Any]) -> list[str]:
    """Only the archive bucket (aws:SourceArn + aws:SourceAccount) may send to the ingest queue."""
    problems = []
    bucket_name = text(_props(template, "ArchiveBucket").get("BucketName"))
    policies = [
        p
        for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
        if "IngestQueue" in [ref_target(q) for q in p["Properties"]["Queues"]]
    ]
    if len(policies) != 1:
        return [f"expected one queue policy on IngestQueue, found {len(policies)}"]
    statements = as_list(policies[0]["Properties"]["PolicyDocument"]["Statement"])
    allows = [s for s in statements if s.get("Effect") == "Allow"]
    if not allows:
        problems.append("queue policy: the bucket is not allowed to send")
    for s in allows:
        sid = s.get("Sid", "?")
        if s.get("Principal") != {"Service": "s3.amazonaws.com"}:
            problems.append(f"queue policy {sid}: allows {s.get('Principal')!r}, not only s3.amazonaws.com")
        if set(as_list(s.get("Action"))) != {"sqs:SendMessage"}:
            problems.append(f"queue policy {sid}: allows {s.get('Action')!r}, not only sqs:SendMessage")
        condition = s.get("Condition", {})
        source_arn = text(condition.get("ArnEquals", condition.get("ArnLike", {})).get("aws:SourceArn"))
        if not source_arn.endswith(f":s3:::{bucket_name}"):
            problems.append(f"queue policy {sid}: aws:SourceArn {source_arn!r} is not the archive bucket")
        if text(condition.get("StringEquals", {}).get("aws:SourceAccount")) != "${AWS::AccountId}":
            problems.append(f"queue policy {sid}: no aws:SourceAccount condition")
    denies_others = any(
        s.get("Effect") == "Deny"
        and s.get("Principal") == "*"
        and "sqs:SendMessage" in as_list(s.get("Action"))
        and text(s.get("Condition", {}).get("ArnNotLike", {}).get("aws:SourceArn")).endswith(
            f":s3:::{bucket_name}"
        )
        for s in statements
    )
    if not denies_others:
        problems.append("queue policy: no Deny of sqs:SendMessage for senders other than the bucket")
    return problems


def _events(template: dict[str, Any], function: str, event_type: str) -> list[dict[str, Any]]:
    events = template["Resources"][function].get("Properties", {}).get("Events", {}) or {}
    return [e.get("Properties", {}) for e in events.values() if e.get("Type") == event_type]


def event_source_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    sources = _events(template, INGEST_FUNCTION, "SQS")
    if len(sources) != 1:
        return [f"{INGEST_FUNCTION}: expected one SQS event source, found {len(sources)}"]
    source = sources[0]
    if ref_target(source.get("Queue")) != "IngestQueue":
        problems.append(f"{INGEST_FUNCTION}: the SQS event source does not read IngestQueue")
    if "ReportBatchItemFailures" not in as_list(source.get("FunctionResponseTypes")):
        problems.append(f"{INGEST_FUNCTION}: no ReportBatchItemFailures (a failure would retry the batch)")
    maximum = source.get("ScalingConfig", {}).get("MaximumConcurrency")
    if maximum is None:
        problems.append(f"{INGEST_FUNCTION}: no ScalingConfig.MaximumConcurrency")
    elif not 2 <= _number(template, maximum, "MinValue") <= _number(template, maximum, "MaxValue") <= 1000:
        problems.append(f"{INGEST_FUNCTION}: MaximumConcurrency must stay within 2..1000")
    batch = _number(template, source.get("BatchSize", 10), "MaxValue")
    window_min = _number(template, source.get("MaximumBatchingWindowInSeconds", 0), "MinValue")
    if batch > 10 and window_min < 1:
        problems.append(f"{INGEST_FUNCTION}: a batch size over 10 needs a batching window of at least 1 s")
    return problems


# -- HTTP API ----------------------------------------------------------------------------------
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method"}


def api_problems(template: dict[str, Any], conditions: dict[str, bool]) -> list[str]:
    """Every route requires an authorizer of the mode ``conditions`` select; throttling and access logs."""
    problems = []
    jwt_mode = conditions["UseJwtAuth"]
    for name, api in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        props = resolve_conditions(api.get("Properties", {}), conditions)
        if "Auth" in props:
            problems.append(
                f"{name}: SAM Auth is set; the authorizer belongs in the OpenAPI body (see template)"
            )
        body = props.get("DefinitionBody")
        if not body:
            problems.append(f"{name}: no inline OpenAPI body, so the routes' authorization cannot be checked")
            continue
        schemes = body.get("components", {}).get("securitySchemes", {})
        routes = [
            (path, method, operation)
            for path, item in body.get("paths", {}).items()
            for method, operation in item.items()
            if method in _HTTP_METHODS
        ]
        if not routes:
            problems.append(f"{name}: no routes")
        for path, method, operation in routes:
            security = operation.get("security")
            if (path, method) in PUBLIC_PAGE_ROUTES and security == []:
                if "${SearchFunction.Arn}" not in str(operation.get("x-amazon-apigateway-integration")):
                    problems.append(f"{name}: public {method.upper()} {path} must go to the search function")
                continue
            if not security:
                problems.append(f"{name}: {method.upper()} {path} has no security requirement")
                continue
            for requirement in security:
                for scheme_name in requirement:
                    scheme = schemes.get(scheme_name)
                    if scheme is None:
                        problems.append(
                            f"{name}: {method.upper()} {path} uses undefined scheme {scheme_name}"
                        )
                    elif jwt_mode and scheme.get("x-amazon-apigateway-authorizer", {}).get("type") != "jwt":
                        problems.append(f"{name}: {method.upper()} {path} is not JWT-authorised in JWT mode")
                    elif not jwt_mode and scheme.get("x-amazon-apigateway-authtype") != "awsSigv4":
                        problems.append(f"{name}: {method.upper()} {path} is not IAM-authorised in IAM mode")
        if jwt_mode:
            for scheme in schemes.values():
                jwt = scheme.get("x-amazon-apigateway-authorizer", {}).get("jwtConfiguration", {})
                if not jwt.get("issuer") or not jwt.get("audience"):
                    problems.append(f"{name}: the JWT authorizer lacks an issuer or audience")
        routes_settings = props.get("DefaultRouteSettings", {})
        for key in ("ThrottlingBurstLimit", "ThrottlingRateLimit"):
            if key not in routes_settings:
                problems.append(f"{name}: DefaultRouteSettings.{key} is not set (no throttling)")
        if not props.get("AccessLogSettings", {}).get("DestinationArn"):
            problems.append(f"{name}: no access logs")

    # A function event of type Api/HttpApi would make SAM add a route outside the checked body.
    for fn in resources_of_type(template, "AWS::Serverless::Function"):
        for event_type in ("Api", "HttpApi"):
            if _events(template, fn, event_type):
                problems.append(f"{fn}: {event_type} event adds a route that bypasses the API's authorizer")
    if resources_of_type(template, "AWS::Serverless::Api") or resources_of_type(
        template, "AWS::ApiGatewayV2::Route"
    ):
        problems.append("another API/route resource exists whose authorization is not checked")
    for perm_name, perm in resources_of_type(template, "AWS::Lambda::Permission").items():
        source = text(perm["Properties"].get("SourceArn"))
        if (
            perm["Properties"].get("Principal") == "apigateway.amazonaws.com"
            and ":execute-api:" not in source
        ):
            problems.append(f"{perm_name}: API Gateway may invoke the function from any API")
    return problems


# -- IAM ---------------------------------------------------------------------------------------
def _is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def wildcard_problems(template: dict[str, Any]) -> list[str]:
    """No ``*`` action anywhere; ``*`` resources only for actions without resource-level scope."""
    problems = []
    for name, role in resources_of_type(template, "AWS::IAM::Role").items():
        for action, resource in allowed(policy_statements(role)):
            if _is_wildcard_action(action):
                problems.append(f"{name}: wildcard action {action}")
            if resource == "*" and action not in ACTIONS_WITHOUT_RESOURCE_SCOPE:
                problems.append(f"{name}: {action} on Resource '*' where a narrower resource exists")
        if role["Properties"].get("ManagedPolicyArns"):
            problems.append(f"{name}: managed policies are not scoped to this stack's resources")
    for fn in resources_of_type(template, "AWS::Serverless::Function"):
        if role_of(template, fn) is None:
            problems.append(f"{fn}: no explicit Role (SAM would generate one with Resource '*' policies)")
        if function_property(template, fn, "Policies"):
            problems.append(f"{fn}: SAM Policies given; the function's role is declared explicitly")
    return problems


def _es_resource_ok(resource: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``resource`` is the domain or one of the ``patterns`` under it, compared as
    written (a granted ``*`` or ``?`` must be one the pattern has, not one that matches it)."""
    return resource == DOMAIN_ARN or resource in {f"{DOMAIN_ARN}/{p}" for p in patterns}


# The versioned indices behind an alias: <alias>-v<N>-<20-digit timestamp>, by exact shape; N has
# one or two digits (IAM's ? is one character, and a grant must hold when MAPPING_VERSION reaches 10).
VERSIONED = ("-v?-20??????????????????", "-v??-20??????????????????")
ALIASES = ("${IndexAlias}", "${IndexAlias}-receipts")


def prefix_wildcard_problems(template: dict[str, Any]) -> list[str]:
    """No role reaches indices that merely share the alias' prefix (``${IndexAlias}*``)."""
    problems = []
    for name, role in resources_of_type(template, "AWS::IAM::Role").items():
        for action, resource in allowed(policy_statements(role)):
            if action.startswith("es:") and "${IndexAlias}*" in resource:
                problems.append(f"{name}: {action} on {resource} matches any index sharing the prefix")
    return problems


LOG_AND_TRACE_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"} | ACTIONS_WITHOUT_RESOURCE_SCOPE


def _reads_index(action: str, resource: str) -> bool:
    """GET/HEAD anywhere, or POST on an endpoint where POST only reads."""
    return action in ("es:ESHttpGet", "es:ESHttpHead") or (
        action == "es:ESHttpPost" and resource.endswith(READ_ONLY_POST_ENDPOINTS)
    )


def search_role_problems(template: dict[str, Any]) -> list[str]:
    """The search function can only read the index (and the ingest queue's counts): no index
    write/delete, no S3, no other SQS action."""
    problems = []
    role_name = role_of(template, SEARCH_FUNCTION)
    if role_name is None:
        return [f"{SEARCH_FUNCTION}: no explicit role"]
    for action, resource in allowed(policy_statements(template["Resources"][role_name])):
        service = action.split(":", 1)[0]
        if service in ("logs", "xray"):
            if action not in LOG_AND_TRACE_ACTIONS:
                problems.append(f"{role_name}: unexpected {action}")
            continue
        if (action, resource) == ("sqs:GetQueueAttributes", "${IngestQueue.Arn}"):
            continue  # /health reports the ingest backlog
        if action == "s3:ListBucket" and resource == BUCKET_ARN:
            continue  # keys and ETags only, to count queued uploads (GET /ingest/status)
        if service != "es":
            problems.append(f"{role_name}: {action} on {resource}: the search function only reads the index")
            continue
        if _reads_index(action, resource):
            continue
        problems.append(f"{role_name}: {action} on {resource} can write to or delete from the index")
    return problems


def ingest_role_problems(template: dict[str, Any]) -> list[str]:
    """The ingest function reads the bucket, consumes its queue and writes the article indices only."""
    problems = []
    role_name = role_of(template, INGEST_FUNCTION)
    if role_name is None:
        return [f"{INGEST_FUNCTION}: no explicit role"]
    for action, resource in allowed(policy_statements(template["Resources"][role_name])):
        service = action.split(":", 1)[0]
        if service == "s3":
            if action not in S3_READ_ACTIONS:
                problems.append(f"{role_name}: {action}: ingest may only read the bucket")
            if not resource.startswith("${ArchiveBucket.Arn}"):
                problems.append(f"{role_name}: {action} on {resource}, not the archive bucket")
        elif service == "sqs":
            if action not in SQS_POLLER_ACTIONS:
                problems.append(f"{role_name}: {action} is more than consuming the ingest queue")
            if resource != "${IngestQueue.Arn}":
                problems.append(f"{role_name}: {action} on {resource}, not the ingest queue")
        elif service == "es":
            allowed_paths = INGEST_ES_PATHS.get(action)
            if allowed_paths is None:
                problems.append(f"{role_name}: {action} is not needed to index")
            elif not _es_resource_ok(resource, allowed_paths):
                problems.append(f"{role_name}: {action} on {resource}, outside the article indices")
        elif service == "events":
            if action != "events:PutEvents" or resource != "${EventBus.Arn}":
                problems.append(f"{role_name}: {action} on {resource}: ingest may only publish to its bus")
        elif service == "logs":
            if resource != "${IngestLogGroup.Arn}":
                problems.append(f"{role_name}: {action} on {resource}, not its own log group")
        elif action not in ACTIONS_WITHOUT_RESOURCE_SCOPE:
            problems.append(f"{role_name}: unexpected {action}")
    return problems


# The one index write of the write role: the alerts documents by id (POST/DELETE /alerts),
# and creating the alerts index behind its alias when no bootstrap has yet.
ALERTS = "${IndexAlias}-alerts"
ALERT_WRITES = {
    "es:ESHttpPut": (
        f"{ALERTS}/_doc/*",
        f"{ALERTS}/_mapping",  # fields a newer version maps, added to an older alerts index
        *(f"{ALERTS}{shape}" for shape in VERSIONED),
        *(f"{ALERTS}{shape}/_alias/{ALERTS}" for shape in VERSIONED),
    ),
    "es:ESHttpDelete": (f"{ALERTS}/_doc/*",),
}

# What ingest may do to the engine, by method and exact path: find its aliases, create index
# versions and point the aliases at them, write through each alias' _bulk, read for idempotency.
# Nothing else: no DELETE, no _delete_by_query, no _settings/_mapping, no other index.
_HEALTH = ("", "_cluster/health")
_READS = tuple(f"{alias}/{endpoint}" for alias in ALIASES for endpoint in ("_search", "_mget"))
# Alert matching (docs/alerts.md): read the alerts, refresh the articles, one _msearch per chunk.
_MATCH_ALERTS = (f"{ALERTS}/_search", "${IndexAlias}/_msearch", "${IndexAlias}/_refresh")
# The events outbox (docs/events.md, Delivery): stored and deleted through its _bulk, read by the
# republisher's searches.
OUTBOX = "${IndexAlias}-outbox"
_OWN = (*ALIASES, ALERTS, OUTBOX)
INGEST_ES_PATHS = {
    "es:ESHttpGet": (
        *(f"_alias/{alias}" for alias in _OWN),
        *_READS,
        *_MATCH_ALERTS,
        f"{OUTBOX}/_search",
        *_HEALTH,
    ),
    "es:ESHttpHead": (*(f"_alias/{alias}" for alias in _OWN), *_HEALTH),
    "es:ESHttpPut": (
        *(f"{alias}{shape}" for alias in _OWN for shape in VERSIONED),
        *(f"{alias}{shape}/_alias/{alias}" for alias in _OWN for shape in VERSIONED),
    ),
    "es:ESHttpPost": (
        *(f"{alias}/_bulk" for alias in (*ALIASES, OUTBOX)),
        *_READS,
        *_MATCH_ALERTS,
        f"{OUTBOX}/_search",
    ),
}


S3_WRITE_PREFIXES = ("s3:Put", "s3:Delete", "s3:Restore", "s3:Replicate", "s3:Abort", "s3:Create")


# The one bucket write the stack grants: the operators' role (archive-search line-stats) puts the
# archive's line statistics under the prefix ingest acknowledges and never indexes.
RESERVED_PREFIX_WRITE = ("MaintenanceRole", "s3:PutObject", "${ArchiveBucket.Arn}/_archive-search/*")


def no_bucket_writes_problems(template: dict[str, Any]) -> list[str]:
    """Nothing in the pipeline writes to the bucket outside the reserved prefix ingest ignores, so
    no pipeline write can re-trigger ingest. The write function's puts and deletes under the write
    prefixes are uploads, not pipeline writes (write_role_problems bounds them)."""
    problems = []
    write_role = role_of(template, WRITE_FUNCTION)
    for name, role in resources_of_type(template, "AWS::IAM::Role").items():
        for action, resource in allowed(policy_statements(role)):
            if (name, action, resource) == RESERVED_PREFIX_WRITE:
                continue
            if name == write_role and action in ("s3:PutObject", "s3:DeleteObject"):
                continue
            if action.startswith(S3_WRITE_PREFIXES) or action in ("*", "s3:*"):
                problems.append(f"{name}: {action} on {resource} would let the pipeline write the bucket")
    return problems


def write_role_problems(template: dict[str, Any]) -> list[str]:
    """The write function puts and deletes objects under the write prefixes only, reads articles
    and receipts, and never writes the index, the queue or another part of the bucket."""
    problems = []
    role_name = role_of(template, WRITE_FUNCTION)
    if role_name is None:
        return [f"{WRITE_FUNCTION}: no explicit role"]
    for action, resource in allowed(policy_statements(template["Resources"][role_name])):
        if action.startswith(("logs:", "xray:")):
            if action not in LOG_AND_TRACE_ACTIONS:
                problems.append(f"{role_name}: unexpected {action}")
        elif action in ("s3:PutObject", "s3:GetObject") and resource in CLAIMS_RESOURCES:
            continue  # the Idempotency-Key claims, put and read back
        elif action in ("s3:PutObject", "s3:DeleteObject"):
            if resource not in WRITE_PREFIX_RESOURCES:
                problems.append(f"{role_name}: {action} on {resource}, outside the write prefixes")
        elif action == "s3:GetObject":
            if resource != WRITE_PREFIX_RESOURCES[0]:
                problems.append(f"{role_name}: {action} on {resource}: it reads back its own articles only")
        elif _es_resource_ok(resource, ALERT_WRITES.get(action, ())):
            continue  # the saved alerts (docs/alerts.md), and nothing else of the index
        elif action == "secretsmanager:GetSecretValue" and resource == _webhook_secret(template):
            continue  # the key webhook alerts' own secrets derive from, as the relay reads it
        elif not (action == "s3:ListBucket" and resource == BUCKET_ARN) and not _reads_index(
            action, resource
        ):
            problems.append(f"{role_name}: {action} on {resource}: the write function only writes the bucket")
    return problems


def _webhook_secret(template: dict[str, Any]) -> Any:
    """The one secret the relay's role reads (the stack's or the named one)."""
    return next(
        (
            r
            for a, r in allowed(policy_statements(template["Resources"]["RelayRole"]))
            if a.startswith("secretsmanager:")
        ),
        None,
    )


def write_route_problems(template: dict[str, Any], conditions: dict[str, bool]) -> list[str]:
    """Routes to the write function are not GET and, in JWT mode, need the archive/write scope;
    no other route reaches the write function, and the read routes never reach it."""
    problems = []
    for name, api in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        body = resolve_conditions(api.get("Properties", {}), conditions).get("DefinitionBody", {})
        for path, item in body.get("paths", {}).items():
            for method, operation in item.items():
                if method not in _HTTP_METHODS:
                    continue
                uri = text(operation.get("x-amazon-apigateway-integration", {}).get("uri"))
                if "${WriteFunction.Arn}" not in uri:
                    continue
                route = f"{method.upper()} {path}"
                if method in ("get", "head"):
                    problems.append(f"{name}: {route} is a read route sent to the write function")
                scopes = [
                    scope
                    for requirement in operation.get("security", [])
                    for scope in requirement.get("jwt", [])
                ]
                if conditions["UseJwtAuth"] and WRITE_SCOPE not in scopes:
                    problems.append(f"{name}: {route} does not require the {WRITE_SCOPE} scope")
    return problems


# -- OpenSearch domain -------------------------------------------------------------------------
def _public_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))


def domain_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    domains = resources_of_type(template, "AWS::OpenSearchService::Domain")
    if len(domains) != 1:
        return [f"expected one OpenSearch domain, found {sorted(domains)}"]
    name, domain = next(iter(domains.items()))
    if domain.get("Condition") != "CreateDomain":
        problems.append(f"{name}: must be created only when no existing endpoint is given")
    props = domain.get("Properties", {})
    if props.get("EncryptionAtRestOptions", {}).get("Enabled") is not True:
        problems.append(f"{name}: encryption at rest is not enabled")
    if props.get("NodeToNodeEncryptionOptions", {}).get("Enabled") is not True:
        problems.append(f"{name}: node-to-node encryption is not enabled")
    endpoint = props.get("DomainEndpointOptions", {})
    if endpoint.get("EnforceHTTPS") is not True:
        problems.append(f"{name}: HTTPS is not enforced")
    if endpoint.get("TLSSecurityPolicy") not in STRONG_TLS_POLICIES:
        problems.append(f"{name}: TLS policy {endpoint.get('TLSSecurityPolicy')!r} allows TLS < 1.2")
    advanced = props.get("AdvancedSecurityOptions", {})
    if advanced.get("AnonymousAuthEnabled"):
        problems.append(f"{name}: anonymous access is enabled")

    role_arns = {f"${{{r}.Arn}}" for r in resources_of_type(template, "AWS::IAM::Role")}
    statements = as_list(props.get("AccessPolicies", {}).get("Statement"))
    if not statements and "VPCOptions" not in props:
        problems.append(f"{name}: no access policy and not in a VPC")
    for s in statements:
        if s.get("Effect") != "Allow":
            continue
        sid = s.get("Sid", "?")
        principal = s.get("Principal")
        principals = {
            text(p) for p in as_list(principal.get("AWS") if isinstance(principal, dict) else principal)
        }
        restricted_to = {
            text(v) for v in as_list(s.get("Condition", {}).get("ArnEquals", {}).get("aws:PrincipalArn"))
        }
        account_gated_to_roles = (
            principals == {ACCOUNT_ROOT} and bool(restricted_to) and restricted_to <= role_arns
        )
        if _public_principal(principal) and not restricted_to:
            problems.append(f"{name}: access policy {sid} is public (Principal '*' without conditions)")
        elif not (principals <= role_arns or account_gated_to_roles):
            problems.append(
                f"{name}: access policy {sid} admits {sorted(principals)} beyond this stack's roles"
            )
        if any(_is_wildcard_action(text(a)) for a in as_list(s.get("Action"))):
            problems.append(f"{name}: access policy {sid} grants a wildcard action")
    return problems


# -- logs and environment ----------------------------------------------------------------------
def logging_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    log_groups = resources_of_type(template, "AWS::Logs::LogGroup")
    for name, group in log_groups.items():
        if "RetentionInDays" not in group.get("Properties", {}):
            problems.append(f"{name}: no retention")
    for fn in resources_of_type(template, "AWS::Serverless::Function"):
        logging_config = function_property(template, fn, "LoggingConfig") or {}
        group = ref_target(logging_config.get("LogGroup"))
        if group not in log_groups:
            problems.append(f"{fn}: does not log to a log group of this stack with retention")
    for name, api in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        target = ref_target(api["Properties"].get("AccessLogSettings", {}).get("DestinationArn"))
        if target not in log_groups:
            problems.append(f"{name}: access logs do not go to a log group of this stack with retention")
    return problems


REQUIRED_ENVIRONMENT = (
    "OPENSEARCH_URL",
    "OPENSEARCH_AUTH",
    "INDEX_ALIAS",
    "ARCHIVE_BUCKET",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "LOG_LEVEL",
)


def function_environment(template: dict[str, Any], function: str) -> dict[str, Any]:
    env = dict(template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
    env.update(
        template["Resources"][function].get("Properties", {}).get("Environment", {}).get("Variables", {})
    )
    return env


def environment_problems(template: dict[str, Any], conditions: dict[str, bool]) -> list[str]:
    problems = []
    for fn in resources_of_type(template, "AWS::Serverless::Function"):
        env = resolve_conditions(function_environment(template, fn), conditions)
        for key in REQUIRED_ENVIRONMENT:
            if key not in env:
                problems.append(f"{fn}: environment lacks {key}")
        if env.get("OPENSEARCH_AUTH") != "sigv4":
            problems.append(f"{fn}: OPENSEARCH_AUTH is {env.get('OPENSEARCH_AUTH')!r}, not sigv4")
        if not text(env.get("OPENSEARCH_URL", "")).startswith("https://"):
            problems.append(f"{fn}: OPENSEARCH_URL is not https")
    return problems


# -- transport, domain options, CORS, search environment ----------------------------------------
def tls_only_queue_problems(template: dict[str, Any]) -> list[str]:
    """Every queue (the DLQ too) denies requests that are not over TLS."""
    problems = []
    policies = resources_of_type(template, "AWS::SQS::QueuePolicy").values()
    for queue in resources_of_type(template, "AWS::SQS::Queue"):
        statements = [
            s
            for p in policies
            if queue in [ref_target(q) for q in p["Properties"]["Queues"]]
            for s in as_list(p["Properties"]["PolicyDocument"]["Statement"])
        ]
        denies_plain = any(
            s.get("Effect") == "Deny"
            and s.get("Principal") == "*"
            and "sqs:*" in as_list(s.get("Action"))
            and str(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")).lower() == "false"
            for s in statements
        )
        if not denies_plain:
            problems.append(f"{queue}: no Deny of sqs:* when aws:SecureTransport is false")
    return problems


def explicit_index_problems(template: dict[str, Any]) -> list[str]:
    """Multi-document requests may only name the index of their URL on the created domain."""
    for name, domain in resources_of_type(template, "AWS::OpenSearchService::Domain").items():
        options = domain.get("Properties", {}).get("AdvancedOptions", {})
        if str(options.get("rest.action.multi.allow_explicit_index")).lower() != "false":
            return [f"{name}: rest.action.multi.allow_explicit_index is not false"]
    return []


def cors_problems(template: dict[str, Any]) -> list[str]:
    """CORS origins come from the CorsAllowedOrigins parameter (default: none) only."""
    problems = []
    parameter = template["Parameters"].get("CorsAllowedOrigins", {})
    if parameter.get("Default") != "":
        problems.append("CorsAllowedOrigins: the default must allow no origin")
    for name, api in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        cors = api["Properties"].get("DefinitionBody", {}).get("x-amazon-apigateway-cors")
        branches = cors.get("Fn::If") if isinstance(cors, dict) else None
        if not branches or branches[0] != "AllowCorsOrigins":
            problems.append(f"{name}: CORS is not configured from CorsAllowedOrigins")
            continue
        if ref_target(branches[1].get("allowOrigins")) != "CorsAllowedOrigins":
            problems.append(f"{name}: CORS origins are not the CorsAllowedOrigins parameter")
        if branches[2] != {"Ref": "AWS::NoValue"}:
            problems.append(f"{name}: without origins CORS must be off")
        if branches[1].get("allowCredentials"):
            problems.append(f"{name}: CORS allows credentials")
    return problems


def search_environment_problems(template: dict[str, Any]) -> list[str]:
    """The search function: no response in traces, cursors keyed from the stack's secret, the
    ingest queue for /health."""
    problems = []
    env = function_environment(template, SEARCH_FUNCTION)
    if str(env.get("POWERTOOLS_TRACER_CAPTURE_RESPONSE")).lower() != "false":
        problems.append(f"{SEARCH_FUNCTION}: X-Ray captures responses (article bodies)")
    secret = env.get("CURSOR_SECRET")
    # Versionless, or (CursorSecretVersionId set) a version of the same secret.
    branches = secret["Fn::If"][1:] if isinstance(secret, dict) and "Fn::If" in secret else [secret]
    if not all(text(b).startswith("{{resolve:secretsmanager:${CursorSecret}:SecretString") for b in branches):
        problems.append(f"{SEARCH_FUNCTION}: CURSOR_SECRET is not the stack's CursorSecret")
    if ref_target(env.get("INGEST_QUEUE_URL")) != "IngestQueue":
        problems.append(f"{SEARCH_FUNCTION}: INGEST_QUEUE_URL is not the ingest queue")
    return problems

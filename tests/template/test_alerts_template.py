"""template.yaml for the alerts (docs/alerts.md): the write function's role writes the alerts'
documents and no other index, the alert writes need the write scope, the search role reads alerts,
ingest may read alerts and run them."""

from __future__ import annotations

import copy

import pytest

from tests.template import checks
from tests.template.cfn import allowed, condition_values, load_template, policy_statements, text

pytestmark = pytest.mark.template

JWT = {"AuthMode": "JWT", "JwtIssuer": "https://issuer.example", "JwtAudience": ["app-client-id"]}


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def grants(template: dict, role: str) -> set[tuple[str, str]]:
    return {
        (action, resource.removeprefix(checks.DOMAIN_ARN + "/"))
        for action, resource in allowed(policy_statements(template["Resources"][role]))
    }


def test_the_write_role_saves_and_deletes_alert_documents_and_the_search_role_reads_them(
    template: dict,
) -> None:
    write = grants(template, "WriteRole")
    assert {
        ("es:ESHttpPut", "${IndexAlias}-alerts/_doc/*"),
        ("es:ESHttpDelete", "${IndexAlias}-alerts/_doc/*"),
        ("es:ESHttpGet", "${IndexAlias}-alerts/_count"),
        ("es:ESHttpGet", "_alias/${IndexAlias}-alerts"),
        ("es:ESHttpPut", "${IndexAlias}-alerts-v?-20??????????????????"),
    } <= write
    assert {(a, r) for a, r in write if a in ("es:ESHttpPut", "es:ESHttpDelete")} <= {
        (action, path) for action, paths in checks.ALERT_WRITES.items() for path in paths
    }
    assert checks.write_role_problems(template) == []
    search = grants(template, "SearchRole")
    assert {
        ("es:ESHttpPost", "${IndexAlias}-alerts/_search"),
        ("es:ESHttpGet", "${IndexAlias}-alerts/_doc/*"),
    } <= search
    assert checks.search_role_problems(template) == []


@pytest.mark.parametrize(
    ("role", "action", "path"),
    [
        ("WriteRole", "es:ESHttpPut", "${IndexAlias}/_doc/*"),
        ("WriteRole", "es:ESHttpDelete", "${IndexAlias}-receipts/_doc/*"),
        ("SearchRole", "es:ESHttpPut", "${IndexAlias}-alerts/_doc/*"),
    ],
)
def test_the_role_checks_catch_an_index_write_beside_the_alerts(
    template: dict, role: str, action: str, path: str
) -> None:
    mutable = copy.deepcopy(template)
    statements = mutable["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    resource = {"Fn::Sub": f"{checks.DOMAIN_ARN}/{path}"}
    statements.append({"Effect": "Allow", "Action": action, "Resource": resource})
    check = checks.write_role_problems if role == "WriteRole" else checks.search_role_problems
    (problem,) = check(mutable)
    assert problem.startswith(f"{role}: {action} on ")


def test_ingest_reads_the_alerts_and_runs_them_on_the_article_alias(template: dict) -> None:
    ingest = grants(template, "IngestRole")
    assert {
        ("es:ESHttpPost", "${IndexAlias}-alerts/_search"),
        ("es:ESHttpPost", "${IndexAlias}/_msearch"),
        ("es:ESHttpPost", "${IndexAlias}/_refresh"),
        ("es:ESHttpPut", "${IndexAlias}-alerts-v?-20??????????????????"),
    } <= ingest
    assert not {(a, r) for a, r in ingest if "alerts/_doc" in r or a == "es:ESHttpDelete"}
    assert checks.ingest_role_problems(template) == []


def test_saving_deleting_and_rotating_alerts_go_to_the_write_function_with_the_write_scope(
    template: dict,
) -> None:
    conditions = condition_values(template, **JWT)
    assert checks.write_route_problems(template, conditions) == []
    paths = template["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]
    for path, method in (
        ("/alerts", "post"),
        ("/alerts/{id}", "delete"),
        ("/alerts/{id}/webhook-secret", "post"),
    ):
        assert set(paths[path]) == {method}
        assert "${WriteFunction.Arn}" in text(paths[path][method]["x-amazon-apigateway-integration"]["uri"])

    mutable = copy.deepcopy(template)
    post = mutable["Resources"]["SearchApi"]["Properties"]["DefinitionBody"]["paths"]["/alerts"]["post"]
    post["security"]["Fn::If"][1] = [{"jwt": []}]
    assert checks.write_route_problems(mutable, conditions)


def test_api_gateway_may_invoke_the_write_function_for_the_alert_writes(template: dict) -> None:
    sources = {
        text(resource["Properties"]["SourceArn"]).rsplit("}", 1)[1]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"]["FunctionName"] == {"Ref": "WriteFunction"}
    }
    assert {"/*/POST/*", "/*/DELETE/alerts/*"} <= sources

"""The lazy tracer turns tracing on exactly where Powertools' Tracer would, and passes functions
through unchanged where it is off (without building a Tracer, which imports the X-Ray SDK)."""

from __future__ import annotations

import itertools

import pytest
from aws_lambda_powertools.tracing.tracer import Tracer

from archive_search.observability import LazyTracer, tracing_enabled

pytestmark = pytest.mark.unit

VARIABLES = {
    "LAMBDA_TASK_ROOT": [None, "/var/task"],
    "POWERTOOLS_TRACE_DISABLED": [None, "true", "1", "false"],
    "AWS_SAM_LOCAL": [None, "true"],
    "AWS_CHALICE_CLI_MODE": [None, "true"],
}


@pytest.mark.parametrize("values", list(itertools.product(*VARIABLES.values())))
def test_tracing_is_enabled_exactly_where_powertools_enables_it(
    values: tuple[str | None, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {name: value for name, value in zip(VARIABLES, values, strict=True) if value is not None}
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert tracing_enabled(environ) is (not Tracer._is_tracer_disabled())


def test_without_tracing_the_decorators_return_the_function_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAMBDA_TASK_ROOT", raising=False)
    tracer = LazyTracer("test")

    def handler(event: dict, context: object) -> str:
        return "done"

    assert tracer.capture_lambda_handler(handler) is handler
    assert tracer.capture_method(handler) is handler
    assert tracer.capture_method()(handler) is handler
    tracer.put_annotation("key", "value")
    assert tracer._tracer is None

"""Lambda adapter: invoking a function asynchronously (``archive-search redrive-relay``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from archive_search.errors import EngineUnavailable, NotFound


@lru_cache(maxsize=1)
def cached_lambda_client():  # type: ignore[no-untyped-def]
    return boto3.client("lambda")


def invoke_async(function_name: str, payload: str, *, client: Any = None) -> None:
    """Queue one asynchronous invocation of ``function_name`` with ``payload``; returns once
    Lambda accepted it (its own retries and dead-letter queue then apply)."""
    functions = client or cached_lambda_client()
    try:
        functions.invoke(FunctionName=function_name, InvocationType="Event", Payload=payload.encode())
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise NotFound(f"no function {function_name}") from exc
        raise EngineUnavailable(f"Lambda error {code} invoking {function_name}") from exc
    except BotoCoreError as exc:
        raise EngineUnavailable(f"Lambda unreachable invoking {function_name}: {exc}") from exc

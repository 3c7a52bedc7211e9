"""A handler module for the HTTP front's environments: answers with its process id after
``?sleep=`` seconds."""

from __future__ import annotations

import json
import os
import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(float((event.get("queryStringParameters") or {}).get("sleep", "0")))
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"pid": os.getpid()}),
    }

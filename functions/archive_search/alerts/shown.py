"""What a caller of the alert routes sees of a webhook's URL.

A webhook URL is often a bearer secret (a Slack, Teams or Discord incoming-webhook URL, a token
in the query): whoever holds it can post into that channel. The full URL is shown only to a
caller that may write alerts; any other reader gets the scheme, host and port, and a
fingerprint to tell two URLs apart.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlparse

WRITE_SCOPE = "archive/write"
FINGERPRINT_HEX = 12
_SCOPE_SEPARATOR_RE = re.compile(r"[\s,\[\]]+")


def may_write_alerts(event: dict[str, Any]) -> bool:
    """Whether the caller of this API Gateway (HTTP API, payload 2.0) event may write alerts.

    JWT: the token carries ``archive/write``, the scope the write routes require. IAM: never, as
    the event names the principal, not whether its policy allows the write routes, and a policy
    allowing only the read routes is how a reader is made. No authorizer: ``make run``, which
    authenticates no one and takes anyone's ``POST /alerts`` (in AWS every route that reaches
    the alert routes has an authorizer)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer")
    if not authorizer:
        return True
    jwt = authorizer.get("jwt")
    return isinstance(jwt, dict) and WRITE_SCOPE in _scopes(jwt)


def _scopes(jwt: dict[str, Any]) -> set[str]:
    # API Gateway lists "scopes" only on a route that requires some (the read routes require
    # none); the token's "scope" (Cognito, RFC 9068) or "scp" claim holds them either way, a
    # string as API Gateway passes every claim: "a b", or "[a b]" for a list.
    listed = set(jwt.get("scopes") or [])
    claims = jwt.get("claims") or {}
    for name in ("scope", "scp"):
        listed |= set(_SCOPE_SEPARATOR_RE.split(str(claims.get(name) or ""))) - {""}
    return listed


def fingerprint(url: str) -> str:
    """The first hex digits of the full URL's SHA-256: equal for equal URLs, stable across reads."""
    return hashlib.sha256(url.encode()).hexdigest()[:FINGERPRINT_HEX]


def redacted(url: str) -> str:
    """The URL's scheme, host and port; its path and query (where the secret is) as ``…``."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    host = f"[{host}]" if ":" in host else host
    try:
        port = f":{parsed.port}" if parsed.port is not None else ""
    except ValueError:  # a port an earlier version stored unchecked: not shown
        port = ""
    return f"{parsed.scheme}://{host}{port}/…"


def shown(alert: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """The alert as the API answers it: the URL's fingerprint always, the URL itself in full or
    redacted."""
    url = alert.get("webhook_url")
    if url is None:
        return {**alert, "webhook_url_sha256": None}
    return {**alert, "webhook_url": url if full else redacted(url), "webhook_url_sha256": fingerprint(url)}

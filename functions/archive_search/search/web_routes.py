"""The search page and the feeds: routes the search API includes.

- ``GET /``: the page (``web/index.html``), with a Content-Security-Policy that allows only
  the function's own scripts and styles (no inline script, nothing from another origin).
- ``GET /web/{file}``: the page's script and stylesheet, a fixed list of package files.
- ``GET /feed``: ``/search`` with the same parameters, newest indexed (or published) first, as
  Atom or JSON Feed.

The feed route takes exactly the parameters of the search route (its signature is the
search route's, read when the router is made), so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from archive_search.errors import NotFound
from archive_search.search.feed import (
    ATOM_TYPE,
    DEFAULT_ORDER,
    FEED_FIELDS,
    FEED_IGNORED_PARAMETERS,
    FEED_SORTS,
    JSON_FEED_TYPE,
    FeedLinks,
    atom,
    feed_id,
    feed_language,
    feed_title,
    json_feed,
)
from archive_search.search.http import base_path

PAGE_TYPE = "text/html; charset=utf-8"
ASSET_TYPES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
# Search parameters a feed accepts but does not use: its order (``order``) sets the sort, and it
# is one page of hits.
FEED_IGNORES = {"facets": None, "fields": list(FEED_FIELDS)}
# The local stack's S3 (moto) listens on loopback: a page served from loopback may upload there.
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

router = Router()


@cache
def _web_file(name: str) -> bytes:
    return (files("archive_search") / "web" / name).read_bytes()


def _is_loopback(host: str) -> bool:
    try:
        return urlsplit(f"//{host}").hostname in _LOOPBACK_HOSTS
    except ValueError:
        return False


def content_security_policy(host: str) -> str:
    """Scripts and styles from the function only; fetches to the API itself and to S3 (the
    presigned uploads), and to loopback when the page itself is served from loopback."""
    uploads = "https://*.amazonaws.com" + (
        " http://127.0.0.1:* http://localhost:*" if _is_loopback(host) else ""
    )
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {uploads}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _host() -> str:
    event = router.current_event
    return event.headers.get("host") or event.request_context.domain_name or "localhost"


def _origin() -> str:
    # API Gateway tells the function the scheme the client used; the local front speaks http.
    # Any other value is a client's own header, and would make every link of a feed another scheme.
    forwarded = router.current_event.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else "http"
    return f"{scheme}://{_host()}"


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _none_match(condition: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag``: ``*``, or one of its comma-separated tags,
    compared weakly (RFC 9110 13.1.2: a ``W/`` prefix is ignored, as a compressing CDN adds it)."""
    if not condition:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in condition.split(",")]
    return "*" in tags or etag in tags


def _static(body: bytes, content_type: str, extra: dict[str, str] | None = None) -> Response:
    etag = _etag(body)
    # The route gzips for a client that accepts it: a cache must keep each encoding apart
    # (Vary), and the one tag naming both is weak (the same content in other bytes).
    headers = {"ETag": f"W/{etag}", "Vary": "Accept-Encoding", "Cache-Control": "no-cache", **(extra or {})}
    if _none_match(router.current_event.headers.get("if-none-match"), etag):
        # No body at all: a compressed empty body would be bytes after a 304, which has none.
        return Response(status_code=304, headers=headers, body=None)
    return Response(status_code=200, content_type=content_type, body=body.decode(), headers=headers)


@router.get("/", include_in_schema=False, compress=True)
def page():
    return _static(
        _web_file("index.html"),
        PAGE_TYPE,
        {
            "Content-Security-Policy": content_security_policy(_host()),
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        },
    )


@router.get("/web/<name>", include_in_schema=False, compress=True)
def asset(name: Annotated[str, Path()]):
    if name not in ASSET_TYPES:
        raise NotFound(f"no such file: /web/{name}")
    return _static(_web_file(name), ASSET_TYPES[name])


def feed_router(search: Callable[..., dict[str, Any]], middlewares: Sequence[Any]) -> Router:
    """A router with ``GET /feed``: ``search`` (the /search answer as data, with the route's
    parameters) plus ``format``, its answer rendered as a feed."""
    feeds = Router()
    search_parameters = inspect.signature(search, eval_str=True).parameters.values()
    format_parameter = inspect.Parameter(
        "format",
        inspect.Parameter.KEYWORD_ONLY,
        default="atom",
        annotation=Annotated[
            Literal["atom", "json"], Query(description="atom (Atom 1.0) or json (JSON Feed 1.1)")
        ],
    )
    order_parameter = inspect.Parameter(
        "order",
        inspect.Parameter.KEYWORD_ONLY,
        default=DEFAULT_ORDER,
        annotation=Annotated[
            Literal["indexed", "published"],
            Query(
                description="indexed: newest indexed first, so a follower sees every new match "
                "whatever its date; published: newest published first"
            ),
        ],
    )

    def feed(**arguments: Any) -> Response:
        feed_format, order = arguments.pop("format"), arguments.pop("order")
        result = search(**{**arguments, **FEED_IGNORES, "sort": FEED_SORTS[order]})
        return _feed_response(result, feed_format, order)

    # Powertools reads a route's parameters with inspect.signature, which honours __signature__
    # (docs/api.md, "Powertools version"; tests/unit/search/test_powertools_internals.py).
    feed.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in search_parameters]
        + [format_parameter, order_parameter]
    )
    feeds.get(
        "/feed",
        summary="The search as a feed: Atom 1.0 or JSON Feed 1.1, newest indexed first",
        description=(
            "Takes the parameters of /search plus format and order; sort, facets and fields are "
            "accepted and ignored (order sets the feed's order). Entries link to the article on the search page; "
            "the next page is the feed's next link (Atom rel=next, JSON Feed next_url)."
        ),
        responses={
            200: {
                "description": "The feed",
                "content": {
                    "application/atom+xml": {"schema": {"type": "string"}},
                    "application/feed+json": {"schema": {"type": "object"}},
                },
            }
        },
        middlewares=list(middlewares),
    )(feed)
    return feeds


def _feed_response(result: dict[str, Any], feed_format: str, order: str) -> Response:
    event = router.current_event
    requested = parse_qs(event.raw_query_string or "", keep_blank_values=True)
    parameters = {k: v for k, v in requested.items() if k not in FEED_IGNORED_PARAMETERS}
    origin = _origin() + base_path(event)

    def url(path: str, query: dict[str, list[str]]) -> str:
        encoded = urlencode(query, doseq=True)
        return f"{origin}{path}" + (f"?{encoded}" if encoded else "")

    search_state = {k: v for k, v in parameters.items() if k not in ("format", "order", "cursor", "page")}
    next_url = None
    if result.get("next_cursor"):
        # The order is spelled out: the cursor belongs to it, whatever the default may become.
        next_query = {
            **search_state,
            "format": [feed_format],
            "order": [order],
            "cursor": [result["next_cursor"]],
        }
        next_url = url("/feed", next_query)
    links = FeedLinks(
        self_url=url("/feed", parameters),
        page_url=url("/", search_state),
        next_url=next_url,
        article_url=lambda article_id: url("/", {"article": [article_id]}),
    )
    title = feed_title(search_state)
    # The tag names what the feed says (its format, order, links and hits), not the rendered bytes: an
    # empty Atom feed's updated time is the request's, which would make every poll a download.
    state = json.dumps(
        [feed_format, order, title, links.self_url, links.next_url, result.get("hits")], default=str
    )
    etag = _etag(state.encode())
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _none_match(event.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers, body=None)
    language = feed_language(result.get("hits") or [], search_state)
    if feed_format == "json":
        body = json.dumps(
            json_feed(result, title, links, language=language, order=order),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return Response(status_code=200, content_type=JSON_FEED_TYPE, body=body, headers=headers)
    body = atom(
        result, title, links, datetime.now(UTC), feed_id(search_state, order), language=language, order=order
    )
    return Response(status_code=200, content_type=ATOM_TYPE, body=body, headers=headers)

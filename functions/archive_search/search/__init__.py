"""Search: the q language, query building, the service and the HTTP API."""

from archive_search.search.query import parse_query
from archive_search.search.request import SearchRequest
from archive_search.search.service import SearchService

__all__ = ["SearchRequest", "SearchService", "parse_query"]

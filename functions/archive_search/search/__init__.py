"""Search: the q language, query building, the service and the HTTP API."""

from archive_search.search.request import SearchRequest
from archive_search.search.service import SearchService
from archive_search.search.syntax import parse_query

__all__ = ["SearchRequest", "SearchService", "parse_query"]

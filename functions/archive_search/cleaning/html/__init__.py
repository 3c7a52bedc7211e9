"""HTML pages -> one Article (``extract_html``).

- ``parse``: one bounded parse of the page;
- ``metadata``: the page's own metadata, one extractor per field;
- ``trafilatura_steps``: trafilatura's main-content steps, for its pinned version;
- ``lines``: its tree -> lines with their link share;
- ``boundaries``: the article's boundaries and residual boilerplate;
- ``fallbacks``: what is tried when that keeps too little;
- ``extract``: the entry point composing them.
"""

from archive_search.cleaning.html.extract import extract_html

__all__ = ["extract_html"]

"""Saved searches and alerts (docs/alerts.md).

- ``bounds``: every bound of alerts, plain constants (ingest reads them too);
- ``model``: what ``POST /alerts`` accepts (validated, bounded) and how an alert is stored;
- ``store``: create, read, list and delete alerts in the ``<alias>-alerts`` index;
- ``matcher``: at ingest, runs every alert against the batch's new articles in multi-searches
  and publishes one ``Alert Matched`` event per (alert, article);
- ``routes``: the HTTP routes, a Powertools ``Router`` the API includes.
"""

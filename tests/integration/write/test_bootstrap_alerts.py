"""``archive-search bootstrap`` brings an alerts index an earlier version made up to the
current mapping, as it does the receipts index."""

from __future__ import annotations

import copy

import pytest

from archive_search.cli import main
from archive_search.index_schema import ALERT_MAPPINGS, alerts_index_body

pytestmark = pytest.mark.integration


def test_bootstrap_adds_the_alert_id_field_to_an_alerts_index_made_before_it(api) -> None:
    older = copy.deepcopy(alerts_index_body())
    del older["mappings"]["properties"]["alert_id"]
    api.rig.engine.ensure_index(api.rig.settings.alerts_alias, older)

    assert main(["bootstrap"]) == 0

    mapping = api.rig.engine.client.indices.get_mapping(index=api.rig.settings.alerts_alias)
    [properties] = [m["mappings"]["properties"] for m in mapping.values()]
    assert properties["alert_id"] == ALERT_MAPPINGS["properties"]["alert_id"]

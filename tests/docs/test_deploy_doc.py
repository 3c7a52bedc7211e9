"""docs/deploy.md's tables name every parameter and output of template.yaml, so a deployer
reading them sees every setting the stack takes and everything it gives back."""

from __future__ import annotations

import re

import pytest

from tests.docs.commands import ROOT
from tests.template.cfn import load_template

pytestmark = pytest.mark.unit


def _first_column(heading: str, table_head: str) -> set[str]:
    """The names in the first column of the table starting ``| <table_head> |`` under ``## <heading>``."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"| {table_head} |", 1)[1].split("\n\n", 1)[0]
    return {
        name for cell in re.findall(r"^\| (.+?) \|", table, re.M) for name in re.findall(r"`(\w+)`", cell)
    }


def test_the_parameters_table_names_every_template_parameter() -> None:
    parameters = set(load_template()["Parameters"])

    assert len(parameters) >= 10
    assert parameters - _first_column("Parameters", "Parameter") == set()


def test_the_outputs_table_names_every_template_output() -> None:
    outputs = set(load_template()["Outputs"])

    assert len(outputs) >= 5
    assert outputs - _first_column("Deploy", "Output") == set()


def test_the_alarms_table_names_every_template_alarm() -> None:
    resources = load_template()["Resources"].items()
    alarms = {name for name, res in resources if res["Type"] == "AWS::CloudWatch::Alarm"}

    assert len(alarms) >= 5
    assert alarms - _first_column("Alarms", "Alarm") == set()

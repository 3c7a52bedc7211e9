"""Reading template.yaml the way CloudFormation does, far enough to assert on it.

- ``load_template`` parses YAML with the short-form intrinsic tags (``!Ref``, ``!GetAtt``, ``!Sub``,
  ``!If``, ...) turned into their long forms (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``).
- ``resolve_conditions`` picks the branch of every ``Fn::If`` for a given set of parameter values
  (and drops ``AWS::NoValue``), so a property can be checked in each deployment mode.
- ``text`` renders a value to a comparable string (``!Sub`` templates as written, ``Ref``/``GetAtt``
  as ``${Name}``/``${Name.Attr}``), so resource ARNs can be matched without evaluating them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO / "template.yaml"

# Short-form tags whose long form is not simply "Fn::<Tag>".
_SPECIAL_TAGS = {"Ref": "Ref", "Condition": "Condition"}


class _CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation's short-form intrinsic function tags."""


def _construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    key = _SPECIAL_TAGS.get(tag_suffix, f"Fn::{tag_suffix}")
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {key: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return parse_template(path.read_text(encoding="utf-8"))


def parse_template(source: str) -> dict[str, Any]:
    return yaml.load(source, Loader=_CloudFormationLoader)


# -- parameters and conditions ---------------------------------------------------------------
def parameter_values(template: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Every parameter's default, with ``overrides`` applied (as CloudFormation would see them)."""
    values: dict[str, Any] = {}
    for name, spec in template.get("Parameters", {}).items():
        default = spec.get("Default")
        if spec.get("Type") == "CommaDelimitedList" and isinstance(default, str):
            default = default.split(",")
        values[name] = default
    values.update(overrides)
    return values


def _evaluate(expr: Any, template: dict[str, Any], params: dict[str, Any]) -> Any:
    if isinstance(expr, dict) and len(expr) == 1:
        ((key, arg),) = expr.items()
        if key == "Ref":
            return params.get(arg, expr)
        if key == "Fn::Equals":
            left, right = (_evaluate(a, template, params) for a in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not _evaluate(arg[0], template, params)
        if key == "Fn::And":
            return all(_evaluate(a, template, params) for a in arg)
        if key == "Fn::Or":
            return any(_evaluate(a, template, params) for a in arg)
        if key == "Fn::Contains":  # Rules only: a list of strings holds the string
            values, value = (_evaluate(a, template, params) for a in arg)
            return str(value) in {str(v) for v in values}
        if key == "Condition":
            return _evaluate(template["Conditions"][arg], template, params)
    return expr


def rules_allow(template: dict[str, Any], **overrides: Any) -> bool:
    """Whether the template's Rules accept these parameter values (each rule whose condition
    holds must have every assertion true)."""
    params = parameter_values(template, **overrides)
    return all(
        all(_evaluate(a["Assert"], template, params) for a in rule["Assertions"])
        for rule in template.get("Rules", {}).values()
        if _evaluate(rule.get("RuleCondition", True), template, params)
    )


def condition_values(template: dict[str, Any], **overrides: Any) -> dict[str, bool]:
    params = parameter_values(template, **overrides)
    return {
        name: bool(_evaluate(expr, template, params)) for name, expr in template.get("Conditions", {}).items()
    }


_NO_VALUE = object()


def resolve_conditions(value: Any, conditions: dict[str, bool]) -> Any:
    """``value`` with every ``Fn::If`` replaced by its chosen branch and ``AWS::NoValue`` removed."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, when_true, when_false = node["Fn::If"]
                return walk(when_true if conditions[name] else when_false)
            if node == {"Ref": "AWS::NoValue"}:
                return _NO_VALUE
            out = {}
            for key, item in node.items():
                resolved = walk(item)
                if resolved is not _NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(node, list):
            return [r for r in (walk(item) for item in node) if r is not _NO_VALUE]
        return node

    return walk(copy.deepcopy(value))


def resolved_template(template: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The template as deployed with these parameter values: conditional resources that would not
    be created are removed and every ``Fn::If`` is resolved."""
    conditions = condition_values(template, **overrides)
    out = resolve_conditions(template, conditions)
    out["Resources"] = {
        name: res
        for name, res in out["Resources"].items()
        if "Condition" not in res or conditions[res["Condition"]]
    }
    return out


# -- reading values ----------------------------------------------------------------------------
def text(value: Any) -> str:
    """A comparable rendering of a scalar-ish value (see module docstring); "" for a missing one."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return "${" + arg + "}"
        if key == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else arg.split(".", 1)
            return "${" + ".".join(parts) + "}"
        if key == "Fn::Sub":
            return arg if isinstance(arg, str) else arg[0]
    return repr(value)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res.get("Type") == resource_type}


def ref_target(value: Any) -> str | None:
    """The logical id a ``Ref``/``GetAtt`` points at (``None`` for anything else)."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return arg
        if key == "Fn::GetAtt":
            return (arg if isinstance(arg, list) else arg.split(".", 1))[0]
    return None


def function_property(template: dict[str, Any], function: str, name: str) -> Any:
    """A function property, falling back to ``Globals.Function`` as SAM does."""
    props = template["Resources"][function].get("Properties", {})
    if name in props:
        return props[name]
    return template.get("Globals", {}).get("Function", {}).get(name)


def role_of(template: dict[str, Any], function: str) -> str | None:
    return ref_target(function_property(template, function, "Role"))


def policy_statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement of a role's inline policies, Action/Resource normalised to lists of text."""
    statements = []
    for policy in role.get("Properties", {}).get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            statements.append(
                {
                    **statement,
                    "Action": [text(a) for a in as_list(statement.get("Action"))],
                    "Resource": [text(r) for r in as_list(statement.get("Resource"))],
                }
            )
    return statements


def allowed(statements: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(action, resource) pairs granted by the Allow statements."""
    return [
        (action, resource)
        for s in statements
        if s.get("Effect") == "Allow"
        for action in s["Action"]
        for resource in s["Resource"]
    ]


def checkov_skips(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(resource, check id, comment) of every ``Metadata.checkov.skip`` entry."""
    found = []
    for name, res in template["Resources"].items():
        for skip in as_list(res.get("Metadata", {}).get("checkov", {}).get("skip")):
            found.append((name, str(skip.get("id", "")), str(skip.get("comment", "") or "")))
    return found

"""Variable names and scopes."""
from __future__ import annotations

from typing import Any

import pytest
from semantic_helpers import END, LAMBDA, assert_clean, assert_only, machine, one_state, run

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED

SVF = SCHEMA_VALIDATION_FAILED


def assigning(assign: dict[str, Any], **top: Any) -> dict[str, Any]:
    return one_state({"Type": "Pass", "Assign": assign, "End": True}, **top)


@pytest.mark.parametrize("name", ["x", "camelCase", "with_underscore", "n2", "café", "变量",
                                  "a" * 80])
def test_valid_names(name: str) -> None:
    assert_clean(assigning({name: 1}))


@pytest.mark.parametrize("name, message", [
    ("states", "reserved"), ("2x", "not valid"), ("a-b", "not valid"), ("$x", "not valid"),
    ("_x", "not valid"), ("", "not valid"), ("a.b", "not valid"), ("a" * 81, "81 characters"),
])
def test_invalid_names(name: str, message: str) -> None:
    assert_only(assigning({name: 1}), SVF, f"/States/S/Assign/{name}".replace("~", "~0"), "S",
                message)


def test_jsonpath_dollar_suffix_names_the_variable() -> None:
    assert_clean(assigning({"x.$": "$.a"}))
    assert_only(assigning({"states.$": "$.a"}), SVF, "/States/S/Assign/states.$", "S", "reserved")


def test_jsonata_keys_are_names_as_written() -> None:
    assert_only(assigning({"x.$": 1}, QueryLanguage="JSONata"), SVF, "/States/S/Assign/x.$", "S",
                "not valid")


def test_choice_rule_and_catcher_assign_names() -> None:
    doc = machine({
        "C": {"Type": "Choice", "Default": "T", "Assign": {"ok": 1},
              "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "T",
                           "Assign": {"bad-name": 1}}]},
        "T": {"Type": "Task", "Resource": LAMBDA, "End": True,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "E", "Assign": {"states": 1}}]},
        "E": END})
    assert [d.location for d in run(doc)] == ["/States/C/Choices/0/Assign/bad-name",
                                              "/States/T/Catch/0/Assign/states"]


def branch_assigning(name: str) -> dict[str, Any]:
    return machine({"B": {"Type": "Pass", "Assign": {name: 2}, "End": True}})


def test_inner_scope_must_not_reassign_an_outer_name() -> None:
    doc = machine({
        "A": {"Type": "Pass", "Assign": {"total": 1}, "Next": "P"},
        "P": {"Type": "Parallel", "End": True, "Branches": [branch_assigning("total")]}})
    assert_only(doc, SVF, "/States/P/Branches/0/States/B/Assign/total", "B", "outer scope")


def test_outer_name_assigned_after_the_inner_one_still_counts() -> None:
    doc = machine({
        "M": {"Type": "Map", "Next": "Z", "ItemProcessor": branch_assigning("v")},
        "Z": {"Type": "Pass", "Assign": {"v": 1}, "End": True}})
    assert_only(doc, SVF, "/States/M/ItemProcessor/States/B/Assign/v", "B")


def test_two_levels_deep() -> None:
    inner = machine({"P2": {"Type": "Parallel", "End": True,
                            "Branches": [branch_assigning("deep")]}})
    doc = machine({"A": {"Type": "Pass", "Assign": {"deep.$": "$.x"}, "Next": "P"},
                   "P": {"Type": "Parallel", "End": True, "Branches": [inner]}})
    assert_only(doc, SVF, "/States/P/Branches/0/States/P2/Branches/0/States/B/Assign/deep", "B")


def test_siblings_and_catcher_on_the_container_may_share_names() -> None:
    doc = machine({
        "P": {"Type": "Parallel", "Next": "E",
              "Branches": [branch_assigning("v"), machine({"B2": {"Type": "Pass",
                                                                  "Assign": {"v": 3},
                                                                  "End": True}})],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "E", "Assign": {"w": 1}}]},
        "E": END})
    assert_clean(doc)


def test_catcher_assign_on_the_container_is_in_the_outer_scope() -> None:
    doc = machine({
        "P": {"Type": "Parallel", "Next": "E", "Branches": [branch_assigning("err")],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "E", "Assign": {"err": 1}}]},
        "E": END})
    assert_only(doc, SVF, "/States/P/Branches/0/States/B/Assign/err", "B")

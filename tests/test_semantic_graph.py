"""Graph, name, label and nesting checks."""
from __future__ import annotations

from typing import Any

from semantic_helpers import END, SUCCEED, assert_clean, assert_has, assert_only, machine, run

from workflow.diagnostics import (DUPLICATE_LABEL_NAME, DUPLICATE_STATE_NAME,
                                  INVALID_LABEL_NAME, INVALID_STATE_NAME, MISSING_END_STATE,
                                  MISSING_TRANSITION_TARGET, TOO_DEEPLY_NESTED)
from workflow.validation.graph import MAX_MACHINE_DEPTH

MISSING = MISSING_TRANSITION_TARGET


def parallel(*branches: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), **extra}


def map_state(processor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, **extra}


def test_valid_graph_with_every_transition_kind_is_clean() -> None:
    assert_clean(machine({
        "C": {"Type": "Choice", "Default": "T",
              "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "P"}]},
        "P": parallel(machine({"B": END}), Next="T"),
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "M",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
        "M": map_state(machine({"I": SUCCEED}), End=True),
        "F": {"Type": "Fail"},
    }))


def test_start_at_missing() -> None:
    assert_has(machine({"A": END}, start="Nope"), MISSING, "/StartAt", None,
               "Missing 'Next' target: Nope")


def test_start_at_missing_in_branch_names_the_parallel() -> None:
    doc = machine({"P": parallel({"StartAt": "X", "States": {"B": END}}, End=True)})
    assert_has(doc, MISSING, "/States/P/Branches/0/StartAt", "P", "Missing 'Next' target: X")


def test_next_missing() -> None:
    assert_has(machine({"A": {"Type": "Pass", "Next": "Nope"}, "B": END}, start="A"),
               MISSING, "/States/A/Next", "A", "Missing 'Next' target: Nope")


def test_default_missing() -> None:
    doc = machine({"C": {"Type": "Choice", "Default": "Nope",
                         "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "E"}]},
                   "E": END})
    assert_only(doc, MISSING, "/States/C/Default", "C", "Missing 'Next' target: Nope")


def test_choice_rule_next_missing() -> None:
    doc = machine({"C": {"Type": "Choice", "Default": "E",
                         "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Nope"}]},
                   "E": END})
    assert_only(doc, MISSING, "/States/C/Choices/0/Next", "C", "Missing 'Next' target: Nope")


def test_catcher_next_missing() -> None:
    doc = machine({"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                         "End": True, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "No"}]}})
    assert_only(doc, MISSING, "/States/T/Catch/0/Next", "T", "Missing 'Next' target: No")


def test_transition_out_of_a_branch_says_so() -> None:
    doc = machine({
        "P": parallel(machine({"B": {"Type": "Pass", "Next": "After"}}), Next="After"),
        "After": END})
    found = assert_has(doc, MISSING, "/States/P/Branches/0/States/B/Next", "B")
    assert "the top-level States" in found.message
    assert "cannot cross" in found.message


def test_transition_into_a_processor_says_so() -> None:
    doc = machine({"A": {"Type": "Pass", "Next": "Inner"},
                   "M": map_state(machine({"Inner": END}), End=True)}, start="A")
    found = assert_has(doc, MISSING, "/States/A/Next", "A")
    assert "Map processor at /States/M/ItemProcessor" in found.message


def test_unreachable_state() -> None:
    doc = machine({"A": END, "C": END}, start="A")
    assert_only(doc, MISSING, "/States/C", "C", 'State "C" is not reachable.')


def test_unreachable_state_inside_a_branch() -> None:
    doc = machine({"P": parallel(machine({"B": END, "Lost": END}), End=True)})
    assert_only(doc, MISSING, "/States/P/Branches/0/States/Lost", "Lost")


def test_missing_start_makes_every_state_unreachable_like_aws() -> None:
    found = run(machine({"A": {"Type": "Pass", "Next": "B"}, "B": END}, start="Nope"))
    assert [d.location for d in found] == ["/StartAt", "/States/A", "/States/B"]


def test_no_terminal_state_suppresses_reachability() -> None:
    doc = machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"},
                   "Lost": {"Type": "Pass", "Next": "A"}}, start="A")
    assert_only(doc, MISSING_END_STATE, "", None, "Workflow has no terminal state")


def test_no_terminal_state_in_a_processor() -> None:
    doc = machine({"M": map_state(machine({"W": {"Type": "Wait", "Seconds": 1, "Next": "W"}}),
                                  End=True)})
    assert_only(doc, MISSING_END_STATE, "/States/M/ItemProcessor", "M")


def test_end_false_is_not_terminal_and_choice_end_is_not_terminal() -> None:
    doc = machine({"A": {"Type": "Pass", "Next": "A", "End": False}})
    assert_only(doc, MISSING_END_STATE, "", None)


def test_duplicate_state_name_across_levels_reports_the_second_in_document_order() -> None:
    doc = machine({"P": parallel(machine({"Same": END}), Next="Same"), "Same": END})
    assert_only(doc, DUPLICATE_STATE_NAME, "/States/Same", "Same", "Duplicate State name")


def test_duplicate_state_name_between_branches() -> None:
    doc = machine({"P": parallel(machine({"X": END}), machine({"X": END}), End=True)})
    assert_only(doc, DUPLICATE_STATE_NAME, "/States/P/Branches/1/States/X", "X")


def test_state_name_too_long() -> None:
    name = "n" * 81
    assert_only(machine({name: END}), INVALID_STATE_NAME, "/States/" + name, name)
    assert_clean(machine({"n" * 80: END}))


def test_empty_state_name() -> None:
    assert_only(machine({"": END}), INVALID_STATE_NAME, "/States/", "")


def test_duplicate_label() -> None:
    inner = machine({"I1": END}), machine({"I2": END})
    doc = machine({"M1": map_state(inner[0], Label="L", Next="M2"),
                   "M2": map_state(inner[1], Label="L", End=True)}, start="M1")
    assert_only(doc, DUPLICATE_LABEL_NAME, "/States/M2/Label", "M2")


def test_invalid_label_characters() -> None:
    for label in ("has space", "a:b", "x$", "tab\t", "", "ctl\x01"):
        doc = machine({"M": map_state(machine({"I": END}), Label=label, End=True)})
        assert_only(doc, INVALID_LABEL_NAME, "/States/M/Label", "M")
    assert_clean(machine({"M": map_state(machine({"I": END}), Label="ok-Label_1.x", End=True)}))


def nested_parallels(depth: int) -> dict[str, Any]:
    doc = machine({"Leaf": END})
    for level in range(depth):
        doc = machine({f"P{level}": parallel(doc, End=True)})
    return doc


def test_nesting_limit() -> None:
    assert_clean(nested_parallels(MAX_MACHINE_DEPTH))
    doc = nested_parallels(MAX_MACHINE_DEPTH + 3)
    found = [d for d in run(doc) if d.code == TOO_DEEPLY_NESTED]
    assert len(found) == 1 and found[0].location.endswith("/Branches/0")
    assert found[0].location.count("/Branches/") == MAX_MACHINE_DEPTH + 1


def test_wrong_types_are_left_to_the_schema_stage() -> None:
    assert run({"StartAt": 3, "States": []}) == []
    assert run({"StartAt": "A", "States": {"A": "not a state"}}) == []
    assert run(machine({"A": {"Type": "Pass", "End": "yes"}})) == []

"""The compiled model and its networkx graph: one class per state type, expressions parsed at
load time, typed edges, nested machines as subgraphs reachable from their container."""
from __future__ import annotations

import networkx as nx
import pytest

import workflow
from workflow.errors import DefinitionError
from workflow.expressions.jsonata import JsonataExpression
from workflow.expressions.jsonpath import Path
from workflow.model import states as s
from workflow.model.choice import AndCondition, DataTest, JsonataCondition, NotCondition
from workflow.model.graph import START

DEFINITION = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.n", "NumericGreaterThan": 1},
                     {"Not": {"Variable": "$.s", "StringEquals": "x"}}], "Next": "Work"},
            {"Variable": "$.flag", "BooleanEquals": True, "Next": "Fan"}],
            "Default": "Fan"},
        "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
                 "InputPath": "$.in", "ResultPath": None, "TimeoutSecondsPath": "$.t",
                 "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 5}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
                 "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Next": "Each", "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Wait", "Seconds": 1, "Next": "B3"},
                                         "B3": {"Type": "Succeed"}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "M1",
            "States": {"M1": {"Type": "Pass", "End": True}}}, "End": True},
        "Failed": {"Type": "Fail", "ErrorPath": "$.Error", "Cause": "it failed"},
    },
}


@pytest.fixture(scope="module")
def machine() -> workflow.StateMachine:
    return workflow.load(DEFINITION)


def test_one_class_per_state_type(machine: workflow.StateMachine) -> None:
    kinds = {state.name: type(state) for state in machine.states()}
    assert kinds == {"Check": s.ChoiceState, "Work": s.TaskState, "Fan": s.ParallelState,
                     "B1": s.PassState, "B2": s.WaitState, "B3": s.SucceedState,
                     "Each": s.MapState, "M1": s.PassState, "Failed": s.FailState}


def test_expressions_are_parsed_at_load(machine: workflow.StateMachine) -> None:
    work = machine.state("Work")
    assert isinstance(work, s.TaskState)
    assert isinstance(work.input_path, Path) and work.input_path.text == "$.in"
    assert work.result_path is None                     # JSON null: discard the result
    assert isinstance(work.output_path, Path) and work.output_path.text == "$"   # absent
    assert isinstance(work.timeout_seconds, Path)
    assert work.errors.retry[0].max_attempts == 5 and work.errors.retry[0].backoff_rate == 2.0
    rule = machine.state("Check").choices[0].condition  # type: ignore[attr-defined]
    assert isinstance(rule, AndCondition)
    assert isinstance(rule.conditions[0], DataTest) and isinstance(rule.conditions[1], NotCondition)
    assert isinstance(machine.state("Failed").error, Path)  # type: ignore[attr-defined]


def test_model_is_immutable(machine: workflow.StateMachine) -> None:
    with pytest.raises(AttributeError):
        machine.state("Work").next = "Elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        machine.root.states["X"] = machine.state("Work")  # type: ignore[index]


def test_graph_edges_are_typed(machine: workflow.StateMachine) -> None:
    g = machine.graph
    assert isinstance(g, nx.DiGraph)
    assert g.edges[START, "Check"]["kind"] == "start"
    assert g.edges["Check", "Work"]["kind"] == "choice"
    assert g.edges["Check", "Work"]["rules"] == [(0, "$.n > 1 and not $.s == \"x\"")]
    assert g.edges["Check", "Fan"]["kind"] == "choice"
    assert g.edges["Check", "Fan"]["also"] == [{"kind": "default"}]
    assert g.edges["Work", "Fan"]["kind"] == "next"
    assert g.edges["Work", "Failed"] == {"kind": "catch", "index": 0, "errors": ["States.ALL"]}
    assert g.edges["Work", "Work"]["kind"] == "retry"
    assert g.edges["Fan", "B1"] == {"kind": "branch", "index": 0}
    assert g.edges["Fan", "B2"] == {"kind": "branch", "index": 1}
    assert g.edges["Each", "M1"]["kind"] == "processor"


def test_nested_machines_are_subgraphs_reachable_from_their_container(
        machine: workflow.StateMachine) -> None:
    g = machine.graph
    assert nx.descendants(g, START) >= {"B1", "B2", "B3", "M1"}
    assert g.nodes["B3"]["scope"] == ("Fan", 1)
    assert g.nodes["M1"]["scope"] == ("Each",)
    assert machine.machine("/States/Fan/Branches/1").start_at == "B2"
    assert machine.machine("/States/Each/ItemProcessor").processor_mode == "INLINE"
    assert len(machine) == 9


def test_jsonata_choice_condition_compiled() -> None:
    m = workflow.load({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.n > 1 %}", "Next": "Y"}], "Default": "Y"},
        "Y": {"Type": "Succeed"}}})
    rule = m.state("C").choices[0]  # type: ignore[attr-defined]
    assert isinstance(rule.condition, JsonataCondition)
    assert isinstance(rule.condition.expression, JsonataExpression)
    assert m.graph.edges["C", "Y"]["rules"] == [(0, "$states.input.n > 1")]


def test_load_raises_one_exception_with_all_diagnostics() -> None:
    with pytest.raises(DefinitionError) as info:
        workflow.load({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"},
                                                   "B": {"Type": "Bogus"}}})
    codes = sorted(d.code for d in info.value.diagnostics)
    assert codes.count("MISSING_TRANSITION_TARGET") >= 1 and "SCHEMA_VALIDATION_FAILED" in codes
    assert str(info.value).count("\n") == 0               # one headline line

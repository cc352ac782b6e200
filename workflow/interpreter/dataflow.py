"""State data flow in both query languages (asl-inventory §5, §6.3), and the context object.

JSONPath:  raw input → InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath
JSONata:   $states.input → Arguments → (work) → Output / Assign with $states.result
"""
from __future__ import annotations

from typing import Any, Mapping

from workflow import jsontext
from workflow.errors import StatesError
from workflow.expressions.jsonpath import Path, set_reference_path
from workflow.model import states as s

MAX_PAYLOAD_BYTES = 262_144   # 256 KiB, AWS's hard quota on any state input/output


def context_object(execution: Mapping[str, Any], state_machine: Mapping[str, Any],
                   state_name: str, entered_time: str, retry_count: int,
                   token: str | None = None, item: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "Execution": execution,
        "State": {"EnteredTime": entered_time, "Name": state_name, "RetryCount": retry_count},
        "StateMachine": state_machine,
    }
    if token is not None:
        ctx["Task"] = {"Token": token}
    if item is not None:
        ctx["Map"] = {"Item": item}
    return ctx


def select(path: Path | None, data: Any, ctx: Any, variables: Mapping[str, Any]) -> Any:
    """InputPath / OutputPath: ``None`` (JSON null) gives ``{}`` (§5.2)."""
    if path is None:
        return {}
    if path.text == "$":
        return data
    return path.evaluate(data, ctx, variables)


def jsonpath_effective_input(state: Any, raw: Any, ctx: Any,
                             variables: Mapping[str, Any]) -> Any:
    selected = select(state.input_path, raw, ctx, variables)
    parameters = getattr(state, "parameters", None)
    if parameters is None:
        return selected
    effective = parameters.evaluate(selected, ctx, variables)
    check_size(effective, state.name)   # the input after Parameters is also capped (§10.1)
    return effective


def jsonpath_output(state: Any, raw: Any, result: Any, ctx: Any,
                    variables: Mapping[str, Any]) -> Any:
    selector = getattr(state, "result_selector", None)
    if selector is not None:
        result = selector.evaluate(result, ctx, variables)
    combined = apply_result_path(state.result_path, raw, result)
    return select(state.output_path, combined, ctx, variables)


def apply_result_path(path: Path | None, raw: Any, result: Any) -> Any:
    if path is None:
        return raw                      # ResultPath: null discards the result
    if path.text == "$":
        return result
    return set_reference_path(path, raw, result)


def jsonata_states(state_input: Any, ctx: Any, result: Any = None,
                   error_output: Any = None, has_result: bool = False) -> dict[str, Any]:
    states = {"input": state_input, "context": ctx}
    if has_result:
        states["result"] = result
    if error_output is not None:
        states["errorOutput"] = error_output
    return states


def evaluate_assign(assign: Any, jsonata: bool, data: Any, ctx: Any,
                    variables: Mapping[str, Any], state_name: str) -> dict[str, Any]:
    """All values are computed against the state-entry variables before any is set (§7)."""
    if assign is None:
        return {}
    if jsonata:
        return assign.evaluate(data, variables, state_name=state_name, field="Assign")
    return assign.evaluate(data, ctx, variables)


def jsonata_output(state: Any, states: Mapping[str, Any], variables: Mapping[str, Any],
                   default: Any) -> Any:
    if state.output is None:
        return default
    return state.output.evaluate(states, variables, state_name=state.name, field="Output")


def check_size(value: Any, state_name: str, what: str = "state") -> None:
    """States.DataLimitExceeded for payloads over 256 KiB (§16). Cheap for small values."""
    if isinstance(value, (int, float, bool)) or value is None:
        return
    if isinstance(value, str) and len(value) * 4 < MAX_PAYLOAD_BYTES:
        return
    size = len(jsontext.dumps_bytes(value))
    if size > MAX_PAYLOAD_BYTES:
        raise StatesError(
            "States.DataLimitExceeded",
            f"The {what} '{state_name}' returned a result with a size exceeding the maximum "
            f"number of bytes service limit.")


def resolve_dynamic(value: Any, *, data: Any, ctx: Any, variables: Mapping[str, Any],
                    states: Mapping[str, Any] | None, state_name: str, field: str) -> Any:
    """A field given as a literal, a JSONata expression, a Path or an intrinsic call."""
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if states is not None and hasattr(value, "states_fields"):
        return value.evaluate(states, variables)
    return value.evaluate(data, ctx, variables)


def is_state_with_errors(state: s.State) -> bool:
    return isinstance(state, (s.TaskState, s.ParallelState, s.MapState))

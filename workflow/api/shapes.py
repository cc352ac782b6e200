"""Request validation against botocore's copy of AWS's service model: required members,
string/list lengths, number ranges, enums and JSON types, worded as AWS's model validation
words them (``1 validation error detected: Value '…' at '…' failed to satisfy constraint:
Member must …``). A value of the wrong JSON type is a SerializationException, as on AWS."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from workflow.api.errors import ApiError

REDACTED = "*** Sensitive Data Redacted ***"
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "long": (int,), "boolean": (bool,),
    "structure": (dict,), "list": (list,), "map": (dict,), "timestamp": (int, float),
    "double": (int, float), "float": (int, float), "blob": (str,),
}


@lru_cache(maxsize=4)
def service_model(service: str = "stepfunctions") -> Any:
    import botocore.session
    return botocore.session.get_session().get_service_model(service)


def operation(name: str, service: str = "stepfunctions") -> Any | None:
    model = service_model(service)
    return model.operation_model(name) if name in model.operation_names else None


def validate_input(op: Any, body: dict[str, Any]) -> None:
    problems: list[str] = []
    _structure(op.input_shape, body, "", problems)
    if problems:
        count = len(problems)
        head = f"{count} validation error{'s' if count > 1 else ''} detected: "
        raise ApiError("ValidationException", head + "; ".join(problems))


def _structure(shape: Any, value: dict[str, Any], path: str, problems: list[str]) -> None:
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(f"Value null at '{path}{name}' failed to satisfy constraint: "
                            "Member must not be null")
    for name, member in shape.members.items():
        if value.get(name) is not None:
            _value(member, value[name], f"{path}{name}", problems)


def _value(shape: Any, value: Any, where: str, problems: list[str]) -> None:
    kind = shape.type_name
    expected = _JSON_TYPES.get(kind, (object,))
    if not isinstance(value, expected) or (kind in ("integer", "long") and isinstance(value, bool)):
        raise ApiError("SerializationException",
                       f"Unexpected value type for '{where}': expected {kind}")
    meta = shape.metadata
    problem = _constraint(kind, meta, value, getattr(shape, "enum", None))
    if problem:
        shown = REDACTED if meta.get("sensitive") else _show(value)
        problems.append(f"Value '{shown}' at '{where}' failed to satisfy constraint: "
                        f"Member must {problem}")
    if kind == "structure":
        _structure(shape, value, where + ".", problems)
    elif kind == "list":
        for index, item in enumerate(value, 1):
            _value(shape.member, item, f"{where}.{index}.member", problems)
    elif kind == "map":
        for key, item in value.items():
            _value(shape.value, item, f"{where}.{key}", problems)


def _constraint(kind: str, meta: dict[str, Any], value: Any, enum: Any) -> str | None:
    if kind in ("string", "list", "map"):
        size = len(value)
        if "min" in meta and size < meta["min"]:
            return f"have length greater than or equal to {meta['min']}"
        if "max" in meta and size > meta["max"]:
            return f"have length less than or equal to {meta['max']}"
        if enum and value not in enum:
            return f"satisfy enum value set: [{', '.join(enum)}]"
    elif kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            return f"have value greater than or equal to {meta['min']}"
        if "max" in meta and value > meta["max"]:
            return f"have value less than or equal to {meta['max']}"
    return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    return str(value)

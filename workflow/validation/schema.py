"""Schema stage: the SHAPE of a definition, checked against the JSON Schemas in ``asl_schemas/``.

The standalone schema (``asl_schemas/state-machine.json``) can only guess each state's query
language from inside the document, so this stage does not validate the document in one go:
it visits each machine and each state found by :func:`walk` and validates it against the
definition for its kind, or for its (Type, effective query language), with validators that
are built once, at import. Nested machines are validated on their own, never through the state
that holds them, so every problem is reported exactly once.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, error, pointer
from workflow.validation.schema_compile import Check, compile_schema
from workflow.validation.walk import JSONATA, JSONPATH, Scope, StateRef, Walk

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "asl_schemas"
SCHEMA_FILES = ("common.json", "states.json", "map.json", "state-machine.json")
MACHINE_URI = "https://schemas.sfn.dev/asl/state-machine.json"
Tokens = list[str | int]   # a JSON-pointer path inside the validated object
STATE_TYPES = ("Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map")


def load_registry(directory: Path = SCHEMA_DIR) -> Registry:
    """Every schema file as a resource under its own ``$id``."""
    resources = []
    for name in SCHEMA_FILES:
        contents = json.loads((directory / name).read_text(encoding="utf-8"))
        resources.append(Resource.from_contents(contents))
    return Registry().with_resources((r.id(), r) for r in resources)


REGISTRY = load_registry()


class Definition:
    """One ``$defs`` entry: a fast compiled yes/no check plus jsonschema for the messages."""

    def __init__(self, name: str) -> None:
        schema = {"$ref": f"{MACHINE_URI}#/$defs/{name}"}
        self.is_valid: Check = compile_schema(schema, REGISTRY.resolver())
        self.validator = Draft202012Validator(schema, registry=REGISTRY)


MACHINE_KINDS = ("Top", "Branch", "ItemProcessor", "Iterator")
STATE_DEFINITIONS = ("StateType",) + tuple(
    t + ql for t in STATE_TYPES for ql in (JSONPATH, JSONATA))
STANDALONE = Draft202012Validator({"$ref": MACHINE_URI}, registry=REGISTRY)
DEFINITIONS = {name: Definition(name) for name in MACHINE_KINDS + STATE_DEFINITIONS}


def check_schema(w: Walk) -> Iterator[Diagnostic]:
    """Every schema finding of the walked definition, machines first, then states in walk order."""
    if not isinstance(w.document, dict):
        yield error(SCHEMA_VALIDATION_FAILED, "The state machine definition must be a JSON object")
        return
    for scope in w.scopes:
        yield from _check_machine(scope)
    for state in w.states:
        yield from _check_state(state)


def _machine_kind(scope: Scope) -> str:
    if scope.kind == "top":
        return "Top"
    if scope.kind == "branch":
        return "Branch"
    return "Iterator" if scope.location.endswith("/Iterator") else "ItemProcessor"


def _check_machine(scope: Scope) -> Iterator[Diagnostic]:
    definition = DEFINITIONS[_machine_kind(scope)]
    for path, message in _findings(definition, scope.node, JSONPATH, machine=True):
        state = str(path[1]) if len(path) >= 2 and path[0] == "States" else scope.parent_state
        yield error(SCHEMA_VALIDATION_FAILED, message, scope.location + pointer(*path), state)


def _check_state(state: StateRef) -> Iterator[Diagnostic]:
    kind = state.node.get("Type")
    if isinstance(kind, str) and kind in STATE_TYPES:
        definition = DEFINITIONS[kind + state.query_language]
    else:
        # Unknown Type: its fields cannot be judged, so the Type is the only finding.
        definition = DEFINITIONS["StateType"]
    for path, message in _findings(definition, state.node, state.query_language, machine=False):
        yield error(SCHEMA_VALIDATION_FAILED, message, state.location + pointer(*path), state.name)


def _findings(definition: Definition, instance: Any, ql: str,
              machine: bool) -> Iterator[tuple[Tokens, str]]:
    """(path inside ``instance``, message) pairs, each reported once."""
    if definition.is_valid(instance):
        return
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for err in definition.validator.iter_errors(instance):
        for path, message in messages(err, ql, machine):
            key = (tuple(path), message)
            if key not in seen:
                seen.add(key)
                yield path, message


def iter_standalone_errors(document: Any) -> Iterator[ValidationError]:
    """Raw errors of the standalone schema (no per-state query-language knowledge)."""
    return STANDALONE.iter_errors(document)


# --- jsonschema errors -> AWS-style messages --------------------------------------------------

_ARTICLE = {"string": "a string", "object": "an object", "array": "an array",
            "boolean": "a boolean", "null": "null"}


def messages(err: ValidationError, ql: str, machine: bool) -> Iterator[tuple[Tokens, str]]:
    """AWS-style (path, message) pairs for one jsonschema error."""
    path = list(err.absolute_path)
    keyword = err.validator
    if keyword == "additionalProperties":
        for extra in _extras(err):
            yield path, f"Field '{extra}' is not supported"
    elif keyword == "required":
        yield from _required(err, path, machine)
    elif keyword in ("enum", "const"):
        values = err.validator_value if keyword == "enum" else [err.validator_value]
        shown = ", ".join(str(v) for v in values)
        yield path, f"The field '{_field(path)}' should have one of these values: [{shown}]"
    elif keyword in ("minItems", "minProperties"):
        yield path, "Value cannot be empty"
    elif keyword == "not":
        # Only the onlyJSONata / onlyJSONPath markers use "not" outside "if" (asl-inventory 2.1).
        other = JSONATA if ql == JSONPATH else JSONPATH
        yield path, (f"The QueryLanguage is set to '{ql}', but field '{_field(path)}' is only "
                     f"supported for the '{other}' QueryLanguage")
    elif keyword == "anyOf":
        names = ", ".join(sub["required"][0] for sub in err.validator_value)
        yield path, (f"The field '{_field(path)}' must contain at least one of these fields: "
                     f"[{names}]")
    else:
        yield path, _value_message(err, path, machine)


def _field(path: Tokens) -> str:
    """The innermost field name of a path (array indexes skipped)."""
    return next((str(t) for t in reversed(path) if isinstance(t, str)), "")


def _extras(err: ValidationError) -> list[str]:
    known = err.schema.get("properties", {})
    return [key for key in err.instance if key not in known]


def _required(err: ValidationError, path: Tokens, machine: bool) -> Iterator[tuple[Tokens, str]]:
    missing = [f for f in err.validator_value if f not in err.instance]
    if machine and not path:
        yield path, f"These fields are required: [{', '.join(missing)}]"
        return
    for name in missing:
        yield path, f"The field '{name}' is required but was missing"


def _value_message(err: ValidationError, path: Tokens, machine: bool) -> str:
    if err.validator == "maxLength":
        return (f"The value for the field '{_field(path)}' must be at most "
                f"{err.validator_value} characters long")
    if err.validator not in ("type", "minimum", "maximum", "pattern"):
        return err.message
    wanted = describe(err.schema)
    if machine and len(path) == 2 and path[0] == "States":
        return f"The state '{path[1]}' must be {wanted}"
    if path and isinstance(path[-1], int):
        return f"Each element of the field '{_field(path)}' must be {wanted}"
    return f"The value for the field '{_field(path)}' must be {wanted}"


def describe(schema: dict[str, Any]) -> str:
    """'an integer between 1 and 99999999 or a JSONata expression' from a field's schema."""
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    # In asl_schemas/ a "pattern" only ever marks the strings a field accepts as JSONata strings.
    jsonata = "pattern" in schema and "string" in types
    if jsonata:
        types.remove("string")
    text = " or ".join(_describe_type(t, schema) for t in types)
    if jsonata:
        text += " or a JSONata expression ('{% ... %}')"
    return text


def _describe_type(kind: str, schema: dict[str, Any]) -> str:
    if kind not in ("integer", "number"):
        return _ARTICLE.get(kind, kind)
    noun = "an integer" if kind == "integer" else "a number"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{noun} between {low} and {high}"
    if kind == "integer" and low in (0, 1):
        return "a non-negative integer" if low == 0 else "a positive integer"
    if low is not None:
        return f"{noun} greater than or equal to {low}"
    if high is not None:
        return f"{noun} less than or equal to {high}"
    return noun

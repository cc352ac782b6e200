"""Static analysis of a jsonata-python AST for Step Functions (asl-inventory §6.2, §6.4).

Finds which ``$states.<field>`` members and which free variables an expression reads, and the
references AWS rejects: ``$``, bare field names, ``*``/``**``/``%`` at the top level (where there is
no context item), and ``$$`` anywhere. Best effort: the AST is the library's, not ours.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonata.parser import Parser

_CHILD_ATTRS = ("lhs", "rhs", "expression", "expressions", "steps", "stages", "predicate",
                "procedure", "arguments", "body", "condition", "then", "_else", "lhs_object",
                "rhs_object", "terms", "group", "pattern", "update", "delete", "expr")
# Attributes evaluated against a context item produced inside the expression.
_NESTED_ATTRS = frozenset({"stages", "predicate", "group", "terms", "pattern", "update", "delete"})
_TOP_STEP_NAMES = {"wildcard": "*", "descendant": "**", "parent": "%"}


@dataclass
class Analysis:
    states_fields: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


def analyse(ast: Any) -> Analysis:
    out = Analysis()
    _visit(ast, True, set(), out)
    return out


def top_level_message(name: str) -> str:
    return f"Reference to '{name}' at the top level is not supported."


def _visit(node: Any, top: bool, bound: set[str], out: Analysis) -> None:
    if isinstance(node, (list, tuple)):
        for item in node:
            _visit(item, top, bound, out)
        return
    if not isinstance(node, Parser.Symbol):
        return
    kind = node.type
    if kind == "path":
        _visit_path(node, top, bound, out)
    elif kind == "variable":
        _visit_variable(node, top, bound, out)
        _visit_children(node, False, bound, out, only=("predicate", "stages", "group"))
    elif kind == "name" or kind in _TOP_STEP_NAMES:
        if top:
            out.problem(top_level_message(_TOP_STEP_NAMES.get(kind, str(node.value))))
        _visit_children(node, False, bound, out)
    elif kind in ("function", "partial"):
        _visit_call(node, top, bound, out)
    elif kind == "lambda":
        params = {str(a.value) for a in node.arguments or () if isinstance(a, Parser.Symbol)}
        _visit(node.body, top, bound | params, out)
    elif kind == "block":
        _visit(node.expressions, top, set(bound), out)     # ':=' inside a block stays local
        _visit_children(node, False, bound, out, only=("predicate", "stages", "group"))
    elif kind == "bind":
        _visit(node.rhs, top, bound, out)
        if isinstance(node.lhs, Parser.Symbol):
            bound.add(str(node.lhs.value))
    else:
        _visit_children(node, top, bound, out)


def _visit_children(node: Parser.Symbol, top: bool, bound: set[str], out: Analysis,
                    only: tuple[str, ...] = _CHILD_ATTRS) -> None:
    for attr in only:
        child = getattr(node, attr, None)
        if child is not None:
            _visit(child, top and attr not in _NESTED_ATTRS, bound, out)


def _visit_variable(node: Parser.Symbol, top: bool, bound: set[str], out: Analysis) -> None:
    name = str(node.value)
    if name == "$":
        out.problem("Reference to '$$' is not supported.")
    elif name == "":
        if top:
            out.problem(top_level_message("$"))
    elif name != "states" and name not in bound:
        out.variables.add(name)


def _visit_call(node: Parser.Symbol, top: bool, bound: set[str], out: Analysis) -> None:
    procedure = node.procedure
    # A called name is a function ($sum, $partition, a lambda bound with :=), not data.
    if not (isinstance(procedure, Parser.Symbol) and procedure.type == "variable"):
        _visit(procedure, top, bound, out)
    _visit(node.arguments, top, bound, out)
    _visit_children(node, False, bound, out, only=("predicate", "stages", "group"))


def _visit_path(node: Parser.Symbol, top: bool, bound: set[str], out: Analysis) -> None:
    steps = node.steps or []
    local = set(bound)
    _record_states_field(steps, out)
    for index, step in enumerate(steps):
        _visit(step, top and index == 0, local, out)
        for attr in ("focus", "index"):        # '@$v' / '#$i' bind names for later steps
            name = getattr(step, attr, None)
            if isinstance(name, str):
                local.add(name)
    _visit_children(node, False, local, out, only=("predicate", "stages", "group"))


def _record_states_field(steps: list[Any], out: Analysis) -> None:
    if len(steps) < 2:
        return
    first, second = steps[0], steps[1]
    if first.type == "variable" and first.value == "states" and second.type == "name":
        out.states_fields.add(str(second.value))

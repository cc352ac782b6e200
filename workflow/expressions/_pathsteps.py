"""Compilation of parsed JSONPath segments into closures (no re-parsing at run time).

A definite path compiles to a key tuple walked by ``lookup_keys``; anything else compiles to
a list of steps, each mapping the list of current nodes to the list of next nodes.
"""
from __future__ import annotations

from typing import Any, Callable

from workflow.expressions._json import MISSING, is_number, json_equal
from workflow.expressions._pathast import (
    Child, FBool, FCompare, FExists, Filter, FilterNode, FLiteral, FNot, Index, Length,
    ParsedPath, Scan, Segment, Slice, Wildcard, is_single_step,
)

Scope = tuple[Any, Any, "Mapping[str, Any] | None"]      # (data, context, variables)
Step = Callable[[list[Any], Scope], list[Any]]
Predicate = Callable[[Any, Scope], bool]
Resolver = Callable[[Any, Scope], Any]                   # current node -> value | MISSING


def lookup_keys(node: Any, keys: tuple[str | int, ...]) -> Any:
    """Walk plain keys; MISSING when a key is absent or the node has the wrong type."""
    for key in keys:
        if isinstance(key, str):
            if not isinstance(node, dict) or key not in node:
                return MISSING
        elif not isinstance(node, list) or not -len(node) <= key < len(node):
            return MISSING
        node = node[key]
    return node


def root_value(parsed: ParsedPath, current: Any, scope: Scope) -> Any:
    kind = parsed.root_kind
    if kind == "current":
        return current
    if kind == "data":
        return scope[0]
    if kind == "context":
        return scope[1] if scope[1] is not None else {}
    variables, name = scope[2], parsed.variable
    if variables is None or name is None or name not in variables:
        return MISSING
    return variables[name]


def compile_steps(segments: tuple[Segment, ...]) -> list[Step]:
    return [_compile_segment(seg) for seg in segments if not isinstance(seg, Length)]


def run_steps(steps: list[Step], root: Any, scope: Scope) -> list[Any]:
    nodes = [root]
    for step in steps:
        if not nodes:
            break
        nodes = step(nodes, scope)
    return nodes


def _compile_segment(seg: Segment) -> Step:
    if isinstance(seg, Child):
        return _child_step(seg.names)
    if isinstance(seg, Index):
        return _index_step(seg.indices)
    if isinstance(seg, Wildcard):
        return _wildcard_step
    if isinstance(seg, Slice):
        return _slice_step(slice(seg.start, seg.stop, seg.step))
    if isinstance(seg, Filter):
        return _filter_step(compile_predicate(seg.expr))
    if isinstance(seg, Scan):
        return _scan_step(_compile_segment(seg.target))
    raise AssertionError(f"unexpected segment {seg!r}")


def _child_step(names: tuple[str, ...]) -> Step:
    def step(nodes: list[Any], scope: Scope) -> list[Any]:
        return [n[k] for n in nodes if isinstance(n, dict) for k in names if k in n]
    return step


def _index_step(indices: tuple[int, ...]) -> Step:
    def step(nodes: list[Any], scope: Scope) -> list[Any]:
        return [n[i] for n in nodes if isinstance(n, list) for i in indices
                if -len(n) <= i < len(n)]
    return step


def _wildcard_step(nodes: list[Any], scope: Scope) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, dict):
            out.extend(node.values())
        elif isinstance(node, list):
            out.extend(node)
    return out


def _slice_step(bounds: slice) -> Step:
    def step(nodes: list[Any], scope: Scope) -> list[Any]:
        return [x for n in nodes if isinstance(n, list) for x in n[bounds]]
    return step


def _filter_step(predicate: Predicate) -> Step:
    # Jayway: on an array the filter selects elements; on an object it tests the object.
    def step(nodes: list[Any], scope: Scope) -> list[Any]:
        out: list[Any] = []
        for node in nodes:
            if isinstance(node, list):
                out.extend(x for x in node if predicate(x, scope))
            elif isinstance(node, dict) and predicate(node, scope):
                out.append(node)
        return out
    return step


def _scan_step(target: Step) -> Step:
    def step(nodes: list[Any], scope: Scope) -> list[Any]:
        out: list[Any] = []
        pending = list(reversed(nodes))
        while pending:                       # pre-order, document order
            node = pending.pop()
            out.extend(target([node], scope))
            children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
            pending.extend(reversed([c for c in children if isinstance(c, (dict, list))]))
        return out
    return step


# -- filters -------------------------------------------------------------------------------
def compile_predicate(node: FilterNode) -> Predicate:
    if isinstance(node, FBool):
        left, right = compile_predicate(node.left), compile_predicate(node.right)
        if node.op == "&&":
            return lambda cur, scope: left(cur, scope) and right(cur, scope)
        return lambda cur, scope: left(cur, scope) or right(cur, scope)
    if isinstance(node, FNot):
        inner = compile_predicate(node.inner)
        return lambda cur, scope: not inner(cur, scope)
    if isinstance(node, FExists):
        resolve = compile_resolver(node.path)
        return lambda cur, scope: resolve(cur, scope) is not MISSING
    return _compare_predicate(node)


def compile_resolver(parsed: ParsedPath) -> Resolver:
    """A filter operand path: its single value (definite) or list of matches, or MISSING."""
    steps = compile_steps(parsed.segments)
    definite = all(is_single_step(s) for s in parsed.segments)

    def resolve(current: Any, scope: Scope) -> Any:
        root = root_value(parsed, current, scope)
        if root is MISSING:
            return MISSING
        found = run_steps(steps, root, scope)
        if definite:
            return found[0] if found else MISSING
        return found if found else MISSING
    return resolve


def _compare_predicate(node: FCompare) -> Predicate:
    left, right = _operand(node.left), _operand(node.right)
    test = _COMPARATORS[node.op]

    def predicate(current: Any, scope: Scope) -> bool:
        a, b = left(current, scope), right(current, scope)
        return a is not MISSING and b is not MISSING and test(a, b)
    return predicate


def _operand(operand: FLiteral | Any) -> Resolver:
    if isinstance(operand, FLiteral):
        value = operand.value
        return lambda current, scope: value
    return compile_resolver(operand.path)


def _ordered(a: Any, b: Any) -> bool:
    return (is_number(a) and is_number(b)) or (isinstance(a, str) and isinstance(b, str))


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": json_equal,
    "!=": lambda a, b: not json_equal(a, b),
    "<": lambda a, b: _ordered(a, b) and a < b,
    "<=": lambda a, b: _ordered(a, b) and a <= b,
    ">": lambda a, b: _ordered(a, b) and a > b,
    ">=": lambda a, b: _ordered(a, b) and a >= b,
}

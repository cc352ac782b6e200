"""Compile a validated definition document into the immutable model of ``states.py``.

Runs once per definition: every path, intrinsic call, template, JSONata expression and Choice
rule is parsed here. It assumes validation passed; a compile-time surprise is a bug, not input.
"""
from __future__ import annotations

from typing import Any, Callable

from workflow.diagnostics import escape_token, pointer
from workflow.expressions.intrinsics import is_intrinsic_call, parse_intrinsic
from workflow.expressions.jsonata import is_jsonata, parse_jsonata
from workflow.expressions.jsonpath import Path, parse_path
from workflow.expressions.templates import compile_jsonata_template, compile_payload_template
from workflow.model import choice as c
from workflow.model import states as s
from workflow.validation.walk import JSONATA, JSONPATH, effective_language

ROOT = parse_path("$")
_ABSENT = object()


class _Compiler:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        top = document.get("QueryLanguage", JSONPATH)
        self.top_language = JSONPATH if top == JSONPATH else JSONATA

    def machine(self, node: dict[str, Any], location: str, **extra: Any) -> s.Machine:
        prefix = location + "/States/"
        states = {
            name: self.state(name, body, prefix + escape_token(name))
            for name, body in node["States"].items()
        }
        return s.Machine(node["StartAt"], s.frozen_mapping(states), location,
                         node.get("Comment"), **extra)

    def state(self, name: str, node: dict[str, Any], location: str) -> s.State:
        language = effective_language(node, self.top_language)
        common = self.common(name, node, location, language)
        return _BUILDERS[node["Type"]](self, node, common, language == JSONATA)

    def common(self, name: str, node: dict[str, Any], location: str,
               language: str) -> dict[str, Any]:
        jsonata = language == JSONATA
        fields: dict[str, Any] = dict(
            name=name, type=node["Type"], query_language=language, location=location,
            next=node.get("Next"), end=node.get("End") is True, comment=node.get("Comment"),
            assign=self.assign(node.get("Assign"), jsonata),
        )
        if jsonata:
            fields["output"] = self.jsonata_template(node, "Output")
        else:
            fields["input_path"] = self.path_field(node, "InputPath")
            fields["output_path"] = self.path_field(node, "OutputPath")
        return fields

    # ---- field helpers --------------------------------------------------------------------

    @staticmethod
    def path_field(node: dict[str, Any], key: str) -> Path | None:
        value = node.get(key, _ABSENT)
        if value is _ABSENT:
            return ROOT
        return None if value is None else parse_path(value)

    @staticmethod
    def jsonata_template(node: dict[str, Any], key: str) -> Any:
        return compile_jsonata_template(node[key]) if key in node else None

    @staticmethod
    def assign(value: Any, jsonata: bool) -> s.Assign:
        if value is None:
            return None
        return compile_jsonata_template(value) if jsonata else compile_payload_template(value)

    @staticmethod
    def template(node: dict[str, Any], key: str, jsonata: bool) -> Any:
        if key not in node:
            return None
        value = node[key]
        return compile_jsonata_template(value) if jsonata else compile_payload_template(value)

    @staticmethod
    def dynamic(node: dict[str, Any], key: str, jsonata: bool, default: Any = None) -> Any:
        """A literal field, its JSONata form, or its ``<key>Path`` JSONPath form."""
        if key in node:
            value = node[key]
            return parse_jsonata(value) if jsonata and is_jsonata(value) else value
        if key + "Path" in node:
            return _string_expression(node[key + "Path"])
        return default

    def errors(self, node: dict[str, Any], jsonata: bool) -> s.ErrorHandling:
        retry = tuple(s.Retrier(
            tuple(r["ErrorEquals"]), r.get("IntervalSeconds", 1), r.get("MaxAttempts", 3),
            float(r.get("BackoffRate", 2.0)), r.get("MaxDelaySeconds"),
            r.get("JitterStrategy", "NONE")) for r in node.get("Retry", ()))
        catch = tuple(s.Catcher(
            tuple(k["ErrorEquals"]), k["Next"],
            None if jsonata else self.path_field(k, "ResultPath"),
            self.jsonata_template(k, "Output") if jsonata else None,
            self.assign(k.get("Assign"), jsonata)) for k in node.get("Catch", ()))
        return s.ErrorHandling(retry, catch)


def _string_expression(text: str) -> Any:
    return parse_intrinsic(text) if is_intrinsic_call(text) else parse_path(text)


def _task(cc: _Compiler, node: dict[str, Any], common: dict[str, Any], jsonata: bool) -> s.State:
    return s.TaskState(
        **common, resource=node["Resource"],
        parameters=cc.template(node, "Arguments" if jsonata else "Parameters", jsonata),
        result_selector=cc.template(node, "ResultSelector", False),
        result_path=cc.path_field(node, "ResultPath"),
        timeout_seconds=cc.dynamic(node, "TimeoutSeconds", jsonata),
        heartbeat_seconds=cc.dynamic(node, "HeartbeatSeconds", jsonata),
        credentials=cc.template(node, "Credentials", jsonata),
        errors=cc.errors(node, jsonata))


def _pass(cc: _Compiler, node: dict[str, Any], common: dict[str, Any], jsonata: bool) -> s.State:
    return s.PassState(
        **common, result=node.get("Result"), has_result="Result" in node,
        parameters=cc.template(node, "Parameters", False),
        result_path=cc.path_field(node, "ResultPath"))


def _choice(cc: _Compiler, node: dict[str, Any], common: dict[str, Any],
            jsonata: bool) -> s.State:
    rules = tuple(c.ChoiceRule(
        _condition(rule, jsonata), rule["Next"], cc.assign(rule.get("Assign"), jsonata),
        cc.jsonata_template(rule, "Output") if jsonata else None, rule.get("Comment"))
        for rule in node["Choices"])
    return s.ChoiceState(**common, choices=rules, default=node.get("Default"))


_BOOLEAN_OPERATORS = ("And", "Or", "Not")
_RULE_KEYS = frozenset({"Variable", "Next", "Assign", "Output", "Comment", "Condition"})


def _condition(rule: dict[str, Any], jsonata: bool) -> c.Condition:
    if jsonata:
        cond = rule["Condition"]
        return c.JsonataCondition(parse_jsonata(cond) if isinstance(cond, str) else cond)
    if "And" in rule:
        return c.AndCondition(tuple(_condition(r, False) for r in rule["And"]))
    if "Or" in rule:
        return c.OrCondition(tuple(_condition(r, False) for r in rule["Or"]))
    if "Not" in rule:
        return c.NotCondition(_condition(rule["Not"], False))
    operator = next(k for k in rule if k not in _RULE_KEYS)
    operand = rule[operator]
    if operator.endswith("Path"):
        operand = parse_path(operand)
    return c.DataTest(parse_path(rule["Variable"]), operator, operand)


def _wait(cc: _Compiler, node: dict[str, Any], common: dict[str, Any], jsonata: bool) -> s.State:
    return s.WaitState(**common, seconds=cc.dynamic(node, "Seconds", jsonata),
                       timestamp=cc.dynamic(node, "Timestamp", jsonata))


def _succeed(cc: _Compiler, node: dict[str, Any], common: dict[str, Any],
             jsonata: bool) -> s.State:
    return s.SucceedState(**common)


def _fail(cc: _Compiler, node: dict[str, Any], common: dict[str, Any], jsonata: bool) -> s.State:
    common = {k: v for k, v in common.items() if k not in ("input_path", "output_path")}
    return s.FailState(**common, error=cc.dynamic(node, "Error", jsonata),
                       cause=cc.dynamic(node, "Cause", jsonata))


def _parallel(cc: _Compiler, node: dict[str, Any], common: dict[str, Any],
              jsonata: bool) -> s.State:
    location = common["location"]
    branches = tuple(cc.machine(b, location + pointer("Branches", i))
                     for i, b in enumerate(node["Branches"]))
    return s.ParallelState(
        **common, branches=branches,
        parameters=cc.template(node, "Arguments" if jsonata else "Parameters", jsonata),
        result_selector=cc.template(node, "ResultSelector", False),
        result_path=cc.path_field(node, "ResultPath"), errors=cc.errors(node, jsonata))


def _map(cc: _Compiler, node: dict[str, Any], common: dict[str, Any], jsonata: bool) -> s.State:
    key = "ItemProcessor" if "ItemProcessor" in node else "Iterator"
    body = node[key]
    config = body.get("ProcessorConfig", {})
    processor = cc.machine(body, common["location"] + pointer(key),
                           processor_mode=config.get("Mode", "INLINE"),
                           execution_type=config.get("ExecutionType"))
    selector_key = "ItemSelector" if "ItemSelector" in node else "Parameters"
    return s.MapState(
        **common, processor=processor,
        items_path=None if jsonata else parse_path(node.get("ItemsPath", "$")),
        items=cc.jsonata_template(node, "Items") if jsonata else None,
        item_selector=cc.template(node, selector_key, jsonata),
        max_concurrency=cc.dynamic(node, "MaxConcurrency", jsonata, 0),
        tolerated_failure_count=cc.dynamic(node, "ToleratedFailureCount", jsonata),
        tolerated_failure_percentage=cc.dynamic(node, "ToleratedFailurePercentage", jsonata),
        result_selector=cc.template(node, "ResultSelector", False),
        result_path=cc.path_field(node, "ResultPath"), label=node.get("Label"),
        item_reader=node.get("ItemReader"), item_batcher=node.get("ItemBatcher"),
        result_writer=node.get("ResultWriter"), errors=cc.errors(node, jsonata))


_BUILDERS: dict[str, Callable[..., s.State]] = {
    "Task": _task, "Pass": _pass, "Choice": _choice, "Wait": _wait, "Succeed": _succeed,
    "Fail": _fail, "Parallel": _parallel, "Map": _map,
}


def compile_document(document: dict[str, Any]) -> s.Machine:
    compiler = _Compiler(document)
    return compiler.machine(document, "", timeout_seconds=document.get("TimeoutSeconds"))

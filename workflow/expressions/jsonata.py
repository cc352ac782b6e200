"""JSONata expressions in Step Functions (asl-inventory §6), on the jsonata-python library.

    expr = parse_jsonata("{% $states.input.price * $qty %}")
    expr.evaluate({"input": {"price": 2}}, {"qty": 3})        -> 6

The library object is built once at parse time and reused. jsonata-python evaluates each call
in a fresh frame and keeps its per-evaluation scratch state in a per-thread instance, so one
expression may be evaluated concurrently from several threads (Parallel branches). Every
expression's environment is one shared, read-only frame holding the Step Functions functions
(``_SHARED_FRAME``), built once at import rather than once per parsed expression.
"""
from __future__ import annotations

import re
import time
from typing import Any, Mapping

from jsonata import Jsonata, JException
from jsonata.parser import Parser
from jsonata.timebox import Timebox

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions._json import MISSING
from workflow.expressions._jsonata_ast import analyse
from workflow.expressions._jsonata_functions import (
    CURRENT_ENV, STEP_FUNCTIONS, FunctionError, to_json,
)
from workflow.expressions.runtime import ExpressionEnv

__all__ = ["JsonataExpression", "is_jsonata", "parse_jsonata", "QUERY_EVALUATION_ERROR"]

QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
TIMEOUT_SECONDS = 1.0                       # asl-inventory §6.5
_CHECK_CLOCK_EVERY = 256                    # evaluation steps between clock reads
_ERROR_CODE = re.compile(r"^\s*[STDU]\d{4}\s*:?\s*")


def _shallow_clone(symbol: Any) -> Any:
    clone = object.__new__(type(symbol))
    clone.__dict__.update(symbol.__dict__)
    return clone


def _install_fast_symbol_clone() -> None:
    """jsonata-python's parser copies a prototype ``Symbol`` for every token it reads, with
    ``copy.copy``: a fifth of the parse time. For these plain-``__dict__`` objects copy.copy
    amounts to ``cls.__new__(cls)`` plus a ``__dict__`` update, which ``_shallow_clone`` does
    directly. Installed only while the library's ``clone`` is that one-line ``copy.copy(self)``
    and no symbol class customises copying, so another library version is left as it is."""
    original = Parser.Symbol.__dict__.get("clone")
    code = getattr(original, "__code__", None)
    if code is None or code.co_names != ("copy",) or code.co_argcount != 1:
        return
    customised = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__",
                  "__slots__", "__new__")
    pending, seen = [Parser.Symbol], set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if any(name in cls.__dict__ for name in customised):
            return
        pending.extend(cls.__subclasses__())
    Parser.Symbol.clone = _shallow_clone


_install_fast_symbol_clone()


def is_jsonata(value: object) -> bool:
    """A JSONata string starts exactly with ``{%`` and ends exactly with ``%}`` (§6.1)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") \
        and value.endswith("%}")


class _Timeout(JException):
    def __init__(self) -> None:
        super().__init__("D1012", -1, int(TIMEOUT_SECONDS * 1000))


class _Deadline:
    """The library's per-step entry hook: aborts an evaluation that runs too long."""

    __slots__ = ("limit", "steps")

    def __init__(self) -> None:
        self.limit = time.perf_counter() + TIMEOUT_SECONDS
        self.steps = 0

    def __call__(self, expr: Any, input: Any, environment: Any) -> None:
        self.steps += 1
        if self.steps % _CHECK_CLOCK_EVERY == 0 and time.perf_counter() > self.limit:
            raise _Timeout()


class JsonataExpression:
    """A parsed ``{% ... %}`` expression with its static analysis."""

    __slots__ = ("text", "body", "states_fields", "variables", "top_level_problems", "_jx")

    text: str                           # the full "{% ... %}" string
    body: str                           # the expression between the delimiters, stripped
    states_fields: frozenset[str]       # $states members read: input, context, result, errorOutput
    variables: frozenset[str]           # free workflow variables read
    top_level_problems: tuple[str, ...]  # AWS UNSUPPORTED_JSONATA_EXPRESSION messages
    _jx: Jsonata

    def __init__(self, text: str, jx: Jsonata) -> None:
        analysis = analyse(jx.ast)
        set_ = object.__setattr__
        set_(self, "text", text)
        set_(self, "body", text[2:-2].strip())
        set_(self, "states_fields", frozenset(analysis.states_fields))
        set_(self, "variables", frozenset(analysis.variables))
        set_(self, "top_level_problems", tuple(analysis.problems))
        set_(self, "_jx", jx)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("JsonataExpression is immutable")

    def __repr__(self) -> str:
        return f"JsonataExpression({self.text!r})"

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any] | None = None, *,
                 state_name: str | None = None, field: str | None = None,
                 event_id: int | None = None, env: ExpressionEnv | None = None) -> Any:
        """The result as plain JSON. Failures and an undefined result raise
        States.QueryEvaluationError; ``state_name``/``field``/``event_id`` word its cause."""
        result = self.evaluate_optional(states, variables, state_name=state_name, field=field,
                                        event_id=event_id, env=env)
        if result is MISSING:
            raise StatesError(QUERY_EVALUATION_ERROR, self.cause(
                " returned nothing (undefined).", state_name, field, event_id))
        return result

    def evaluate_optional(self, states: Mapping[str, Any],
                          variables: Mapping[str, Any] | None = None, *,
                          state_name: str | None = None, field: str | None = None,
                          event_id: int | None = None, env: ExpressionEnv | None = None) -> Any:
        """Like ``evaluate`` but an undefined result is returned as ``MISSING``."""
        bindings: dict[str, Any] = dict(variables) if variables else {}
        bindings["states"] = states
        bindings["__evaluate_entry"] = _Deadline()
        token = CURRENT_ENV.set(env) if env is not None else None
        try:
            # $now()/$millis() read the per-thread instance's timestamp: set it per evaluation.
            self._jx.get_per_thread_instance().timestamp = Timebox.current_milli_time()
            return to_json(self._jx.evaluate(None, bindings))
        except Exception as exc:        # JException and, rarely, library bugs / RecursionError
            raise StatesError(QUERY_EVALUATION_ERROR, self.cause(
                " threw an error during evaluation" + _detail(exc), state_name, field,
                event_id)) from None
        finally:
            if token is not None:
                CURRENT_ENV.reset(token)

    def cause(self, detail: str, state_name: str | None = None, field: str | None = None,
              event_id: int | None = None) -> str:
        """AWS's wording: "An error occurred while executing the state 'S' (entered at the event
        id #n). The JSONata expression '<expr>' specified for the field 'F'<detail>"."""
        prefix = ""
        if state_name is not None:
            entered = f" (entered at the event id #{event_id})" if event_id is not None else ""
            prefix = f"An error occurred while executing the state '{state_name}'{entered}. "
        where = f" specified for the field '{field}'" if field else ""
        return f"{prefix}The JSONata expression '{self.body}'{where}{detail}"


def _detail(exc: Exception) -> str:
    """AWS appends ". T2001: message" for coded JSONata errors and ": message" otherwise."""
    if isinstance(exc, RecursionError):
        return ": the evaluation exceeded the maximum recursion depth."
    code = getattr(exc, "error", None)
    message = _message(exc)
    if isinstance(code, str) and _ERROR_CODE.match(code) and not isinstance(exc, FunctionError):
        return f". {code}: {message}"
    return f": {message}"


def _message(exc: Exception) -> str:
    return _ERROR_CODE.sub("", str(exc)).strip() or type(exc).__name__


_PARSED: dict[str, JsonataExpression] = {}
_PARSED_LIMIT = 20_000


def parse_jsonata(text: str) -> JsonataExpression:
    """Parse a full ``{% ... %}`` string; raises ExpressionSyntaxError (codes such as S0202
    stripped, position counted in ``text``). Parsed expressions are immutable and safe to
    evaluate concurrently, so validation and compilation share one parse per text."""
    cached = _PARSED.get(text)
    if cached is None:
        cached = _parse_uncached(text)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[text] = cached
    return cached


def _parse_uncached(text: str) -> JsonataExpression:
    if not is_jsonata(text):
        raise ExpressionSyntaxError("A JSONata expression must start with '{%' and end with '%}'",
                                    str(text), 0)
    try:
        jx = Jsonata(text[2:-2])
    except JException as exc:
        position = max(0, min(int(getattr(exc, "location", 0) or 0), len(text) - 4)) + 2
        raise ExpressionSyntaxError(_message(exc), text, position) from None
    except Exception as exc:            # defensive: a library bug on odd input
        raise ExpressionSyntaxError(_message(exc), text, None) from None
    # Every expression shares one read-only environment holding the Step Functions functions;
    # each evaluation binds its variables in a fresh frame chained to it (see _SHARED_FRAME).
    jx.environment = _SHARED_FRAME
    jx.set_output_convert_nulls(False)  # keep null (NULL_VALUE) apart from undefined (None)
    return JsonataExpression(text, jx)


def _shared_frame() -> Jsonata.Frame:
    """The environment of every parsed expression, built once: the Step Functions functions
    (asl-inventory §6.6) and ``$eval`` hidden (calling it fails with T1006), in front of the
    library's built-ins. Read-only after this: ``Jsonata.evaluate`` with bindings (the only way
    ``evaluate_optional`` calls it) binds ``$`` and the variables in a new child frame, so
    evaluations on any number of threads share it safely. Nothing may ``assign`` or
    ``register_lambda`` on a parsed expression: that would bind here, for every expression."""
    frame = Jsonata.Frame(Jsonata.static_frame)
    for name, function in STEP_FUNCTIONS.items():
        frame.bind(name, Jsonata.JLambda(function))
    frame.bind("eval", None)
    return frame


_SHARED_FRAME = _shared_frame()

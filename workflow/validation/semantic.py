"""Every semantic check: the rules JSON Schema cannot express (asl-inventory §17.2-17.4).

Each check takes the shared :class:`Walk` and yields diagnostics; each is defensive (a value
of the wrong type is skipped: the schema stage reports it) and independent of the others.
"""
from __future__ import annotations

from typing import Callable, Iterator

from workflow.diagnostics import Diagnostic
from workflow.validation.choice import check_choice_rules
from workflow.validation.fields import (check_exclusive_fields, check_heartbeat, check_next_end,
                                        check_resource, check_states_all, check_wait)
from workflow.validation.graph import check_nesting, check_reachability, check_transitions
from workflow.validation.jsonata_rules import check_jsonata_expressions, check_query_language
from workflow.validation.names import check_labels, check_state_names
from workflow.validation.paths import check_literal_paths, check_path_fields, check_templates
from workflow.validation.variables import check_variable_names, check_variable_scopes
from workflow.validation.walk import Walk

Check = Callable[[Walk], Iterator[Diagnostic]]

SEMANTIC_CHECKS: tuple[Check, ...] = (
    check_nesting,
    check_state_names,
    check_labels,
    check_transitions,
    check_reachability,
    check_next_end,
    check_exclusive_fields,
    check_heartbeat,
    check_wait,
    check_states_all,
    check_resource,
    check_choice_rules,
    check_path_fields,
    check_templates,
    check_literal_paths,
    check_query_language,
    check_jsonata_expressions,
    check_variable_names,
    check_variable_scopes,
)


def check_semantics(w: Walk) -> list[Diagnostic]:
    """All semantic findings of one walked definition, in check order."""
    return [d for check in SEMANTIC_CHECKS for d in check(w)]

"""RedriveExecution and the redrive fields of DescribeExecution (asl-inventory §13.4)."""
from __future__ import annotations

from typing import Any

from workflow.store import ExecutionRecord

REDRIVABLE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


def redrive_status(record: ExecutionRecord) -> dict[str, Any]:
    if record.type == "EXPRESS":
        return {"redriveStatus": "NOT_REDRIVABLE",
                "redriveStatusReason": "Execution is of type EXPRESS and cannot be redriven"}
    if record.status in REDRIVABLE:
        return {"redriveStatus": "REDRIVABLE"}
    return {"redriveStatus": "NOT_REDRIVABLE",
            "redriveStatusReason": f"Execution is {record.status} and cannot be redriven"}

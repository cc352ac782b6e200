"""The distributed store: one Redis server shared by the Celery workers of many machines.

Every write that touches more than one key is one Lua script, so a transition is applied
at most once: a redelivered task finds the run's version moved on and writes nothing.

Keys, all under the prefix (default ``sfn:``):
  x:{arn}                hash: ExecutionRecord fields (redis_codec), seq, def (hash), ev0
  def:{sha256}           definition text, shared by the executions that run it
  e:{seq}                list: the history, "previousEventId json"; id = ev0 + index + 1
  r:{seq}:{run id}       hash: v (version), l (last event id), d (RunState json)
  rs:{seq}               list: run ids in creation order
  xs:all, xs:sm:{machine}, xs:st:{status}, xs:sms:{status}:{machine}
                         sorted sets of execution ARNs by start date
  sm:{arn}               hash: k (kind), p (parent ARN), d (StateMachineRecord json)
  smk:{kind}, smc:{parent}  sorted sets of machine ARNs by creation date
  tok                    hash: task token -> [execution ARN, run id, task id]
  in:{arn}               list: the inbox, "id [run id, message]"
  lg:{seq}               list: function invocation logs (redis_logs)
  seq, inbox_seq         counters
``seq`` numbers executions so per-execution keys never depend on how an ARN is spelt and
an EXPRESS result replaced under the same ARN starts on fresh keys.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import redis

from workflow.interpreter.run import RunState
from workflow.store import base
from workflow.store import redis_codec as c
from workflow.store import redis_logs
from workflow.store import redis_lua as lua
from workflow.store.base import (ExecutionAlreadyExists, ExecutionDoesNotExist, ExecutionRecord,
                                 Message, StateMachineRecord, StoreError, VersionConflict)


class RedisStore(base.Store):
    """Thread-safe (redis-py's connection pool); any number of processes may share a server."""

    def __init__(self, url: str, prefix: str = "sfn:") -> None:
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, decode_responses=True)
        self._closed = False
        self._scripts = {name: self._redis.register_script(getattr(lua, name)) for name in (
            "CREATE_EXECUTION", "REPLACE_EXECUTION", "COMMIT", "LOAD_RUN", "LOAD_RUNS",
            "GET_EXECUTION", "LIST_EXECUTIONS", "HISTORY", "POST_EVENT", "PUT_MACHINE",
            "DELETE_MACHINE")}
        self._scripts.update({name: self._redis.register_script(getattr(redis_logs, name))
                              for name in redis_logs.SCRIPTS})

    @property
    def _r(self) -> redis.Redis:
        if self._closed:
            raise StoreError("store is closed")
        return self._redis

    def _run(self, script: str, *args: Any) -> Any:
        if self._closed:
            raise StoreError("store is closed")
        return self._scripts[script](args=[self.prefix, *args])

    def close(self) -> None:
        self._closed = True
        self._redis.close()
        self._redis.connection_pool.disconnect()

    # ---- state machines ------------------------------------------------------------------

    def put_state_machine(self, rec: StateMachineRecord) -> None:
        parent = rec.parent_arn
        self._run("PUT_MACHINE", rec.arn, rec.kind, "0" if parent is None else "1",
                  parent or "", c.score(rec.creation_date, "0"), c.dumps(rec.to_json()))

    def get_state_machine(self, arn: str) -> StateMachineRecord | None:
        text = self._r.hget(self.prefix + "sm:" + arn, "d")
        return None if text is None else StateMachineRecord.from_json(c.loads(text))

    def list_state_machines(self, *, kind: str = "machine",
                            parent_arn: str | None = None) -> list[StateMachineRecord]:
        key = f"smk:{kind}" if parent_arn is None else f"smc:{parent_arn}"
        arns: list[str] = self._r.zrange(self.prefix + key, 0, -1)  # type: ignore[assignment]
        pipe = self._r.pipeline(transaction=False)
        for arn in arns:
            pipe.hmget(self.prefix + "sm:" + arn, "k", "d")
        return [StateMachineRecord.from_json(c.loads(text))
                for found_kind, text in pipe.execute() if found_kind == kind and text]

    def delete_state_machine(self, arn: str) -> None:
        self._run("DELETE_MACHINE", arn)

    # ---- executions ----------------------------------------------------------------------

    def create_execution(self, rec: ExecutionRecord, runs: list[RunState]) -> None:
        if not self._run("CREATE_EXECUTION", *c.create_args(rec, rec.event_count, runs, [])):
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{rec.execution_arn}'")

    def commit(self, execution_arn: str, *, runs: list[tuple[RunState, int]],
               events: list[Message], execution: Mapping[str, Any] | None = None,
               first_previous: Mapping[str, int] | None = None) -> list[int]:
        # Everything is encoded before the script runs: bad values fail with nothing written.
        base.check_updates(execution)
        args = [*c.run_args(runs), *c.event_args(events, first_previous),
                *c.update_args(execution)]
        reply = self._run("COMMIT", execution_arn, *args)
        if reply[0] == -1:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        if reply[0] == 0:
            expected = next(v for run, v in runs if run.run_id == reply[1])
            raise VersionConflict(f"run {reply[1]!r} of {execution_arn} is at version "
                                  f"{reply[2]}, not {expected}")
        return list(range(reply[1], reply[1] + len(events)))

    def load_run(self, execution_arn: str, run_id: str) -> tuple[RunState, int] | None:
        reply = self._run("LOAD_RUN", execution_arn, run_id)
        if not reply or reply[0] is None:
            return None
        return c.run_from(reply[0]), int(reply[1])

    def load_runs(self, execution_arn: str) -> list[tuple[RunState, int]]:
        text = self._run("LOAD_RUNS", execution_arn)
        runs = []
        for line in text.split("\n") if text else ():
            version, _, data = line.partition(" ")
            runs.append((c.run_from(data), int(version)))
        return runs

    def get_execution(self, arn: str) -> ExecutionRecord | None:
        reply = self._run("GET_EXECUTION", arn)
        if reply is None:
            return None
        flat, definition = reply
        return c.record(dict(zip(flat[::2], flat[1::2])), definition or "")

    def list_executions(self, state_machine_arn: str | None = None, status: str | None = None,
                        limit: int = 100, next_token: str | None = None,
                        started_after: float | None = None, started_before: float | None = None,
                        ) -> tuple[list[ExecutionRecord], str | None]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        low, high = c.score(started_after, "-inf"), c.score(started_before, "+inf")
        start, last_arn, ties = "", "", "0"
        if next_token:
            position = c.position(next_token)
            if started_before is None or position[0] <= started_before:
                start, last_arn = repr(float(position[0])), position[1]
                ties = "0" if started_after is not None and position[0] < started_after else "1"
        found, text = self._run("LIST_EXECUTIONS", self._index(state_machine_arn, status),
                                low, high, limit + 1, ties, start, last_arn, *c.COLUMNS)
        page = [c.record(dict(zip(c.COLUMNS, values)), "") for values in c.loads(text)]
        if found <= limit:
            return page, None
        return page, base.encode_page_token([page[-1].start_date, page[-1].execution_arn])

    @staticmethod
    def _index(state_machine_arn: str | None, status: str | None) -> str:
        if state_machine_arn is None:
            return "xs:all" if status is None else f"xs:st:{status}"
        return f"xs:sm:{state_machine_arn}" if status is None else \
            f"xs:sms:{status}:{state_machine_arn}"

    def history(self, execution_arn: str, *, after_id: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[Message]:
        reply = self._run("HISTORY", execution_arn, int(after_id), int(limit),
                          "1" if reverse else "0")
        if reply is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        first, text = reply
        events = [c.event_from(item, event_id)
                  for event_id, item in enumerate(text.split("\n") if text else (), first)]
        return events[::-1] if reverse else events

    def save_express_result(self, rec: ExecutionRecord, events: list[Message] | None) -> None:
        if events is not None:
            rec = replace(rec, event_count=len(events))
        texts = c.numbered_events(events or [])
        self._run("REPLACE_EXECUTION", *c.create_args(rec, 0, [], texts))

    # ---- function invocation logs --------------------------------------------------------

    def put_invocation_log(self, execution_arn: str, *, run_id: str, state: str, task_id: str,
                           attempt: int, request_id: str, lines: list[str], timestamp: float,
                           duration_ms: float | None = None, error: str | None = None) -> None:
        entry = base.log_entry(run_id=run_id, state=state, task_id=task_id, attempt=attempt,
                               request_id=request_id, lines=lines, timestamp=timestamp,
                               duration_ms=duration_ms, error=error)
        if not self._run("PUT_LOG", execution_arn, redis_logs.item(entry)):
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")

    def invocation_logs(self, execution_arn: str, state: str | None = None) -> list[Message]:
        return redis_logs.entries(self._run("LOGS", execution_arn), state)

    # ---- callbacks and the inbox ---------------------------------------------------------

    def put_task_token(self, token: str, execution_arn: str, run_id: str, task_id: str) -> None:
        self._r.hset(self.prefix + "tok", token, c.dumps([execution_arn, run_id, task_id]))

    def resolve_task_token(self, token: str) -> tuple[str, str, str] | None:
        text = self._r.hget(self.prefix + "tok", token)
        if text is None:
            return None
        execution_arn, run_id, task_id = c.loads(text)
        return execution_arn, run_id, task_id

    def delete_task_token(self, token: str) -> None:
        self._r.hdel(self.prefix + "tok", token)

    def post_event(self, execution_arn: str, run_id: str, message: Message) -> None:
        self._run("POST_EVENT", execution_arn, c.dumps([run_id, message]))

    def take_events(self, execution_arn: str) -> list[tuple[int, str, Message]]:
        key = self.prefix + "in:" + execution_arn
        pipe = self._r.pipeline(transaction=True)
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        taken = []
        for item in pipe.execute()[0]:
            inbox_id, _, text = item.partition(" ")
            run_id, message = c.loads(text)
            taken.append((int(inbox_id), run_id, message))
        return taken


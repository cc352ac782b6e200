"""Settings of the distributed runner, read from the environment once per process.

``SFN_BROKER_URL``  Celery broker (default ``redis://127.0.0.1:6379/0``).
``SFN_STORE_URL``   execution store: ``redis://...`` (RedisStore) or ``sqlite:///path``;
                    default: the broker's Redis.
``SFN_REDIS_URL``   Redis for timers, joins, outboxes and the clock; default the broker.
``SFN_VISIBILITY_TIMEOUT``  seconds before an unacknowledged message is redelivered (3600).
``SFN_CLOCK``       ``virtual`` makes workers read the shared virtual clock (tests only).
``SFN_MAX_HISTORY_EVENTS``  AWS's 25,000 unless a benchmark lifts it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
TRANSITIONS = "sfn.transitions"
FUNCTIONS = "sfn.functions"
QUEUES = (TRANSITIONS, FUNCTIONS)
ADVANCE_TASK = "sfn.advance"
INVOKE_TASK = "sfn.invoke"
AWS_MAX_HISTORY_EVENTS = 25_000


@dataclass(frozen=True)
class Settings:
    broker_url: str = DEFAULT_BROKER
    store_url: str = DEFAULT_BROKER
    redis_url: str = DEFAULT_BROKER
    visibility_timeout: int = 3600
    virtual: bool = False
    max_history_events: int = AWS_MAX_HISTORY_EVENTS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        broker = env.get("SFN_BROKER_URL") or DEFAULT_BROKER
        return cls(broker_url=broker,
                   store_url=env.get("SFN_STORE_URL") or broker,
                   redis_url=env.get("SFN_REDIS_URL") or broker,
                   visibility_timeout=int(env.get("SFN_VISIBILITY_TIMEOUT") or 3600),
                   virtual=env.get("SFN_CLOCK", "").lower() == "virtual",
                   max_history_events=int(env.get("SFN_MAX_HISTORY_EVENTS")
                                          or AWS_MAX_HISTORY_EVENTS))

    def transport_options(self) -> dict[str, Any]:
        # Abandoned messages (a killed worker's) come back after visibility_timeout; the
        # restore sweep and its mutex must not be slower than that.
        sweep = max(1, min(10, self.visibility_timeout // 3))
        return {"visibility_timeout": self.visibility_timeout,
                "unacked_restore_interval": sweep, "unacked_restore_throttle": 1,
                "unacked_mutex_expire": max(5, min(300, self.visibility_timeout))}


def distributed_enabled(env: Mapping[str, str] | None = None) -> bool:
    """The CLI uses the Celery runner when a broker is configured."""
    env = os.environ if env is None else env
    return bool(env.get("SFN_BROKER_URL"))


def open_store(url: str) -> Any:
    """The execution store named by ``url``."""
    if url.startswith("sqlite://"):
        from workflow.store.sqlite import SqliteStore
        return SqliteStore(url[len("sqlite://"):] or ".sfn/sfn.db")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return _redis_store(url)
    raise ValueError(f"unsupported store URL {url!r}: use redis://... or sqlite:///path")


def _redis_store(url: str) -> Any:
    try:
        from workflow.store.redis_store import RedisStore  # type: ignore[import-not-found]
    except ImportError as exc:
        raise RuntimeError("this sfn has no RedisStore yet: set SFN_STORE_URL=sqlite:///PATH "
                           "(a file every worker can reach)") from exc
    from_url = getattr(RedisStore, "from_url", None)
    return from_url(url) if from_url else RedisStore(url)


def make_app(settings: Settings) -> Any:
    """A configured app; clients use one to publish, the worker's also has the tasks."""
    from celery import Celery
    from kombu import Exchange, Queue
    app = Celery("sfn", broker=settings.broker_url, backend=settings.broker_url,
                 set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_ignore_result=True, result_expires=3600,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_default_queue=TRANSITIONS,
        task_routes={ADVANCE_TASK: {"queue": TRANSITIONS}, INVOKE_TASK: {"queue": FUNCTIONS}},
        broker_transport_options=settings.transport_options(),
        result_backend_transport_options=settings.transport_options(),
        broker_connection_retry_on_startup=True, worker_send_task_events=False,
        task_send_sent_event=False, worker_enable_remote_control=False,
    )
    return app

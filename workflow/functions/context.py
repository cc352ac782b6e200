"""The context object handed to ``handler(event, context)``, with Lambda's Python attributes
(lambda-xray.md §2 "Python context object", awslambdaric ``LambdaContext``)."""
from __future__ import annotations

import time
from typing import Callable

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "000000000000"


def function_arn(name: str, qualifier: str | None = None, *, region: str = DEFAULT_REGION,
                 account: str = DEFAULT_ACCOUNT) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


class LambdaContext:
    """``memory_limit_in_mb`` is a string, as awslambdaric copies it from the environment.
    ``identity`` and ``client_context`` are None: nothing here supplies Cognito or mobile data."""

    def __init__(self, *, function_name: str, function_version: str, invoked_function_arn: str,
                 memory_limit_in_mb: int, aws_request_id: str, log_stream_name: str,
                 deadline_ms: int, clock: Callable[[], float] = time.time) -> None:
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = str(memory_limit_in_mb)
        self.aws_request_id = aws_request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name
        self.identity: object | None = None
        self.client_context: object | None = None
        self.tenant_id: str | None = None
        self._deadline_ms = deadline_ms
        self._clock = clock

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(self._clock() * 1000))

    def __repr__(self) -> str:
        return (f"LambdaContext(function_name={self.function_name!r}, "
                f"aws_request_id={self.aws_request_id!r})")

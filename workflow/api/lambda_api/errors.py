"""Lambda-shaped error responses (REST-JSON): ``x-amzn-ErrorType`` names the exception and the
body carries ``Type`` and ``message``."""
from __future__ import annotations

import json

from starlette.responses import Response

JSON = "application/json"


class LambdaError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def invalid(message: str) -> LambdaError:
    return LambdaError("InvalidParameterValueException", message, 400)


def error_response(code: str, message: str, status: int, request_id: str) -> Response:
    kind = "Service" if status >= 500 else "User"
    body = json.dumps({"Type": kind, "message": message}, ensure_ascii=False).encode()
    return Response(body, status, media_type=JSON,
                    headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id})

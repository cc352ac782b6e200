"""sfn's Python runtime: the Lambda Runtime API loop for a ``module.function`` handler.

Started as ``python python_bootstrap.py`` with the code directory as working directory and
Lambda's environment (``_HANDLER``, ``AWS_LAMBDA_RUNTIME_API``, ...). Standard library only, one
kept-alive HTTP connection. Errors are reported in awslambdaric's shapes: ``/init/error`` with
``Runtime.ImportModuleError`` / ``Runtime.HandlerNotFound`` / ``Runtime.UserCodeSyntaxError``,
``/invocation/{id}/error`` with ``{errorMessage, errorType, requestId, stackTrace}``.
"""
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"
_conn = None


def request(method, path, body=None, headers=None):
    global _conn
    for attempt in (0, 1):
        if _conn is None:
            host, port = API.rsplit(":", 1)
            _conn = http.client.HTTPConnection(host, int(port))
        try:
            _conn.request(method, BASE + path, body=body, headers=headers or {})
            response = _conn.getresponse()
            return response, response.read()
        except (ConnectionError, http.client.HTTPException, OSError):
            _conn.close()
            _conn = None
            if attempt:
                raise
    raise RuntimeError("unreachable")


def error_payload(exc, request_id=""):
    frames = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
    kind = type(exc).__name__
    return {"errorMessage": str(exc), "errorType": kind, "requestId": request_id,
            "stackTrace": frames}


def init_error(kind, message):
    body = json.dumps({"errorMessage": message, "errorType": kind, "requestId": "",
                       "stackTrace": []})
    print(f"[ERROR] {kind}: {message}", flush=True)
    request("POST", "/init/error", body, {"Lambda-Runtime-Function-Error-Type": kind})
    sys.exit(1)


def load_handler(spec):
    module_name, _, function_name = spec.rpartition(".")
    if not module_name or not function_name:
        init_error("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values "
                   f"to unpack (expected 2, got 1)")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as exc:
        init_error("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}")
    except Exception as exc:  # noqa: BLE001 - user code may raise anything on import
        init_error("Runtime.ImportModuleError",
                   f"Unable to import module '{module_name}': {exc}")
    handler = getattr(module, function_name, None)
    if handler is None:
        init_error("Runtime.HandlerNotFound",
                   f"Handler '{function_name}' missing on module '{module_name}'")
    return handler


class Context:
    def __init__(self, headers):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.identity = None
        self.client_context = None
        self._deadline = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t"
                                  "%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def invoke(handler, response, body):
    headers = {k: v for k, v in response.getheaders()}
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    RequestIdFilter.request_id = request_id
    if headers.get("Lambda-Runtime-Trace-Id"):
        os.environ["_X_AMZN_TRACE_ID"] = headers["Lambda-Runtime-Trace-Id"]
    try:
        result = handler(json.loads(body) if body else None, Context(headers))
        text = json.dumps(result)
    except MemoryError:
        payload = {"errorMessage": "MemoryError", "errorType": "Runtime.OutOfMemory",
                   "requestId": request_id, "stackTrace": []}
        return report_error(request_id, payload, "Runtime.OutOfMemory")
    except Exception as exc:  # noqa: BLE001 - the handler's failure is the invocation's result
        payload = error_payload(exc, request_id)
        if isinstance(exc, TypeError) and "not JSON serializable" in str(exc):
            payload["errorType"] = "Runtime.MarshalError"
            payload["errorMessage"] = f"Unable to marshal response: {exc}"
        return report_error(request_id, payload, "Unhandled")
    request("POST", f"/invocation/{request_id}/response", text.encode("utf-8"),
            {"Content-Type": "application/json"})


def report_error(request_id, payload, kind):
    print(f"[ERROR] {payload['errorType']}: {payload['errorMessage']}", flush=True)
    for frame in payload.get("stackTrace") or []:
        print(frame.rstrip("\n"), flush=True)
    request("POST", f"/invocation/{request_id}/error", json.dumps(payload).encode("utf-8"),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": kind})


def main():
    sys.stdout.reconfigure(line_buffering=True, write_through=True)
    sys.stderr.reconfigure(line_buffering=True, write_through=True)
    root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, root)
    setup_logging()
    handler = load_handler(os.environ["_HANDLER"])
    while True:
        response, body = request("GET", "/invocation/next")
        if response.status != 200:
            sys.exit(0)
        invoke(handler, response, body)


if __name__ == "__main__":
    main()

"""Functions for the Task corpus cases (task.json): small, deterministic, no module state."""
import time


class OrderNotFound(Exception):
    """A user-defined error: Lambda reports its class name as errorType."""


class PaymentError(Exception):
    pass


class CardDeclined(PaymentError):
    """A subclass: its errorType is its own name, not its base class's."""


def echo(event, context):
    return event


def double(event, context):
    return {"doubled": event["n"] * 2}


def constant(event, context):
    """Returns event["value"] as is (a string, a number, null, ...)."""
    return event.get("value")


def nothing(event, context):
    return None


def raise_value_error(event, context):
    raise ValueError(event.get("message", "bad value"))


def raise_key_error(event, context):
    return event["missing"]


def raise_custom(event, context):
    raise OrderNotFound(f"order {event.get('order', '?')} not found")


def raise_subclass(event, context):
    raise CardDeclined("card declined")


def not_json(event, context):
    return {"tags": {"a", "b"}}


def context_info(event, context):
    remaining = context.get_remaining_time_in_millis()
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "arn_tail": context.invoked_function_arn.split(":function:", 1)[1],
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "remaining_positive": remaining > 0,
        "has_request_id": isinstance(context.aws_request_id, str) and len(context.aws_request_id) > 0,
    }


def big(event, context):
    """A string of event["size"] characters."""
    return "x" * event["size"]


def sleep(event, context):
    time.sleep(event["seconds"])
    return {"slept": event["seconds"]}


def exit_process(event, context):
    raise SystemExit(2)

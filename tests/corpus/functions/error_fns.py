"""Functions for the error-handling corpus cases (errors.json). A function keeps no state of its
own: the attempt number arrives in the event ($$.State.RetryCount passed by Parameters)."""
import time


class ErrorA(Exception):
    pass


class ErrorB(Exception):
    pass


class ErrorC(Exception):
    pass


class Transient(Exception):
    pass


class Fatal(Exception):
    pass


ERRORS = {cls.__name__: cls for cls in (ErrorA, ErrorB, ErrorC, Transient, Fatal, ValueError)}


def fail_sequence(event, context):
    """Raises ERRORS[event["errors"][retry]] with message "attempt <retry>" while the list has an
    entry for this attempt; afterwards returns {"succeededOnAttempt": retry}."""
    retry = event["retry"]
    errors = event["errors"]
    if retry < len(errors):
        raise ERRORS[errors[retry]](f"attempt {retry}")
    return {"succeededOnAttempt": retry}


def always_fail(event, context):
    """Raises ERRORS[event["error"]] with message "attempt <retry>" every time."""
    raise ERRORS[event.get("error", "Transient")](f"attempt {event.get('retry', 0)}")


def echo(event, context):
    return event


def big(event, context):
    return "x" * event["size"]


def sleep(event, context):
    time.sleep(event["seconds"])
    return {"slept": event["seconds"]}


def noop(event, context):
    """For callback tasks: returns without ever sending the task token back."""
    return {"token_received": isinstance(event.get("token"), str)}

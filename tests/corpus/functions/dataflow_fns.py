"""Functions for the data-flow and context corpus cases (dataflow.json, context.json)."""


class NotYet(Exception):
    """Raised until the attempt number reaches the wanted one."""


def hello(event, context):
    """The 'HelloFunction' of AWS's data-flow examples: greets event["who"]."""
    return "Hello, " + event["who"] + "!"


def succeed_on_attempt(event, context):
    """Fails with NotYet while event["attempt"] < event["succeedOn"]; then echoes the event."""
    if event["attempt"] < event["succeedOn"]:
        raise NotYet(f"attempt {event['attempt']}")
    return event


def constant(event, context):
    """Ignores its (possibly large) event and returns a small constant."""
    return {"ok": True}

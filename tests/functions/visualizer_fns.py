"""Functions for the visualizer's execution-overlay tests. They keep no state: the attempt
number arrives in the event ($$.State.RetryCount passed by Parameters)."""


class Boom(Exception):
    pass


def ok(event, context):
    return event


def flaky(event, context):
    """Fails while ``retry`` < ``fails``, then returns the event."""
    if event.get("retry", 0) < event.get("fails", 0):
        raise Boom(f"attempt {event.get('retry', 0)}")
    return event


def boom(event, context):
    raise Boom("always")

"""Returns its event; ``shout`` upper-cases a message; ``value`` is not callable."""
loads = 0
loads += 1
value = 42


def handler(event, context):
    return event


def shout(event, context):
    return {"message": str(event.get("message", "")).upper(), "loads": loads}


def mutate(event, context):
    event["touched"] = True
    return event

"""Functions of the dashboard tests: one that always fails (to be retried, then caught)."""


def always_fails(event, context):
    print("trying", event.get("order"))
    raise ValueError("no stock for <b>widget</b>")


def greet(event, context):
    print("hello", event.get("order"))
    return {"greeted": event.get("order")}

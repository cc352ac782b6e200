"""Functions for Map failure-tolerance cases: fail for the items marked to fail."""


class ItemFailed(Exception):
    pass


def maybe_fail(event, context):
    if event.get("fail"):
        raise ItemFailed(f"item {event.get('id')} failed")
    return {"id": event.get("id"), "ok": True}

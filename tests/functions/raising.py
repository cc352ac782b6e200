"""Raises a built-in exception from a nested call."""


def _check(amount):
    if amount > 10:
        raise ValueError(f"boom: {amount}")
    return amount


def handler(event, context):
    return {"amount": _check(event["amount"])}


def empty(event, context):
    raise KeyError

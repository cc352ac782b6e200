"""Module code raises while the function initialises."""
raise RuntimeError("configuration missing")


def handler(event, context):
    return event

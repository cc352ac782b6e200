"""Raises an exception class defined in the function's own module."""


class PaymentDeclined(Exception):
    pass


def handler(event, context):
    raise PaymentDeclined(f"card {event.get('card', '?')} declined")


def exits(event, context):
    raise SystemExit(3)

"""Returns values that are not JSON."""
from decimal import Decimal


def handler(event, context):
    return {"tags": {"a", "b"}}


def not_a_number(event, context):
    return float("nan")


def decimals(event, context):
    return {"count": Decimal("3"), "price": Decimal("2.5")}


def tuples(event, context):
    return {"pair": (1, 2)}

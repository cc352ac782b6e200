"""Functions of the `sfn logs` tests: each prints what it is doing, one always fails."""
import logging


def charge(event, context):
    print("charging", event["order"])
    logging.getLogger("shop").warning("card of %s declined", event["order"])
    raise ValueError("card declined")


def pack(event, context):
    print("packing", event)
    return event

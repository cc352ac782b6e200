"""Python functions for the demo order machine: each is ``handler(event, context)``."""
import time

PRICES = {"book": 12.5, "pen": 1.25, "lamp": 30.0}


def validate_order(event, context):
    lines = event.get("lines", [])
    problems = [line["sku"] for line in lines if line.get("sku") not in PRICES]
    print(f"validating order {event.get('orderId')}: {len(lines)} lines")
    return {"ok": bool(lines) and not problems, "unknown": problems}


def price_line(event, context):
    line = event["line"]
    return {"sku": line["sku"], "amount": PRICES[line["sku"]] * line["qty"],
            "currency": event["currency"], "position": event["position"]}


def reserve_stock(event, context):
    time.sleep(0.05)  # the warehouse system is slow; the card is charged meanwhile
    return {"reservation": f"RES-{event['orderId']}"}


class GatewayBusy(Exception):
    """The payment gateway asks us to retry."""


class CardDeclined(Exception):
    pass


def charge_card(event, context):
    if event["card"].startswith("0000"):
        raise CardDeclined("card was declined")
    if event["attempt"] == 0:
        raise GatewayBusy("payment gateway busy, try again")
    return {"receipt": f"RCPT-{int(event['amount'] * 100)}"}

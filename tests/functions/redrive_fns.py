"""For redrive tests: ``flaky`` fails the chosen values until the execution is redriven."""
import time


def flaky(event, context):
    """``{"value": N, "fail": [N...], "redrive": $$.Execution.RedriveCount}`` -> N * 10."""
    if event["redrive"] == 0 and event["value"] in event.get("fail", []):
        time.sleep(event.get("delay", 0.5))      # the others succeed first: none is aborted
        raise RuntimeError(f"value {event['value']} fails before a redrive")
    return event["value"] * 10

"""Writes to stdout, stderr and logging; ``chatty`` interleaves lines with another thread."""
import logging
import sys
import time

logger = logging.getLogger("printing")
print("init line")


def handler(event, context):
    print("hello", event.get("who", "world"))
    print("to stderr", file=sys.stderr)
    logger.warning("careful %s", event.get("who", "world"))
    logger.info("not shown: the root logger stays at WARNING, as in Lambda")
    return "done"


def chatty(event, context):
    tag = event["tag"]
    for index in range(event.get("lines", 20)):
        print(f"{tag} {index}")
        logger.error("%s log %d", tag, index)
        time.sleep(0.001)
    return tag

"""Same module names as ../sibling, different code: must not share ``helpers``."""
import helpers


def handler(event, context):
    return helpers.greet(event["name"])

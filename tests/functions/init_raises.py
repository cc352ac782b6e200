"""Module code raises while being imported."""
CONFIG = {}
TABLE = CONFIG["TABLE_NAME"]


def handler(event, context):
    return TABLE

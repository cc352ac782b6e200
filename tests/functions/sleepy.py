"""Sleeps for ``event["seconds"]``."""
import time


def handler(event, context):
    time.sleep(event["seconds"])
    return "awake"

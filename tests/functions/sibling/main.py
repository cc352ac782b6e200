"""Imports a module that sits next to it."""
import helpers


def handler(event, context):
    return helpers.greet(event["name"])

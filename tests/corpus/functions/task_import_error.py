"""Importing this module fails: the module it needs does not exist."""
import sfn_corpus_module_that_does_not_exist  # noqa: F401


def handler(event, context):
    return event

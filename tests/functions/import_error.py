"""Fails at import: the module it needs does not exist."""
import sfn_test_no_such_module  # noqa: F401


def handler(event, context):
    return "never"

"""The operator dashboard, served by ``sfn server`` under ``/ui/`` on the same (by default
127.0.0.1-bound) port as the AWS API.

- ``session``  sign-in with the server's secret key, the session cookie, CSRF checks
- ``pages``    the HTML shells (boot JSON only; scripts and styles from ``static/``)
- ``data``     the JSON API: AWS actions forwarded to their own handlers, plus the listing
               with filters (``query``), the graph and statuses (``detail``), a state's
               visits and attempts (``steps``); ``functions``: the functions pages' data
- ``live``     server-sent events while an execution runs
- ``routes``   the starlette routes; ``workflow.api.app`` mounts them before the AWS router
"""
from workflow.api.dashboard.routes import routes

__all__ = ["routes"]

"""``sfn server``: AWS's own APIs over HTTP, so boto3 and the AWS CLI work unchanged.

    app.py            the ASGI app: body limit, SigV4 (auth.py), routers, error shapes
    stepfunctions/    the Step Functions JSON 1.0 actions, grouped by resource
    shapes.py         request validation against AWS's service model (botocore's copy)
    history_shapes.py stored events as AWS HistoryEvents (shared with the dashboard)
    engine.py         where executions run: embedded threads or the Celery workers
"""

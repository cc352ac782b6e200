"""``sfn server``: serve AWS's Step Functions API (JSON 1.0, SigV4) over HTTP with uvicorn.

The store and the runner are chosen as for every command: ``--db``/``SFN_DB`` (embedded,
default ``.sfn/sfn.db``), or the Celery deployment's when ``SFN_BROKER_URL`` is set."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from workflow.cli.options import DEFAULT_DB, build_registry, db_option, open_store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (only this machine unless told otherwise).")
@click.option("--port", type=click.IntRange(0, 65535), default=8083, show_default=True)
@click.option("--function", "functions", multiple=True, metavar="NAME=FILE.py:HANDLER",
              help="Register a Python function Task states can call (repeatable).")
@click.option("--functions", "function_files", multiple=True, metavar="FILE.py",
              help="Register every public top-level function of FILE.py.")
@click.option("--activity-poll-seconds", type=click.FloatRange(0, 60), default=60.0,
              show_default=True, help="How long GetActivityTask waits for a task.")
@db_option
def server(host: str, port: int, functions: tuple[str, ...], function_files: tuple[str, ...],
           activity_poll_seconds: float, db: str | None) -> None:
    """Serve the Step Functions API: point boto3 or the AWS CLI at --endpoint-url."""
    import uvicorn

    from workers.config import distributed_enabled
    from workflow.api.app import create_app
    from workflow.api.auth import load_credentials
    from workflow.api.service import Settings, build_api

    store_dir = Path(db or DEFAULT_DB).parent
    settings = Settings(store_dir=store_dir, activity_poll_seconds=activity_poll_seconds,
                        distributed=distributed_enabled())
    creds = load_credentials(store_dir)
    if creds.generated:
        click.echo(f"sfn server: generated credentials (kept in {store_dir}/"
                   f"server-credentials.json):\n  AWS_ACCESS_KEY_ID={creds.access_key_id}\n"
                   f"  AWS_SECRET_ACCESS_KEY={creds.secret_access_key}", err=True)
    registry = build_registry(functions, function_files)
    api = build_api(None if settings.distributed else open_store(db), settings, registry)
    where = "Celery workers" if settings.distributed else f"embedded, {db or DEFAULT_DB}"
    click.echo(f"sfn server: http://{host}:{port} ({where})", err=True)
    click.echo(f"sfn server: dashboard http://{host}:{port}/ui/ (sign in with the secret "
               f"access key)", err=True)
    logging.basicConfig(level=os.environ.get("SFN_LOG_LEVEL", "WARNING"))
    try:
        uvicorn.run(create_app(api, creds), host=host, port=port, log_level="warning",
                    access_log=False, timeout_graceful_shutdown=5)
    finally:
        api.close()

"""``sfn functions ...``: the function registry (create, update-code, update-config, get, list,
delete), versions and aliases. Answers are printed as Lambda's API shapes them (JSON)."""
from __future__ import annotations

import json
from typing import Any, Callable

import click

from workflow.errors import InputError

store_option = click.option(
    "--store", "store_url", default=None, metavar="URL", envvar="SFN_FUNCTIONS_URL",
    help="Function store: sqlite:///PATH or redis://... (env SFN_FUNCTIONS_URL; default the "
         "runner's Redis when SFN_BROKER_URL is set, else .sfn/functions.db).")


class _Opened:
    def __init__(self, url: str | None) -> None:
        from workflow.functions.service import Registry, open_function_store
        self.store = open_function_store(url)
        self.registry = Registry(self.store)

    def __enter__(self) -> Any:
        return self.registry

    def __exit__(self, *exc: Any) -> None:
        self.store.close()


def echo(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def parse_env(pairs: tuple[str, ...]) -> dict[str, str] | None:
    if not pairs:
        return None
    env = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InputError(f"--env {pair!r}: expected KEY=VALUE")
        env[key] = value
    return env


def parse_weights(pairs: tuple[str, ...]) -> dict[str, float] | None:
    if not pairs:
        return None
    weights = {}
    for pair in pairs:
        version, sep, weight = pair.partition("=")
        try:
            weights[version] = float(weight)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"--weights {pair!r}: expected VERSION=WEIGHT (e.g. 2=0.1)")
    return weights


@click.group()
def functions() -> None:
    """Register, version and alias functions that Task states and `sfn invoke` run."""


def _code_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--memory", "memory_mb", type=int, default=None,
                           help="MemorySize in MB (128-10240; default 128).")(command)
    command = click.option("--timeout", "timeout_s", type=int, default=None,
                           help="Timeout in seconds (1-900; default 3).")(command)
    command = click.option("--env", "env", multiple=True, metavar="K=V",
                           help="An environment variable (repeatable).")(command)
    command = click.option("--description", default=None)(command)
    return click.option("--reserved-concurrency", "reserved", type=int, default=None,
                        help="Cap on concurrent invocations (0 throttles every call).")(command)


@functions.command("create")
@click.argument("name")
@click.option("--code", required=True, metavar="DIR|ZIP", help="A directory or a .zip file.")
@click.option("--handler", required=True, metavar="MODULE.FUNCTION")
@click.option("--runtime", required=True, metavar="RUNTIME",
              help="python3.11, python3.12, nodejs20 or provided.")
@_code_options
@click.option("--publish", is_flag=True, help="Also publish version 1.")
@store_option
def create(name: str, code: str, handler: str, runtime: str, memory_mb: int | None,
           timeout_s: int | None, env: tuple[str, ...], description: str | None,
           reserved: int | None, publish: bool, store_url: str | None) -> None:
    """Create function NAME from CODE."""
    with _Opened(store_url) as registry:
        config = registry.create(name, code, handler=handler, runtime=runtime,
                                 memory_mb=memory_mb or 128, timeout_s=timeout_s or 3,
                                 environment=parse_env(env), description=description or "",
                                 reserved_concurrency=reserved)
        echo(_maybe_publish(registry, config, publish))


def _maybe_publish(registry: Any, config: Any, publish: bool) -> dict[str, Any]:
    if not publish:
        return config.to_api()
    from workflow.functions.service.versions import publish as publish_version
    return publish_version(registry, config.name).to_api()


@functions.command("update-code")
@click.argument("name")
@click.option("--code", required=True, metavar="DIR|ZIP")
@click.option("--publish", is_flag=True, help="Also publish a version of the new code.")
@store_option
def update_code(name: str, code: str, publish: bool, store_url: str | None) -> None:
    """Replace $LATEST's code (published versions keep theirs)."""
    with _Opened(store_url) as registry:
        echo(_maybe_publish(registry, registry.update_code(name, code), publish))


@functions.command("update-config")
@click.argument("name")
@click.option("--handler", default=None)
@click.option("--runtime", default=None)
@_code_options
@click.option("--no-reserved-concurrency", "unreserve", is_flag=True,
              help="Remove the reserved concurrency cap.")
@store_option
def update_config(name: str, handler: str | None, runtime: str | None, memory_mb: int | None,
                  timeout_s: int | None, env: tuple[str, ...], description: str | None,
                  reserved: int | None, unreserve: bool, store_url: str | None) -> None:
    """Change $LATEST's configuration (only the options given)."""
    changes: dict[str, Any] = dict(handler=handler, runtime=runtime, memory_mb=memory_mb,
                                   timeout_s=timeout_s, environment=parse_env(env),
                                   description=description)
    changes = {k: v for k, v in changes.items() if v is not None}
    if reserved is not None or unreserve:
        changes["reserved_concurrency"] = None if unreserve else reserved
    with _Opened(store_url) as registry:
        echo(registry.update_config(name, **changes).to_api())


@functions.command("get")
@click.argument("name", metavar="NAME[:QUALIFIER]")
@store_option
def get(name: str, store_url: str | None) -> None:
    """Configuration, code and concurrency of a function, version or alias."""
    with _Opened(store_url) as registry:
        config = registry.get(name)
        shown: dict[str, Any] = {"Configuration": config.to_api(),
                                 "Code": {"RepositoryType": "sfn",
                                          "Location": f"sha256:{config.code_sha256}"}}
        reserved = registry.latest(config.name).reserved_concurrency
        if reserved is not None:
            shown["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
        echo(shown)


@functions.command("list")
@store_option
def list_(store_url: str | None) -> None:
    """Every function ($LATEST)."""
    with _Opened(store_url) as registry:
        echo({"Functions": [config.to_api() for config in registry.list()]})


@functions.command("delete")
@click.argument("name", metavar="NAME[:VERSION]")
@store_option
def delete(name: str, store_url: str | None) -> None:
    """Delete a function (with its versions and aliases) or one version."""
    with _Opened(store_url) as registry:
        registry.delete(name)


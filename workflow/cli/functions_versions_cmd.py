"""``sfn functions publish-version | list-versions | create-alias | update-alias | get-alias |
list-aliases | delete-alias``."""
from __future__ import annotations

import click

from workflow.cli.functions_cmd import _Opened, echo, functions, parse_weights, store_option
from workflow.functions.service import versions as v


@functions.command("publish-version")
@click.argument("name")
@click.option("--description", default=None)
@click.option("--code-sha256", default=None, help="Publish only if $LATEST has this code.")
@click.option("--revision-id", default=None, help="Publish only if $LATEST has this revision.")
@store_option
def publish_version(name: str, description: str | None, code_sha256: str | None,
                    revision_id: str | None, store_url: str | None) -> None:
    """Freeze $LATEST's code and configuration as the next version number."""
    with _Opened(store_url) as registry:
        echo(v.publish(registry, name, description, code_sha256, revision_id).to_api())


@functions.command("list-versions")
@click.argument("name")
@store_option
def list_versions(name: str, store_url: str | None) -> None:
    with _Opened(store_url) as registry:
        echo({"Versions": [config.to_api() for config in v.versions(registry, name)]})


@functions.command("create-alias")
@click.argument("name")
@click.argument("alias")
@click.option("--version", "version", required=True, help="The alias's main version.")
@click.option("--weights", multiple=True, metavar="VERSION=WEIGHT",
              help="Send WEIGHT (0-1) of the traffic to another version (e.g. 2=0.1).")
@click.option("--description", default="")
@store_option
def create_alias(name: str, alias: str, version: str, weights: tuple[str, ...],
                 description: str, store_url: str | None) -> None:
    """Point ALIAS at a version, optionally splitting traffic with a second one."""
    with _Opened(store_url) as registry:
        echo(v.create_alias(registry, name, alias, version, parse_weights(weights),
                            description).to_api())


@functions.command("update-alias")
@click.argument("name")
@click.argument("alias")
@click.option("--version", "version", default=None)
@click.option("--weights", multiple=True, metavar="VERSION=WEIGHT")
@click.option("--no-weights", is_flag=True, help="Send all traffic to the main version.")
@click.option("--description", default=None)
@store_option
def update_alias(name: str, alias: str, version: str | None, weights: tuple[str, ...],
                 no_weights: bool, description: str | None, store_url: str | None) -> None:
    with _Opened(store_url) as registry:
        routing = {} if no_weights else parse_weights(weights)
        echo(v.update_alias(registry, name, alias, version, routing, description).to_api())


@functions.command("get-alias")
@click.argument("name")
@click.argument("alias")
@store_option
def get_alias(name: str, alias: str, store_url: str | None) -> None:
    with _Opened(store_url) as registry:
        echo(v.get_alias(registry, name, alias).to_api())


@functions.command("list-aliases")
@click.argument("name")
@store_option
def list_aliases(name: str, store_url: str | None) -> None:
    with _Opened(store_url) as registry:
        registry.latest(name)
        echo({"Aliases": [a.to_api() for a in registry.store.aliases(name)]})


@functions.command("delete-alias")
@click.argument("name")
@click.argument("alias")
@store_option
def delete_alias(name: str, alias: str, store_url: str | None) -> None:
    with _Opened(store_url) as registry:
        v.delete_alias(registry, name, alias)

"""Entry point of the `vitalscope` command."""

from __future__ import annotations

import click

import vitalscope
from vitalscope.app.cli.alerts import alerts
from vitalscope.app.cli.configcmd import config_group
from vitalscope.app.cli.deadletters import deadletters
from vitalscope.app.cli.demo import demo
from vitalscope.app.cli.dev import dev
from vitalscope.app.cli.migrate import migrate
from vitalscope.app.cli.sdk import sdk
from vitalscope.app.cli.serve import collector, dashboard, serve, worker
from vitalscope.app.cli.sites import sites
from vitalscope.app.cli.sourcemaps import sourcemaps
from vitalscope.app.cli.synthetics import synthetics


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(vitalscope.__version__, prog_name="vitalscope")
def cli() -> None:
    """Vitalscope: real-user monitoring, synthetic monitoring and alerting on ClickHouse."""


for command in (serve, collector, worker, dashboard, migrate, sites, config_group,
                synthetics, alerts, deadletters, sdk, demo, sourcemaps, dev):
    cli.add_command(command)


def main() -> None:
    cli()

"""The CLI reference (docs/cli.md), generated from the commands' own help:
`python -m vitalscope.app.cli.reference > docs/cli.md`."""

from __future__ import annotations

from collections.abc import Iterator

import click

from vitalscope.app.cli.main import cli

HEADER = """# CLI reference

Generated from the commands' help by `python -m vitalscope.app.cli.reference`; do not edit by
hand. `vitalscope COMMAND --help` prints the same.
"""


def commands(group: click.Group = cli, prefix: str = "vitalscope") -> Iterator[
        tuple[str, click.Command]]:
    for name in sorted(group.commands):
        command = group.commands[name]
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


def render_reference() -> str:
    parts = [HEADER]
    for path, command in commands():
        context = click.Context(command, info_name=path)
        usage = command.get_usage(context).removeprefix("Usage: ")
        parts.append(f"\n## `{path}`\n\n```\n{usage}\n```\n")
        if command.help:
            parts.append("\n" + click.unstyle(command.help).strip() + "\n")
        options = [p for p in command.get_params(context) if isinstance(p, click.Option)]
        rows = []
        for option in options:
            record = option.get_help_record(context)
            if record:
                flags, text = record
                rows.append(f"| `{flags}` | {text.replace('|', '/')} |")
        if rows:
            parts.append("\n| option | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render_reference(), end="")

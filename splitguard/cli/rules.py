"""`splitguard rules` lists every rule; `splitguard rule CODE` prints one rule's page."""

from __future__ import annotations

import json

import click

from splitguard.core.errors import OptionError, closest


@click.command("rules")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text: a table; json: a list for scripts.",
)
def rules_command(format_name: str) -> None:
    """List the rules: code, name, family, default severity, summary."""
    from splitguard.rules.registry import registered_rules

    rules = registered_rules().values()
    if format_name == "json":
        listing = [
            {
                "code": rule.code,
                "name": rule.name,
                "family": rule.family,
                "severity": rule.severity,
                "summary": rule.summary(),
            }
            for rule in rules
        ]
        click.echo(json.dumps(listing, indent=2))
        return
    from rich.table import Table

    from splitguard.cli.render import console

    table = Table(box=None, pad_edge=False)
    for heading in ("code", "name", "family", "severity", "summary"):
        table.add_column(heading, no_wrap=heading != "summary")
    for rule in rules:
        table.add_row(rule.code, rule.name, rule.family, rule.severity, rule.summary())
    console().print(table)


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule: what it does, why it matters, an example, its options, the fix."""
    from splitguard.rules.docs import rule_markdown
    from splitguard.rules.registry import registered_rules

    rules = registered_rules()
    rule = rules.get(code.strip().upper())
    if rule is None:
        raise OptionError(
            f"no rule {code!r}{closest(code.upper(), rules)}. `splitguard rules` lists the codes."
        )
    click.echo(rule_markdown(rule), nl=False)

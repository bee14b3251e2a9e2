"""The options every command takes anywhere on its line, as ruff's do: -q, -V, --debug.

`splitguard check -q ...` and `splitguard -q check ...` mean the same: each option is
declared on the group and on every command, and writes to the context's `meta`, which
the group and its command share.

Under -q/--quiet a command prints what a script reads and nothing else: the findings
(check's finding lines, split's and fix's errors and warnings on the result), the
table it was asked for (stats), machine formats unchanged, and errors and warnings on
stderr. Progress bars, banners, headings, summary lines, explanations and "wrote ..."
notes are left out.
"""

from __future__ import annotations

from typing import Any

import click

from splitguard import __version__

QUIET = "splitguard.quiet"


def quiet() -> bool:
    """True when -q/--quiet was given (anywhere on the line) to the running command."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(QUIET))


def _set_quiet(context: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        context.meta[QUIET] = True


def _print_version(context: click.Context, _: click.Parameter, value: bool) -> None:
    if value and not context.resilient_parsing:
        click.echo(f"splitguard {__version__}")
        context.exit()


def global_options() -> list[click.Option]:
    """Fresh option objects (click keeps per-command state in them)."""
    kinds: dict[str, Any] = {"is_flag": True, "expose_value": False}
    return [
        click.Option(
            ["-q", "--quiet"],
            callback=_set_quiet,
            help="Print only findings, results and errors: no progress, no summaries.",
            **kinds,
        ),
        click.Option(
            ["-V", "--version"],
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
            **kinds,
        ),
        # main() reads --debug from the line itself: it decides how an error is shown,
        # after click has gone.
        click.Option(["--debug"], help="Show the traceback of an unexpected failure.", **kinds),
    ]


def with_global_options(command: click.Command) -> click.Command:
    """`command` taking -q, -V and --debug too (once, however often it is looked up)."""
    taken = {name for param in command.params for name in param.opts}
    if "--quiet" not in taken:
        command.params.extend(global_options())
    return command


def debug_requested(args: list[str]) -> bool:
    """--debug before the first `--` (after it, every word is an input's name)."""
    words = args[: args.index("--")] if "--" in args else args
    return "--debug" in words

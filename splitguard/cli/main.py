"""The `splitguard` command: a lazy group, and the one place errors become exit statuses.

Commands are imported only when run, so `splitguard --help` and a pre-commit hook do
not pay for pandas, pandera or matplotlib.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any, NoReturn

import click

from splitguard.cli.flags import debug_requested, global_options, with_global_options
from splitguard.core.errors import EXIT_ERROR, SplitguardError
from splitguard.core.printable import printable_lines

# name -> (module, one-line help); the help is here so listing commands imports nothing.
COMMANDS = {
    "check": ("splitguard.cli.check", "Run the rules on a label table and its splits."),
    "split": ("splitguard.cli.split", "Build new splits that pass the rules; write them."),
    "fix": ("splitguard.cli.fix", "Repair existing splits: no leak, sizes kept."),
    "stats": ("splitguard.cli.stats", "Class frequencies, imbalance and loss weights."),
    "rules": ("splitguard.cli.rules", "List the rules."),
    "rule": ("splitguard.cli.rules", "Explain one rule."),
    "demo": ("splitguard.cli.demo", "Split and check the bundled NIH ChestX-ray14 table."),
}
# Allocations between two collections of the youngest generation, in the executable.
GC_YOUNG_THRESHOLD = 50_000


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command = getattr(module, f"{cmd_name}_command")
        assert isinstance(command, click.Command)
        return with_global_options(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=global_options(),
)
def cli() -> None:
    """Lint multi-label label tables; build leak-free, coverage-aware splits.

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 the command could not do
    its job (bad option, unreadable or malformed input, infeasible request).
    """


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; a `SplitguardError` becomes its message and exit status 2."""
    from splitguard.core.io.signals import redeliver_lost_interrupts

    args = sys.argv[1:] if argv is None else argv
    debug = debug_requested(args) or bool(os.environ.get("SPLITGUARD_DEBUG"))
    redeliver_lost_interrupts()
    try:
        return cli.main(args=args, prog_name="splitguard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("splitguard: interrupted; nothing was written.", err=True)
        sys.exit(EXIT_ERROR)
    except SplitguardError as exc:
        if debug:
            raise
        click.echo(f"splitguard: error: {printable_lines(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("splitguard: interrupted; nothing was written.", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"splitguard: internal error: {type(exc).__name__}: {printable_lines(str(exc))}\n"
            "This is a bug in splitguard. Run again with --debug for the traceback, "
            "and report it with the command that caused it.",
            err=True,
        )
        sys.exit(EXIT_ERROR)


def run(argv: list[str] | None = None) -> NoReturn:
    """The `splitguard` executable: `main`, its exit status, and an exit that leaves the
    loaded modules to the operating system.

    At exit, CPython frees every object of every module one by one: 0.3 s after a split
    of 200k rows x 1,000 classes, with matplotlib, pyarrow and numpy loaded, against
    0.06 s once frozen. Every output is written and closed before `main` returns, and
    the atexit hooks still run; only what the process's end frees anyway is left alone.
    `main` stays callable in a longer process (the tests, a notebook): it freezes nothing
    and keeps the collector's thresholds.
    """
    # The run builds a large graph of long-lived objects (the modules it imports) and
    # little cyclic garbage: at the default threshold (700 allocations) the collector ran
    # about 330 times during a split of 200k rows x 1,000 classes, 0.15-0.2 s of
    # traversing what stays; every 50,000 allocations, about 20 times and 0.09 s, at the
    # same peak memory (mypy, another command with a large import graph, also raises it).
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
    try:
        sys.exit(main(argv))
    finally:
        gc.freeze()

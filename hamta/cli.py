"""Command-line entry point: a thin layer that parses, calls one API function per subcommand, prints.

Each subcommand lives in `hamta/commands/<name>.py` with `add_arguments(parser)` and `run(args) -> int`.
Those modules import nothing heavy at module level, so `hamta --help` stays instant; torch and friends
are imported inside `run`. Every user-fixable error becomes one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from hamta import __version__

__all__ = ["main", "build_parser"]

#: subcommand name -> (module, one-line help). Modules are imported to build the parser; keep them light.
COMMANDS: dict[str, tuple[str, str]] = {
    "split": ("hamta.commands.split", "split Persian/Arabic/English text into sentences"),
    "translate": ("hamta.commands.translate", "translate fa/ar documents into English"),
    "align": ("hamta.commands.align", "align a document with its translation (sentence beads)"),
    "coverage": ("hamta.commands.coverage", "link same-event sentences across articles; coverage report"),
    "score": ("hamta.commands.score", "score translations (BLEU, chrF, TER) with CIs and significance"),
    "score-align": ("hamta.commands.score_align", "score sentence alignments or links against gold"),
    "run": ("hamta.commands.run", "whole pipeline: read, split, translate, link, report"),
    "cache": ("hamta.commands.cache", "list converted models and cached translations; prune stale ones"),
}

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per available command."""
    parser = argparse.ArgumentParser(
        prog="hamta",
        description="Translate Persian/Arabic news into English, align sentences across sources, "
        "compare coverage, and score translations.",
    )
    parser.add_argument("--version", action="version", version=f"hamta {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors; no progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # command not built yet: leave it out of the parser
                continue
            raise
        cmd = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


class _OneLineFormatter(logging.Formatter):
    """`hamta: warning: message` — the same shape as the CLI's error lines."""

    def format(self, record: logging.LogRecord) -> str:
        return f"hamta: {record.levelname.lower()}: {' '.join(record.getMessage().split())}"


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    root = logging.getLogger("hamta")
    root.handlers[:] = [handler]
    root.setLevel(level)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 failure, 2 usage/input error, 130 interrupted)."""
    from hamta.errors import HamtaError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USER_ERROR
    _setup_logging(args.verbose, args.quiet)
    try:
        return int(args._run(args) or 0)
    except (HamtaError, ValueError, TypeError, OSError) as exc:
        # TypeError/ValueError from the API are argument problems; OSError covers missing files.
        if isinstance(exc, OSError) and getattr(exc, "filename", None):
            msg = f"{exc.filename}: {exc.strerror or _one_line(exc)}"
        else:
            msg = _one_line(exc)
        print(f"hamta: error: {msg}", file=sys.stderr)
        if args.verbose >= 2:
            raise
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("hamta: interrupted; finished work is kept (re-run to resume)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `hamta split x | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

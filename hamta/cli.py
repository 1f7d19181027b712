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
    "check": ("hamta.commands.check", "check translations: wrong language, numbers, names, omissions"),
    "run": ("hamta.commands.run", "whole pipeline: read, split, translate, link, report"),
    "cache": ("hamta.commands.cache", "list converted models and cached translations; prune stale ones"),
}

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per available command."""
    from hamta.commands.common import HelpFormatter

    parser = argparse.ArgumentParser(
        prog="hamta",
        formatter_class=HelpFormatter,
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
        cmd = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip(),
                             formatter_class=HelpFormatter)
        module.add_arguments(cmd)
        cmd.formatter_class = HelpFormatter  # whatever the module set: defaults shown as values
        # -v/-q after the subcommand too; merged with the ones before it in `main`
        cmd.add_argument("-v", "--verbose", action="count", default=0, dest="verbose_sub",
                         help="more log output (-vv: debug); also before the subcommand")
        cmd.add_argument("-q", "--quiet", action="store_true", dest="quiet_sub",
                         help="only errors; no progress bars; also before the subcommand")
        cmd.set_defaults(_run=module.run)
    return parser


class _OneLineFormatter(logging.Formatter):
    """`hamta: warning: message` — the same shape as the CLI's error lines."""

    def format(self, record: logging.LogRecord) -> str:
        from hamta.io import printable

        return f"hamta: {record.levelname.lower()}: {printable(' '.join(record.getMessage().split()))}"


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    root = logging.getLogger("hamta")
    root.handlers[:] = [handler]
    root.setLevel(level)
    _quiet_third_party(verbose > 0 and not quiet)


#: environment settings that keep libraries' own warnings and progress bars out of hamta's output
_QUIET_ENV = {
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
#: seconds before any progress bar appears: short work shows none
PROGRESS_DELAY_S = 2


def _quiet_third_party(show: bool) -> None:
    """Without -v, other libraries' warnings and log lines stay out of hamta's output; with -v they show.

    Why: a user reading `hamta run` output should see hamta's lines only; a developer chasing a problem
    passes -v and sees everything. Progress bars (tqdm) start only after `PROGRESS_DELAY_S`.
    """
    import os
    import warnings

    os.environ.setdefault("TQDM_DELAY", str(PROGRESS_DELAY_S))
    others = logging.getLogger()
    others.handlers[:] = [h for h in others.handlers if not getattr(h, "hamta_third_party", False)]
    if show:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLineFormatter())
        handler.addFilter(lambda record: not record.name.startswith("hamta"))  # hamta's own: printed above
        logging.captureWarnings(True)
    else:
        for key, value in _QUIET_ENV.items():
            os.environ.setdefault(key, value)
        warnings.filterwarnings("ignore")
        # a handler on the root logger keeps logging's last-resort stderr handler from printing them
        handler = logging.NullHandler()
    handler.hamta_third_party = True  # type: ignore[attr-defined]
    others.addHandler(handler)


def _one_line(exc: BaseException) -> str:
    from hamta.io import printable

    text = str(exc).strip() or type(exc).__name__
    return printable(" ".join(text.split()))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 failure, 2 usage/input error, 130 interrupted)."""
    from hamta.errors import HamtaError

    parser = build_parser()
    args = parser.parse_args(argv)
    args.verbose += vars(args).pop("verbose_sub", 0)
    args.quiet = args.quiet or vars(args).pop("quiet_sub", False)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USER_ERROR
    saved = _LoggingState()
    _setup_logging(args.verbose, args.quiet)
    try:
        return int(args._run(args) or 0)
    except (HamtaError, ValueError, TypeError, OSError) as exc:
        # TypeError/ValueError from the API are argument problems; OSError covers missing files.
        if isinstance(exc, OSError) and getattr(exc, "filename", None):
            msg = _one_line(OSError(f"{exc.filename}: {exc.strerror or exc}"))
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
    finally:
        saved.restore()


class _LoggingState:
    """The logging and warning settings `main` changes, restored when it returns, so that calling `main`
    from Python (a notebook, a test) leaves the caller's logging as it was."""

    def __init__(self) -> None:
        import warnings

        self.hamta = logging.getLogger("hamta")
        self.handlers, self.level = list(self.hamta.handlers), self.hamta.level
        self.root_handlers = list(logging.getLogger().handlers)
        self.filters = list(warnings.filters)

    def restore(self) -> None:
        import warnings

        self.hamta.handlers[:] = self.handlers
        self.hamta.setLevel(self.level)
        logging.getLogger().handlers[:] = self.root_handlers
        warnings.filters[:] = self.filters
        logging.captureWarnings(False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

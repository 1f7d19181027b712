"""Options several subcommands share, defined once so they read and behave the same everywhere.

Why: `--similarity` meant three things with three placeholders, `run` lacked `coverage`'s options and
`--help` printed Python names instead of default values. Each shared option is added here, with one
placeholder and one meaning, and `HelpFormatter` prints every default as a value. Nothing heavy is
imported: the linker's defaults are read from its source text, so `hamta --help` stays instant.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "HelpFormatter",
    "add_similarity_argument",
    "add_format_argument",
    "add_coverage_arguments",
    "coverage_options",
    "add_export_arguments",
    "export_fields",
    "module_constant",
    "show_progress",
]

#: where the linker's defaults live: fitted models shipped as data (hamta/data/*_model.json); the
#: neighbour count is a constant of hamta.align.neighbours
_LINK_MODEL, _EVENT_MODEL = "link_model.json", "event_model.json"
_NEIGHBOURS_MODULE = "hamta.align.neighbours"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's layout and appends ``(default: X)`` to options that do not say it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        quiet_default = action.default in (None, False, argparse.SUPPRESS)
        if "default" in text or quiet_default or not action.option_strings:
            return text
        if isinstance(action.default, (list, tuple)):
            return f"{text} (default: {' '.join(map(str, action.default))})"
        return text + " (default: %(default)s)"


@cache
def module_constant(module: str, name: str) -> Any:
    """A module-level literal constant read from the module's source without importing it (so that
    `--help` shows the linker's default threshold without loading numpy); None if not found."""
    # the path from the top package's folder: find_spec on a submodule would import its parent package
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *rest).with_suffix(".py")
    if not path.is_file():
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


@cache
def model_default(model: str, key: str) -> float | None:
    """A fitted default from a shipped model file (``threshold``, or a name in its ``constants``), read
    as plain JSON so that `--help` loads no numpy; None if the file or key is missing."""
    import json
    from importlib import resources

    if not model:
        return None
    try:
        data = json.loads(resources.files("hamta.data").joinpath(model).read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
    value = data.get(key, data.get("constants", {}).get(key))
    return float(value) if isinstance(value, (int, float)) else None


def linker_default(model: str, key: str) -> str:
    """``default: X, fitted`` for a linker option read from a shipped model file."""
    value = model_default(model, key)
    return f"default: {value:.3g}, fitted" if value is not None else "default: the shipped model's"


def add_similarity_argument(parser: argparse.ArgumentParser) -> None:
    """`--similarity NAME`: the same meaning in align, coverage and run."""
    parser.add_argument(
        "--similarity", default="lexical", metavar="NAME",
        help="sentence similarity: 'lexical' (no model) or a sentence-transformers model id or folder "
        "(needs hamta[embeddings]) (default: lexical)",
    )


def add_format_argument(parser: argparse.ArgumentParser, choices: list[str], default: str) -> None:
    """`-f/--format FORMAT`: what the command prints; the same placeholder everywhere."""
    parser.add_argument("-f", "--format", default=default, choices=choices, metavar="FORMAT",
                        help=f"output format: {', '.join(choices)} (default: {default})")


def add_coverage_arguments(parser: argparse.ArgumentParser) -> None:
    """The linking and report options of `hamta coverage`, which `hamta run` takes too."""
    group = parser.add_argument_group("linking and report")
    add_similarity_argument(group)  # type: ignore[arg-type]
    group.add_argument("--threshold", type=float, default=None, metavar="P",
                       help="link probability at or above which two sentences are linked; higher = fewer, "
                       f"surer links ({linker_default(_LINK_MODEL, 'threshold')})")
    group.add_argument("--event-threshold", type=float, default=None, metavar="P",
                       help="same-event probability at or above which two articles are one event "
                       f"({linker_default(_EVENT_MODEL, 'threshold')})")
    group.add_argument("--max-gap-days", type=float, default=None, metavar="DAYS",
                       help="event dates further apart than this rule two articles out "
                       f"({linker_default(_EVENT_MODEL, 'max_gap_days')})")
    group.add_argument("-k", type=int, default=None, metavar="N",
                       help="neighbours for margin scoring "
                       f"(default: {module_constant(_NEIGHBOURS_MODULE, 'DEFAULT_K')})")
    group.add_argument("--link-model", default=None, metavar="JSON",
                       help="link model file (default: the shipped one; fit another with "
                       "`python benchmarks/fit_links.py --similarity NAME --output DIR`)")
    group.add_argument("--event-model", default=None, metavar="JSON",
                       help="event model file (default: the shipped one)")
    group.add_argument("--no-report", action="store_true", help="skip report.html")


def coverage_options(args: argparse.Namespace) -> dict[str, Any]:
    """`compare_coverage` keyword options from `add_coverage_arguments` (only those given)."""
    given = (("threshold", args.threshold), ("k", args.k), ("event_threshold", args.event_threshold),
             ("max_gap_days", args.max_gap_days), ("link_model", args.link_model),
             ("event_model", args.event_model))
    return {name: value for name, value in given if value is not None}


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Which fields of JSONL/CSV article exports hold the text and the metadata."""
    group = parser.add_argument_group("JSONL/CSV article exports (one article per row)")
    for name, default in (("text", "text"), ("title", "title"), ("date", "date"), ("outlet", "outlet"),
                          ("url", "url"), ("id", "id")):
        group.add_argument(f"--{name}-field", default=default, metavar="NAME",
                           help=f"field holding the article's {name}")


def export_fields(args: argparse.Namespace) -> Any:
    """A `hamta.io.ExportFields` from `add_export_arguments`."""
    from hamta.io import ExportFields

    return ExportFields(text=args.text_field, title=args.title_field, date=args.date_field,
                        outlet=args.outlet_field, url=args.url_field, id=args.id_field)


def show_progress(args: argparse.Namespace) -> bool:
    """Progress bars only on a terminal, and never with -q."""
    return not getattr(args, "quiet", False) and sys.stderr.isatty()

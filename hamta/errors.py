"""One exception type for problems the user can fix; the CLI prints it as a single line.

Why: every bad input must give a clear one-line error and no traceback. Library code raises
`HamtaError` (or `ValueError`/`TypeError` for bad arguments); `hamta.cli` turns both into one line.
"""

from __future__ import annotations

__all__ = ["HamtaError", "InputError", "MissingExtraError"]


class HamtaError(Exception):
    """A problem the user can act on (bad input, missing model, ...). `str()` is one line."""


class InputError(HamtaError):
    """An input file or stream cannot be used (undecodable, binary, missing).

    A batch job that skips the input and goes on sets ``path`` (the file, or the document id) so its
    summary can list what was left out.
    """

    path: str | None = None


class MissingExtraError(HamtaError):
    """An optional dependency is missing; the message says which `pip install` fixes it."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"this needs the optional package '{module}': pip install 'hamta[{extra}]'")

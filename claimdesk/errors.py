"""One error type for problems a user can fix, so the CLI can print one line and move on."""

from __future__ import annotations


class ClaimdeskError(Exception):
    """A user-facing problem: bad input file, bad config, unusable database.

    The message is a single line that names the file or key and the problem; the CLI
    prints it without a traceback.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class ConfigError(ClaimdeskError):
    """config.yaml is unreadable, has an unknown key, a wrong type or a missing path."""


class InputError(ClaimdeskError):
    """An article or source file cannot be read as text."""

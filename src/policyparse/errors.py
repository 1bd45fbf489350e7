"""Errors the CLI turns into one clear line on stderr (never a traceback)."""

from __future__ import annotations

from pathlib import Path


class PolicyparseError(Exception):
    """Base of every error policyparse reports to the user."""

    exit_code = 1


class InputError(PolicyparseError):
    """An input file that cannot be read or understood: names the file and the reason."""

    def __init__(self, path: Path | str, reason: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        message = f"{self.path}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UsageError(PolicyparseError):
    """Bad command-line usage (exit code 2)."""

    exit_code = 2

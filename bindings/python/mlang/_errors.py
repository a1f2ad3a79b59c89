"""The exception every mcc library failure becomes."""

from __future__ import annotations

from typing import Union

from ._abi import Status

__all__ = ["MccError", "Status"]


class MccError(Exception):
    """A failure reported by an mcc library: its `mcc_status` and the `mcc_last_error()` text.

    `status` is a `Status` (e.g. `Status.SHAPE_MISMATCH`), `message` the library's own words,
    e.g. "input 'x' (#0): dim 1 is 783, expected 784".
    """

    def __init__(self, status: int, message: str) -> None:
        try:
            self.status: Union[Status, int] = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        super().__init__(status, message)

    def __str__(self) -> str:
        name = self.status.name if isinstance(self.status, Status) else f"status {self.status}"
        return f"{self.message} [{name}]"

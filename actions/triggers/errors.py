"""The one error a trigger's text can raise."""

from __future__ import annotations


class TriggerSyntaxError(ValueError):
    """A trigger that cannot be read, with where the problem is.

    `message` is written for the person who typed the trigger; `position`
    is the 0-based index of the offending character in the text and
    `column` the same place counted from 1, as an editor shows it.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.column = position + 1

    @classmethod
    def at(cls, reason: str, position: int, hint: str | None = None) -> TriggerSyntaxError:
        """`reason at column N`, followed by `; hint` when there is one."""
        message = f"{reason} at column {position + 1}"
        if hint:
            message += f"; {hint}"
        return cls(message, position)

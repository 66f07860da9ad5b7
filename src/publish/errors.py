"""Errors the user can act on: each names the file and line it is about."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class PublishError(Exception):
    """Bad input or a refused operation. The CLI prints it on one line per problem and exits 2."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.problems: list[Problem] = [Problem(message, path, line)]
        super().__init__(str(self.problems[0]))

    @classmethod
    def many(cls, problems: list[Problem]) -> PublishError:
        err = cls(problems[0].message, problems[0].path, problems[0].line)
        err.problems = list(problems)
        return err

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass
class Problems:
    """Collects problems so a whole input is checked before anything is refused."""

    items: list[Problem] = field(default_factory=list)

    def add(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.items.append(Problem(message, path, line))

    def raise_if_any(self) -> None:
        if self.items:
            raise PublishError.many(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

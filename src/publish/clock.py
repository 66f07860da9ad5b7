"""The time publish writes into what it makes (an import's 'added' dates, a newsletter
issue, a booklet's cover and PDF metadata): SOURCE_DATE_EPOCH when it is set, as
reproducible builds pin it, else the clock."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def pinned() -> datetime | None:
    """SOURCE_DATE_EPOCH, when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else None


def now() -> datetime:
    """SOURCE_DATE_EPOCH, else the time now; in UTC."""
    return pinned() or datetime.now(UTC)


def today() -> date:
    """SOURCE_DATE_EPOCH's day (UTC), else today where the user is."""
    day = pinned()
    return day.date() if day else date.today()

"""'Today' for the commands that date what they write (import, merge)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today_from_env() -> date:
    """SOURCE_DATE_EPOCH pins 'today' for reproducible imports, as reproducible builds do."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()

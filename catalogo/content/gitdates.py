"""Last-change dates of content files from git history: a page's date never comes from the clock."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def last_changes(folder: Path) -> dict[Path, dt.datetime]:
    """Time (UTC) of the newest commit touching each file under ``folder`` (empty outside git)."""
    try:
        proc = subprocess.run(
            ["git", "log", "--format=format:%x00%cI", "--name-only", "--relative", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if proc.returncode != 0:
        return {}
    dates: dict[Path, dt.datetime] = {}
    current: dt.datetime | None = None
    root = folder.resolve()
    for line in proc.stdout.splitlines():
        if line.startswith("\x00"):
            current = dt.datetime.fromisoformat(line[1:].strip()).astimezone(dt.UTC)
        elif line.strip() and current is not None:
            dates.setdefault(root / line.strip(), current)
    return dates

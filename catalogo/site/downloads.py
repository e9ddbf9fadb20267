"""Files the site's pages offer for download beside the pages themselves: the printed volumes,
listed with their size and pages on the publication, festival and data pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VolumeLink:
    """What the site's pages say of a volume: where it is, how big, how many pages."""

    path: str
    title: str
    part: str
    edition: int | None
    size: int
    pages: int

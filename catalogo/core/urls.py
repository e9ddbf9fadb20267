"""Every internal link goes through Urls, so the site works under any sub-path."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Urls:
    """Every internal link goes through here, so the site works under any sub-path."""

    base_path: str  # "/" or "/catalogo/"
    origin: str  # "https://example.org" or "" when the base URL is only a path

    @classmethod
    def from_base_url(cls, base_url: str) -> Urls:
        parts = urlsplit(base_url)
        path = parts.path or "/"
        if not path.endswith("/"):
            path += "/"
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        return cls(path, origin)

    def url(self, path: str = "") -> str:
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str = "") -> str | None:
        return self.origin + self.url(path) if self.origin else None

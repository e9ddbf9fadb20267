"""Where 'npm ci' puts the front-end packages the build copies or runs: lunr, the theme's CSS and
fonts, the web editor, PurgeCSS."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


class NpmMissing(Exception):
    """Something 'npm ci' installs is missing or does not work; the message says what, in Italian.
    The build and the dev server catch this one class, whichever step found it."""

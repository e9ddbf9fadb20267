"""Where 'npm ci' puts the front-end packages the build copies or runs: lunr, the theme's CSS and
fonts, the web editor, PurgeCSS."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"

"""The theme's CSS: purged by PurgeCSS in Node, kept between builds by what the purge reads."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from conftest import NODE_MODULES, require_node

from catalogo.build import THEME
from catalogo.site.styles import Styles, start_styles


def _theme(tmp_path: Path, classes: str) -> Path:
    """A copy of the theme whose home page also uses ``classes``, and says something no other run
    of the tests says (so the first purge of it cannot be an earlier run's)."""
    theme = tmp_path / "tema"
    shutil.copytree(THEME, theme)
    home = theme / "templates" / "home.html"
    home.write_text(
        home.read_text(encoding="utf-8") + f'\n{{# {uuid.uuid4()} #}}<p class="{classes}"></p>\n', encoding="utf-8"
    )
    return theme


def _purged(styles: Styles) -> bytes:
    return next(o.data for o in styles.outputs if o.path.startswith("static/css/bootstrap-italia."))


def _made(theme: Path, node_modules: Path = NODE_MODULES) -> tuple[bool, bytes]:
    pending = start_styles(theme, node_modules)
    try:
        return pending.by_node, _purged(pending.result())
    finally:
        pending.close()


def test_a_purge_is_reused_until_the_theme_changes(tmp_path: Path) -> None:
    require_node()
    theme = _theme(tmp_path, "text-truncate")
    first, css = _made(theme)
    again, kept = _made(theme)
    assert (first, again) == (True, False) and kept == css  # the second build started no Node
    assert b".text-truncate{" in css and b".text-nowrap{" not in css
    home = theme / "templates" / "home.html"
    home.write_text(home.read_text(encoding="utf-8").replace("text-truncate", "text-nowrap"), encoding="utf-8")
    changed, after = _made(theme)
    assert changed and b".text-nowrap{" in after and b".text-truncate{" not in after


def test_a_cache_that_cannot_be_written_only_means_node_runs_again(tmp_path: Path) -> None:
    require_node()
    node_modules = tmp_path / "node_modules"
    node_modules.mkdir()
    for package in NODE_MODULES.iterdir():
        if package.name != ".cache":
            (node_modules / package.name).symlink_to(package)
    (node_modules / ".cache").write_text("not a folder", encoding="utf-8")  # no cache can be made there
    theme = _theme(tmp_path, "text-truncate")
    assert _made(theme, node_modules)[0] and _made(theme, node_modules)[0]

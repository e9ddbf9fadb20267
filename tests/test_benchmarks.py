"""The benchmark suite runs with one command (here at toy sizes: its numbers are not asserted)."""

from __future__ import annotations

from pathlib import Path

from conftest import ITALIAN_WORDS, require


def test_the_benchmark_runner_produces_its_table(tmp_path: Path) -> None:
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    import run

    out = tmp_path / "RESULTS.md"
    run.main(
        [
            "--sizes",
            "5",
            "--rounds",
            "1",
            "--no-references",
            "--no-browser",
            "--out",
            str(out),
            "--corpus",
            str(tmp_path / "corpus"),
        ]
    )
    table = out.read_text(encoding="utf-8")
    assert "| | 5 practices |" in table
    for row in (
        "Full build, cold (wall)",
        "`check` alone",
        "`serve`: one practice edited",
        "Search index, all shards: raw / gzip",
    ):
        assert row in table
    assert "Machine: " in table

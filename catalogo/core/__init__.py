"""The lowest layer: text helpers, diagnostics, URLs, output files. Used by everything, uses nothing."""

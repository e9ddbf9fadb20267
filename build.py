#!/usr/bin/env python3
"""Catalogo delle buone pratiche: `python build.py build|check` (see README.md)."""

import sys

from catalogo.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""The `sparkify` command (`main`): one module per group of commands, `main` reads the line."""

from sparkify_assets.cli.main import main

__all__ = ["main"]

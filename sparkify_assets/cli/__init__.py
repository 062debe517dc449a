"""The `sparkify` command (`main`): one module per group of commands, `main` reads the line."""

from .main import main

__all__ = ["main"]

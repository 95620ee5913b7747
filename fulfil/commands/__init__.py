"""Implementations of the `fulfil` CLI commands (the CLI module only parses arguments)."""

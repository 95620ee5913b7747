"""Jira Cloud REST v3 adapter: config, ADF, pure builders/parsers, client and a local JSONL sink."""

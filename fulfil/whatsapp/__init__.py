"""WhatsApp Cloud API (Meta) adapter: config, wire schemas, builders, parsers, client, notifiers."""

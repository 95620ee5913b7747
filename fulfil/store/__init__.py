"""DynamoDB adapters: tables, provisioning, the source-record reader and our own state."""

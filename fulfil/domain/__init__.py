"""Pure domain: models and rules; imports neither Prefect, httpx nor boto3."""

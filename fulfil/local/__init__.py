"""The embedded local stack: DynamoDB on loopback (moto server) and the Shiprocket sandbox."""

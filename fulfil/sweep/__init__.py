"""The fulfilment sweep: intake of paid orders, then the resumable Shiprocket chain per shipment."""

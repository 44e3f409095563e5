"""Devices and meters: registry, ingestion over HTTP and MQTT, status, roll-up into accounts."""

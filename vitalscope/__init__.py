"""Vitalscope: real-user monitoring, synthetic monitoring and alerting on ClickHouse."""

__version__ = "0.1.0"

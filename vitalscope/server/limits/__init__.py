"""Limits of the HTTP edge every listening role enforces: header size, header and body read
timeouts, idle keep-alive, and connections per process within the open-files limit."""

from vitalscope.server.limits.edge import EdgeLimits, edge_limits
from vitalscope.server.limits.protocol import limited_protocol

__all__ = ["EdgeLimits", "edge_limits", "limited_protocol"]

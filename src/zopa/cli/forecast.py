"""CLI commands for zopa.forecast (being written)."""

from __future__ import annotations

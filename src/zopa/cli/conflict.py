"""CLI commands for zopa.conflict (being written)."""

from __future__ import annotations

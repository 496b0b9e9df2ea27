"""CLI commands for scenarios: validate, schema, analyze, evaluate, compare."""

from __future__ import annotations

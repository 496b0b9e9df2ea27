"""The room's JSON responses (:class:`SafeJSON`): shared by the app's error handlers and hot
reads (:mod:`zopa.server.app`) and the API's routes (:mod:`zopa.server.api`)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

__all__ = ["SafeJSON"]


class SafeJSON(JSONResponse):
    """JSON in ASCII: text that is not valid Unicode (a lone surrogate echoed from input) is
    escaped instead of failing to encode."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
        ).encode()

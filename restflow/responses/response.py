"""DRF's ``Response`` with an async ``arender``."""

from __future__ import annotations

import inspect
from typing import Any

from rest_framework.response import Response as DRFResponse

__all__ = ["Response"]


class Response(DRFResponse):
    """DRF's ``Response`` plus :meth:`arender`, for async code that renders before returning."""

    async def arender(self) -> Any:
        """Render the content and run post-render callbacks, awaiting async ones.

        Return the response, or the last non-``None`` value a callback
        returned, as ``render()`` does. A response that is already rendered
        is returned unchanged.
        """
        result: Any = self
        if self.is_rendered:
            return result
        self.content = self.rendered_content
        for callback in self._post_render_callbacks:  # type: ignore[attr-defined]
            replacement = callback(result)
            if inspect.isawaitable(replacement):
                replacement = await replacement
            if replacement is not None:
                result = replacement
        return result

"""Streaming responses: a JSON array, NDJSON and Server-Sent Events, written item by item.

Each response takes a sync or an async iterable. An async iterable is read
on the event loop; a sync one is read in a worker thread when served over
ASGI, so it never blocks the loop, and directly when served over WSGI. The
first bytes leave before the iterable ends and nothing is collected in
memory. When the iterable raises, the error is logged, the stream stops
without its closing bytes and the exception propagates, so the server
aborts the connection and the client sees an incomplete body.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import aclosing
from dataclasses import replace
from typing import Any, cast

from django.http import StreamingHttpResponse
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from restflow.responses.bridge import ThreadedIterator, aclose_quietly, iterate_in_loop
from restflow.responses.events import KEEPALIVE_FRAME, SSEEvent, format_sse, reject_control_chars
from restflow.responses.gzip import unbuffered_gzip

__all__ = [
    "BaseStreamingResponse",
    "NDJSONResponse",
    "SSEResponse",
    "StreamingJSONListResponse",
    "format_sse",
    "reject_control_chars",
]

logger = logging.getLogger(__name__)

_KEEPALIVE = object()


class BaseStreamingResponse(StreamingHttpResponse):
    """A streaming response that encodes each item of an iterable as it arrives.

    Subclasses set ``default_content_type`` and override :meth:`opening`,
    :meth:`render_item` and :meth:`closing`. ``encoder`` is a
    ``json.JSONEncoder`` subclass or instance (DRF's encoder by default,
    which handles ``Decimal``, ``datetime``, ``UUID`` and lazy strings).
    ``serializer_class`` turns each item into data through
    ``serializer_class(context=serializer_context).to_representation(item)``,
    awaiting ``ato_representation`` for async iterables when the serializer
    has one. Other keyword arguments (``status``, ``headers``,
    ``content_type``) go to ``StreamingHttpResponse``; DRF renderers and
    content negotiation are not involved.
    """

    default_content_type = "application/octet-stream"
    #: Seconds between keep-alive frames while the iterable is idle; None disables them.
    keepalive_interval: float | None = None

    def __init__(
        self,
        iterable: Iterable[Any] | AsyncIterable[Any],
        *,
        encoder: type[Any] | Any = None,
        serializer_class: type[Any] | None = None,
        serializer_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("content_type") is None:
            kwargs["content_type"] = self.default_content_type
        super().__init__((), **kwargs)
        self.headers.setdefault("X-Accel-Buffering", "no")
        self.encoder = _build_encoder(encoder)
        self.serializer = (
            serializer_class(context=serializer_context or {}) if serializer_class else None
        )
        #: Number of items written so far; read it in logs or tests.
        self.items_sent = 0
        self._driver: Any = None
        self.streaming_content = self._build_stream(iterable)

    # --- framing hooks --------------------------------------------------------

    def opening(self) -> str:
        """Return the text sent before the first item."""
        return ""

    def render_item(self, data: Any, index: int) -> str:
        """Return the text for one item; ``index`` counts from 0."""
        raise NotImplementedError(f"{type(self).__qualname__} must implement render_item().")

    def closing(self) -> str:
        """Return the text sent after the last item, only when the iterable ended normally."""
        return ""

    def dumps(self, data: Any) -> str:
        """Encode ``data`` as JSON with the response's encoder."""
        return str(self.encoder.encode(data))

    def prepare(self, item: Any) -> Any:
        """Return the data for one item: the serializer's representation when there is one."""
        if self.serializer is None:
            return item
        return self.serializer.to_representation(item)

    async def aprepare(self, item: Any) -> Any:
        """Async twin of :meth:`prepare`, awaiting ``ato_representation`` when present."""
        if self.serializer is None:
            return item
        async_hook = getattr(self.serializer, "ato_representation", None)
        if async_hook is not None and inspect.iscoroutinefunction(async_hook):
            return await async_hook(item)
        return self.serializer.to_representation(item)

    # --- building the stream --------------------------------------------------

    def _build_stream(self, iterable: Any) -> Any:
        if isinstance(iterable, AsyncIterable):
            self._driver = self._stream_async(iterable, prepared=False)
        elif not isinstance(iterable, Iterable):
            raise TypeError(
                f"{type(self).__qualname__} needs an iterable or an async iterable, "
                f"not {type(iterable).__name__}."
            )
        elif self.keepalive_interval:
            # Keep-alive frames need a consumer that can stop waiting, so
            # the sync iterable runs in a thread behind an async stream.
            prepared = ThreadedIterator(map(self.prepare, iterable))
            self._driver = self._stream_async(prepared, prepared=True)
        else:
            self._driver = self._stream_sync(iterable)
        return self._driver

    def _stream_sync(self, iterable: Iterable[Any]) -> Iterator[bytes]:
        iterator = iter(iterable)
        try:
            head = self.opening()
            if head:
                yield head.encode()
            for item in iterator:
                yield self.render_item(self.prepare(item), self.items_sent).encode()
                self.items_sent += 1
            tail = self.closing()
            if tail:
                yield tail.encode()
        except Exception as exc:
            self._log_failure(exc)
            raise
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    async def _stream_async(self, iterable: Any, *, prepared: bool) -> AsyncGenerator[bytes, None]:
        iterator = aiter(iterable)
        try:
            head = self.opening()
            if head:
                yield head.encode()
            async with aclosing(self._with_keepalive(iterator)) as items:
                async for item in items:
                    if item is _KEEPALIVE:
                        yield KEEPALIVE_FRAME.encode()
                        continue
                    data = item if prepared else await self.aprepare(item)
                    yield self.render_item(data, self.items_sent).encode()
                    self.items_sent += 1
            tail = self.closing()
            if tail:
                yield tail.encode()
        except Exception as exc:
            self._log_failure(exc)
            raise
        finally:
            await aclose_quietly(iterator)

    async def _with_keepalive(self, iterator: AsyncIterator[Any]) -> AsyncGenerator[Any, None]:
        interval = self.keepalive_interval
        if not interval:
            async for item in iterator:
                yield item
            return
        pending: asyncio.Future[Any] | None = None
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(_next_item(iterator))
                done, _ = await asyncio.wait({pending}, timeout=interval)
                if not done:
                    yield _KEEPALIVE
                    continue
                finished, pending = pending, None
                try:
                    item = finished.result()
                except StopAsyncIteration:
                    return
                yield item
        finally:
            if pending is not None:
                # Cancelling the pending __anext__ raises CancelledError
                # inside the producer, so its finally blocks run now.
                pending.cancel()
                await asyncio.wait({pending})

    def _log_failure(self, exc: BaseException) -> None:
        logger.error(
            "%s stopped after %d item(s) because the iterable raised %s; the client "
            "receives an incomplete body.",
            type(self).__qualname__,
            self.items_sent,
            type(exc).__name__,
            exc_info=exc,
        )

    # --- serving --------------------------------------------------------------

    def _set_streaming_content(self, value: Any) -> None:
        # GZipMiddleware replaces the content with its compressing generator.
        super()._set_streaming_content(unbuffered_gzip(value))  # type: ignore[misc]

    def __iter__(self) -> Iterator[bytes]:
        """Stream to a sync server (WSGI); an async stream runs on a private event loop."""
        if not self.is_async:
            return iter(cast(Iterator[bytes], self.streaming_content))
        return iterate_in_loop(self._closing_async_content())

    async def __aiter__(self) -> AsyncIterator[bytes]:  # type: ignore[override]
        """Stream to an async server (ASGI); a sync stream runs in a worker thread."""
        if self.is_async:
            async with aclosing(self._closing_async_content()) as parts:
                async for part in parts:
                    yield part
            return
        # Wrappers such as map() do not close what they wrap, so the worker
        # closes the driver (and through it the iterable) itself.
        content = cast(Iterator[bytes], self.streaming_content)
        pump: ThreadedIterator[bytes] = ThreadedIterator(content, closers=[self._driver.close])
        try:
            async for batch in pump.batches():
                yield b"".join(batch)
        finally:
            pump.stop()

    async def _closing_async_content(self) -> AsyncGenerator[bytes, None]:
        # Middleware may have wrapped the stream (GZip does); those wrappers
        # do not close what they wrap, so the driver is closed explicitly
        # and the producer's finally blocks run when the client goes away.
        content = cast(AsyncIterator[bytes], self.streaming_content)
        try:
            async for part in content:
                yield part
        finally:
            try:
                await aclose_quietly(content)
            finally:
                await aclose_quietly(self._driver)

    def getvalue(self) -> bytes:
        return b"".join(iter(self))


class StreamingJSONListResponse(BaseStreamingResponse):
    """Stream one JSON array, element by element: ``[`` first, ``]`` only after the last item.

    If the iterable raises, the closing ``]`` is never sent, so the body
    does not parse as JSON and the connection is aborted.

    Example::

        async def get(self, request):
            return StreamingJSONListResponse(Product.objects.values("id", "name").aiterator())
    """

    default_content_type = "application/json"

    def opening(self) -> str:
        return "["

    def render_item(self, data: Any, index: int) -> str:
        text = self.dumps(data)
        return text if index == 0 else "," + text

    def closing(self) -> str:
        return "]"


class NDJSONResponse(BaseStreamingResponse):
    """Stream newline-delimited JSON (``application/x-ndjson``): one document per line.

    If the iterable raises, no partial line is sent and the connection is
    aborted, so a client can tell the stream from a complete one.
    """

    default_content_type = "application/x-ndjson"

    def render_item(self, data: Any, index: int) -> str:
        # JSON strings escape their line breaks, so a raw LF can only be
        # indentation whitespace from an encoder configured with indent.
        return self.dumps(data).replace("\n", "") + "\n"


class SSEResponse(BaseStreamingResponse):
    """Stream Server-Sent Events (``text/event-stream``).

    Items are strings (sent as data), dicts with the keys ``data``,
    ``event``, ``id``, ``retry`` and ``comment``, or
    :class:`~restflow.responses.events.SSEEvent` objects. With a
    ``serializer_class`` every item is serialized into the event's data (an
    ``SSEEvent`` keeps its other fields). While the iterable is idle a
    comment frame is sent every ``keepalive`` seconds (15 by default, None
    disables it) so proxies keep the connection open. Sets
    ``Cache-Control: no-cache`` and ``X-Accel-Buffering: no``.
    """

    default_content_type = "text/event-stream"
    keepalive_interval: float | None = 15.0

    def __init__(
        self,
        iterable: Iterable[Any] | AsyncIterable[Any],
        *,
        keepalive: float | object | None = ...,
        **kwargs: Any,
    ) -> None:
        if keepalive is not ...:
            if keepalive is not None and (
                isinstance(keepalive, bool)
                or not isinstance(keepalive, (int, float))
                or keepalive <= 0
            ):
                raise ValueError(
                    f"SSEResponse(keepalive={keepalive!r}) must be a number of seconds > 0, "
                    "or None to send no keep-alive frames."
                )
            self.keepalive_interval = keepalive  # type: ignore[assignment]
        super().__init__(iterable, **kwargs)
        self.headers.setdefault("Cache-Control", "no-cache")

    def prepare(self, item: Any) -> Any:
        if self.serializer is None:
            return item
        if isinstance(item, SSEEvent):
            return replace(item, data=self.serializer.to_representation(item.data))
        return SSEEvent(data=self.serializer.to_representation(item))

    async def aprepare(self, item: Any) -> Any:
        if self.serializer is None:
            return item
        if isinstance(item, SSEEvent):
            return replace(item, data=await super().aprepare(item.data))
        return SSEEvent(data=await super().aprepare(item))

    def render_item(self, data: Any, index: int) -> str:
        return format_sse(data, dumps=self.dumps)


async def _next_item(iterator: AsyncIterator[Any]) -> Any:
    return await anext(iterator)


def _build_encoder(encoder: Any) -> Any:
    """Return a JSON encoder instance configured like DRF's ``JSONRenderer``."""
    if encoder is not None and not isinstance(encoder, type):
        if not callable(getattr(encoder, "encode", None)):
            raise TypeError(
                f"encoder={encoder!r} must be a json.JSONEncoder subclass or an object "
                "with an encode(data) -> str method."
            )
        return encoder
    cls = encoder or JSONEncoder
    separators = (",", ":") if api_settings.COMPACT_JSON else (", ", ": ")
    return cls(
        ensure_ascii=not api_settings.UNICODE_JSON,
        allow_nan=not api_settings.STRICT_JSON,
        separators=separators,
    )

"""Keep ``GZipMiddleware`` from buffering or splitting streams on Django before 6.0.

Django 6.0 and later flush the compressor after every chunk of a streaming
response. Django 5.2 does not: for a sync stream it writes each chunk into
a ``GzipFile`` and sends whatever zlib has produced, which for small chunks
is nothing until kilobytes have accumulated; for an async stream it
compresses each chunk as a separate gzip member, and clients whose decoder
stops after the first member (httpx, for one) lose the rest. Streaming
responses pass what the middleware installs through :func:`unbuffered_gzip`,
which swaps in one flushing gzip stream on those versions.

NOTE: recognising Django 5.2's generators reads their unstarted frames
(CPython) and the middleware's local names. To remove this module once
Django 5.2 is no longer supported: delete it and the
``_set_streaming_content`` override in ``restflow.responses.streaming``.
"""

from __future__ import annotations

import inspect
import secrets
import struct
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from django.middleware.gzip import GZipMiddleware
from django.utils import text as django_text

__all__ = ["GzipStreamEncoder", "aflushing_gzip", "flushing_gzip", "unbuffered_gzip"]

# Django's compress_sequence calls zfile.flush() after each chunk from 6.0 on.
DJANGO_GZIP_FLUSHES = "flush" in django_text.compress_sequence.__code__.co_names

# Code objects of the functions nested in GZipMiddleware.process_response;
# Django 5.2 defines its per-chunk async wrapper there.
_MIDDLEWARE_NESTED_CODE = tuple(
    const for const in GZipMiddleware.process_response.__code__.co_consts if inspect.iscode(const)
)

_GZIP_MAGIC = b"\x1f\x8b"
_DEFLATE = 8
_FNAME = 0x08
_OS_UNKNOWN = 255


class GzipStreamEncoder:
    """One gzip member written chunk by chunk, each chunk flushed so it decodes at once.

    ``max_random_bytes`` adds a file name of random length to the header,
    as Django does against compression side-channel attacks (BREACH).
    """

    def __init__(self, max_random_bytes: int | None = None) -> None:
        self._name = b"a" * secrets.randbelow(max_random_bytes) if max_random_bytes else b""
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0

    def header(self) -> bytes:
        flags = _FNAME if self._name else 0
        header = _GZIP_MAGIC + bytes([_DEFLATE, flags, 0, 0, 0, 0, 0, _OS_UNKNOWN])
        return header + (self._name + b"\x00" if self._name else b"")

    def chunk(self, data: bytes) -> bytes:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        return self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def trailer(self) -> bytes:
        tail = struct.pack("<II", self._crc & 0xFFFFFFFF, self._size & 0xFFFFFFFF)
        return self._compressor.flush() + tail


def flushing_gzip(
    sequence: Iterable[bytes], *, max_random_bytes: int | None = None
) -> Iterator[bytes]:
    """Gzip ``sequence`` as one member, flushing after every chunk."""
    encoder = GzipStreamEncoder(max_random_bytes)
    yield encoder.header()
    for chunk in sequence:
        data = encoder.chunk(chunk)
        if data:
            yield data
    yield encoder.trailer()


async def aflushing_gzip(
    sequence: AsyncIterable[bytes], *, max_random_bytes: int | None = None
) -> AsyncIterator[bytes]:
    """Async twin of :func:`flushing_gzip`."""
    encoder = GzipStreamEncoder(max_random_bytes)
    yield encoder.header()
    async for chunk in sequence:
        data = encoder.chunk(chunk)
        if data:
            yield data
    yield encoder.trailer()


def unbuffered_gzip(value: Any, *, django_flushes: bool = DJANGO_GZIP_FLUSHES) -> Any:
    """Return ``value``, or one flushing gzip stream when it is Django 5.2's gzip generator.

    Replaced are an unstarted ``django.utils.text.compress_sequence``
    generator and an unstarted async wrapper from
    ``GZipMiddleware.process_response``, on a Django that does not flush;
    anything else is returned unchanged.
    """
    if django_flushes:
        return value
    code = getattr(value, "gi_code", None)
    if code is django_text.compress_sequence.__code__:
        if inspect.getgeneratorstate(value) != inspect.GEN_CREATED:
            return value
        arguments = value.gi_frame.f_locals
        replacement: Any = flushing_gzip(
            arguments["sequence"], max_random_bytes=arguments.get("max_random_bytes")
        )
        value.close()
        return replacement
    code = getattr(value, "ag_code", None)
    if code is not None and code in _MIDDLEWARE_NESTED_CODE and _async_unstarted(value):
        # The wrapper's closure holds the wrapped stream (Django spells the
        # variable "orignal_iterator") and the middleware instance.
        scope = value.ag_frame.f_locals
        wrapped = scope.get("orignal_iterator")
        middleware = scope.get("self")
        if wrapped is not None and middleware is not None:
            max_random_bytes = getattr(middleware, "max_random_bytes", None)
            return aflushing_gzip(wrapped, max_random_bytes=max_random_bytes)
    return value


def _async_unstarted(value: Any) -> bool:
    get_state = getattr(inspect, "getasyncgenstate", None)  # Python 3.12+
    if get_state is not None:
        return bool(get_state(value) == "AGEN_CREATED")
    frame = value.ag_frame
    return frame is not None and not value.ag_running and frame.f_lasti == -1

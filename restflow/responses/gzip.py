"""Keep ``GZipMiddleware`` from buffering streams on Django versions whose gzip does not flush.

Django 6.0 and later flush the compressor after every chunk of a streaming
response. Earlier versions (5.2) write each chunk into a ``GzipFile`` and
read whatever zlib has produced, which for small chunks is nothing until
kilobytes have accumulated, so the first items of a stream stay in the
server. Streaming responses pass the middleware's generator through
:func:`unbuffered_gzip`, which swaps it for a flushing one on those versions.
"""

from __future__ import annotations

import inspect
import secrets
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import text as django_text

__all__ = ["flushing_gzip", "unbuffered_gzip"]

# Django's compress_sequence calls zfile.flush() after each chunk from 6.0 on.
DJANGO_GZIP_FLUSHES = "flush" in django_text.compress_sequence.__code__.co_names

_GZIP_MAGIC = b"\x1f\x8b"
_DEFLATE = 8
_FNAME = 0x08
_OS_UNKNOWN = 255


def flushing_gzip(
    sequence: Iterable[bytes], *, max_random_bytes: int | None = None
) -> Iterator[bytes]:
    """Gzip ``sequence`` chunk by chunk, flushing after each so every chunk can be decoded at once.

    ``max_random_bytes`` adds a file name of random length to the header,
    as Django does against compression side-channel attacks (BREACH).
    """
    name = b"a" * secrets.randbelow(max_random_bytes) if max_random_bytes else b""
    flags = _FNAME if name else 0
    header = _GZIP_MAGIC + bytes([_DEFLATE, flags]) + b"\x00\x00\x00\x00" + bytes([0, _OS_UNKNOWN])
    yield header + (name + b"\x00" if name else b"")
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = 0
    size = 0
    for chunk in sequence:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        data = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if data:
            yield data
    yield compressor.flush() + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def unbuffered_gzip(value: Any, *, django_flushes: bool = DJANGO_GZIP_FLUSHES) -> Any:
    """Return ``value``, or a flushing replacement when it is Django's buffering gzip generator.

    Only an unstarted generator of ``django.utils.text.compress_sequence``
    on a Django that does not flush is replaced; everything else, the async
    wrapper of Django 5.2 included (it compresses each chunk on its own), is
    returned unchanged.
    """
    if django_flushes or getattr(value, "gi_code", None) is not (
        django_text.compress_sequence.__code__
    ):
        return value
    if inspect.getgeneratorstate(value) != inspect.GEN_CREATED:
        return value
    arguments = value.gi_frame.f_locals
    replacement = flushing_gzip(
        arguments["sequence"], max_random_bytes=arguments.get("max_random_bytes")
    )
    value.close()
    return replacement

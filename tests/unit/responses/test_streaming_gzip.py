"""The flushing gzip that replaces the gzip streams of Django before 6.0."""

from __future__ import annotations

import gzip
import zlib

from django.utils.text import compress_sequence

from restflow.responses import NDJSONResponse
from restflow.responses.gzip import DJANGO_GZIP_FLUSHES, flushing_gzip, unbuffered_gzip


def test_each_chunk_decodes_at_once():
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    compressed = flushing_gzip(iter([b'{"n":0}\n', b'{"n":1}\n']), max_random_bytes=100)
    header = next(compressed)
    assert header.startswith(b"\x1f\x8b\x08")
    assert decoder.decompress(header) == b""
    assert decoder.decompress(next(compressed)) == b'{"n":0}\n'
    assert decoder.decompress(next(compressed)) == b'{"n":1}\n'


def test_whole_stream_is_valid_gzip():
    chunks = [bytes([n % 256]) * (n + 1) for n in range(300)]
    body = b"".join(flushing_gzip(chunks, max_random_bytes=100))
    # gzip.decompress checks the CRC and length trailer.
    assert gzip.decompress(body) == b"".join(chunks)


def test_empty_stream_is_valid_gzip():
    assert gzip.decompress(b"".join(flushing_gzip([]))) == b""


def test_django_generator_replaced_when_django_buffers():
    sequence = iter([b"a", b"b"])
    original = compress_sequence(sequence, max_random_bytes=10)
    replacement = unbuffered_gzip(original, django_flushes=False)
    assert replacement is not original
    assert gzip.decompress(b"".join(replacement)) == b"ab"


def test_django_generator_kept_when_django_flushes():
    original = compress_sequence(iter([b"a"]))
    assert unbuffered_gzip(original, django_flushes=True) is original


def test_other_iterables_kept():
    chunks = [b"a"]
    assert unbuffered_gzip(chunks, django_flushes=False) is chunks


def test_started_generator_kept():
    original = compress_sequence(iter([b"a", b"b"]))
    next(original)
    assert unbuffered_gzip(original, django_flushes=False) is original


def test_response_setter_applies_replacement():
    response = NDJSONResponse(iter([{"n": 0}, {"n": 1}]))
    response.streaming_content = compress_sequence(response.streaming_content)
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts = [decoder.decompress(chunk) for chunk in response]
    # With Django's flushing or with restflow's, item 0 decodes from its own chunk.
    assert b'{"n":0}\n' in parts
    assert b"".join(parts) == b'{"n":0}\n{"n":1}\n'
    assert isinstance(DJANGO_GZIP_FLUSHES, bool)


def test_async_flushing_gzip_decodes_each_chunk():
    import asyncio

    from restflow.responses.gzip import aflushing_gzip

    async def chunks():
        yield b"first\n"
        yield b"second\n"

    async def main():
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        parts = [decoder.decompress(part) async for part in aflushing_gzip(chunks())]
        return parts, decoder.eof

    parts, finished = asyncio.run(main())
    assert parts[1:3] == [b"first\n", b"second\n"]
    assert finished

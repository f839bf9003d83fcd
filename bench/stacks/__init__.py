"""The benchmarked stacks: one Django project, one URL module per stack.

``BENCH_STACK`` (``floor``, ``drf``, ``adrf``, ``ninja``, ``restflow``)
selects the stack whose URLs a process serves, so each server and each
callgrind run imports and routes only that stack's code.
"""

"""Fault tests: real Redis, PostgreSQL, RQ and uvicorn processes stopped and started mid-load."""

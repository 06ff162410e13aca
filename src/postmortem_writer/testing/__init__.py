"""Test doubles for the model side, shipped in the package for tests and benchmarks, never used by a run.

``fake`` answers requests in-process (from a script, or from a function of the request),
``loopback`` is a local OpenAI-compatible server for the real client's wire formats and faults,
``faults`` injects fault storms into it and accounts for every event of a draft.
"""

"""The model side of drafting: a one-method backend protocol, its OpenAI-compatible implementation,
the call cache and log, prompts and settings (the test doubles live in ``postmortem_writer.testing``).

Only ``openai_backend`` imports the vendor SDKs (openai, instructor).
"""

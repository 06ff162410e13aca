"""The model side of drafting: a one-method backend protocol, its OpenAI-compatible implementation,
a scripted fake for tests, the call cache and log, prompts and settings.

Only ``openai_backend`` imports the vendor SDKs (openai, instructor).
"""

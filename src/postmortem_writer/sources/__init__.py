"""Source adapters: one module per export format, a registry that sniffs content to pick one."""

from postmortem_writer.sources.base import SourceOptions
from postmortem_writer.sources.registry import Loaded, adapter_names, load_sources

__all__ = ["Loaded", "SourceOptions", "adapter_names", "load_sources"]

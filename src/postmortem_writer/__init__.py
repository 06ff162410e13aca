"""postmortem-writer: evidence-backed, blameless first drafts of incident postmortems."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("postmortem-writer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

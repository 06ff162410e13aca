"""Scoring drafts against recorded incidents: ``evals/cases/<slug>/{sources/, gold.yaml}``."""

from postmortem_writer.evaluation.cases import Case, Gold, find_cases, load_case
from postmortem_writer.evaluation.metrics import METRICS
from postmortem_writer.evaluation.report import Report, build_report, compare_reports, render_json, render_markdown
from postmortem_writer.evaluation.runner import Extractor, run_case
from postmortem_writer.scoring import Metric

__all__ = [
    "METRICS",
    "Case",
    "Extractor",
    "Gold",
    "Metric",
    "Report",
    "build_report",
    "compare_reports",
    "find_cases",
    "load_case",
    "render_json",
    "render_markdown",
    "run_case",
]

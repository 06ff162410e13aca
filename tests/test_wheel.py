"""The built wheel carries templates and prompts and drafts without the source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("postmortem_writer-*.whl")
    return built


def test_wheel_contains_templates_and_prompts(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "postmortem_writer/_data/templates/postmortem.md.j2" in names
    assert "postmortem_writer/_data/prompts/README.md" in names


def test_installed_wheel_drafts_the_sample_incident(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    sources = ROOT / "fixtures" / "incidents" / "inc-2025-0304" / "sources"
    code = (
        "import postmortem_writer.resources as r, sys; "
        "print(r.__file__); print(r.templates_dir()); "
        "sys.argv = ['postmortem', 'draft', sys.argv[1], '-o', 'pm.md']; "
        "from postmortem_writer.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(sources)], cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    module_file, templates = done.stdout.splitlines()[:2]
    assert module_file.startswith(str(target))
    assert templates.startswith(str(target))
    assert "## Timeline" in (workdir / "pm.md").read_text(encoding="utf-8")

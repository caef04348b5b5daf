"""The agency subscriber is a program an agency installs alone: it must not reach into the
platform's kernel or services, whose code the agency does not get."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

AGENCY = Path(__file__).resolve().parents[2] / "deploy" / "agency"


def test_its_dependencies_are_third_party_only() -> None:
    project = tomllib.loads((AGENCY / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["dependencies"]
    assert not [d for d in project["dependencies"] if d.startswith("jiandu")]


def test_its_modules_import_nothing_of_the_platform() -> None:
    sources = sorted((AGENCY / "src" / "jiandu_agency").glob("*.py"))
    assert len(sources) > 5
    imported: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    platform = {m for m in imported if m.startswith("jiandu") and not m.startswith("jiandu_agency")}
    assert not platform, f"the agency subscriber imports platform code: {sorted(platform)}"


def test_its_image_copies_every_workspace_member_the_lock_needs() -> None:
    """`uv export --frozen` in the image's first stage reads the whole workspace."""
    root = AGENCY.parents[1]
    members = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["uv"]["workspace"]
    wanted = {
        str(p.relative_to(root))
        for pattern in members["members"]
        for p in root.glob(f"{pattern}/pyproject.toml")
    }
    dockerfile = (AGENCY / "Dockerfile").read_text("utf-8")
    missing = sorted(m for m in wanted if f"COPY {m} " not in dockerfile)
    assert not missing, f"deploy/agency/Dockerfile does not copy {missing}"

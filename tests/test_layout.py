"""Layout meta-tests: one paper, one place.

A paper's declarations and torch fast path live in ``claims/<paper>/`` (``<part>.py`` and ``fast/<part>.py``), its
high-precision side in ``reference/<paper>/<part>.py``; ``checks/`` is the paper-agnostic engine. Imports are
read from the syntax tree (absolute, relative and function-local ones alike), not from the text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import claims

ROOT = Path(__file__).resolve().parents[1]
PAPERS = sorted(claims.BUILTIN_PAPERS)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, module: str | None = None) -> set[str]:
    """Every module a file imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``), relative ones resolved
    against the file's module name (``module``, by default its place in the repository)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (module or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _imports_any(path: Path, roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imports(path) if any(m == r or m.startswith(r + ".") for r in roots))


def test_checks_is_paper_agnostic():
    """No module under checks/ is named after a paper or imports one (the registry ``claims`` itself is fine)."""
    paper_modules = tuple(f"claims.{p}" for p in PAPERS) + tuple(f"reference.{p}" for p in PAPERS)
    for path in _python_files(ROOT / "checks"):
        named = [p for p in PAPERS if p in str(path.relative_to(ROOT))]
        assert not named, f"{path} is named after {named}"
        bad = _imports_any(path, paper_modules)
        assert not bad, f"{path} imports paper code {bad}"


def test_reference_never_imports_torch():
    for path in _python_files(ROOT / "reference"):
        bad = _imports_any(path, ("torch", "checks.fast", *(f"claims.{p}" for p in PAPERS)))
        assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("folder", ["checks/fast", *(f"claims/{p}/fast" for p in PAPERS)])
def test_fast_paths_never_import_the_reference(folder):
    for path in _python_files(ROOT / folder):
        bad = _imports_any(path, ("reference",))
        assert not bad, f"{path} imports {bad}"


def _parts(paper: str) -> set[str]:
    return {p.stem for p in (ROOT / "claims" / paper).glob("*.py") if not p.stem.startswith("_")}


@pytest.mark.parametrize("paper", PAPERS)
def test_every_paper_has_the_same_shape(paper):
    """claims/<paper>/{__init__,<part>}.py, claims/<paper>/fast/<part>.py, reference/<paper>/<part>.py: the modules
    of fast/ and reference/<paper>/ are named after a part of the paper, or ``_``-prefixed when several parts
    share them; no other folders."""
    base = ROOT / "claims" / paper
    parts = _parts(paper)
    assert parts, f"claims/{paper} has no part modules"
    for folder in (base / "fast", ROOT / "reference" / paper):
        assert (folder / "__init__.py").is_file(), f"{folder} is not a package"
        for module in folder.glob("*.py"):
            if module.stem == "__init__" or module.stem.startswith("_"):
                continue
            assert module.stem in parts, f"{module} is not named after a part of {paper} ({sorted(parts)})"
    subfolders = {p.name for p in base.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert subfolders == {"fast"}, f"claims/{paper} holds {sorted(subfolders)}; expected only fast/"
    # every part's declarations draw their fast path and reference from this paper (or the shared kernels)
    others = tuple(f"claims.{p}" for p in PAPERS if p != paper) + tuple(f"reference.{p}" for p in PAPERS if p != paper)
    for path in _python_files(base) + _python_files(ROOT / "reference" / paper):
        bad = _imports_any(path, others)
        assert not bad, f"{path} imports another paper's code {bad}"


def test_no_paper_code_left_in_the_shared_folders():
    """reference/ and checks/fast/ hold shared mathematics only: nothing there is named after a paper."""
    for folder in (ROOT / "reference", ROOT / "checks" / "fast"):
        for module in folder.glob("*.py"):
            assert not any(p in module.stem for p in PAPERS), module


def test_the_import_reader_sees_relative_and_local_imports(tmp_path):
    """The checker itself can fail: a relative import and imports inside a function are all found."""
    probe = tmp_path / "mod.py"
    probe.write_text("from . import gaussian\n\ndef f():\n    import torch\n    from ..zhang2017 import x\n")
    found = imports(probe, module="reference.probe.mod")
    assert {"reference.probe.gaussian", "torch", "reference.zhang2017.x"} <= found
    assert "reference.gaussian" not in found  # the relative level is resolved, not dropped

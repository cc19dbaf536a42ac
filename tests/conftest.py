"""Test-session settings for the harness's own tests."""

from __future__ import annotations

import torch

# The checks evaluate small tensors: one intra-op thread is faster than two (no synchronisation), and it
# keeps the suite's timing stable when other processes share the cores.
torch.set_num_threads(1)


# -- test-only out-of-tree papers (tests/fixtures/faultpaper), discovered through entry points ---------------

import importlib  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def write_dist_info(site: Path, name: str, papers: dict[str, str]) -> Path:
    """Make ``site`` hold the metadata of an installed distribution ``name`` whose entry points in the group
    ``claims_harness.papers`` are ``papers`` (key -> module): what ``pip install`` of a paper package leaves,
    without installing anything."""
    info = site / f"{name}-0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0\n")
    (info / "entry_points.txt").write_text("[claims_harness.papers]\n"
                                           + "".join(f"{k} = {v}\n" for k, v in papers.items()))
    return site


def _reset_registry() -> None:
    import claims

    claims._sources.cache_clear()
    claims._load.cache_clear()
    for mod in [m for m in sys.modules if m == "faultpaper" or m.startswith("faultpaper.")]:
        del sys.modules[mod]


@pytest.fixture(scope="session")
def fault_site(tmp_path_factory) -> Path:
    """A site directory registering the test papers ``faultpaper`` and ``slowpaper``."""
    return write_dist_info(tmp_path_factory.mktemp("site"), "faultpaper",
                           {"faultpaper": "faultpaper", "slowpaper": "faultpaper.slow"})


@pytest.fixture
def fault_env(fault_site) -> dict[str, str]:
    """Environment for a ``claims`` subprocess that discovers the test papers (and this checkout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTPAPER_")}
    env["PYTHONPATH"] = os.pathsep.join([str(fault_site), str(FIXTURES), str(ROOT)]
                                        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


@pytest.fixture
def fault_registry(fault_site, monkeypatch):
    """This process's registry with the test papers added (restored afterwards)."""
    for key in [k for k in os.environ if k.startswith("FAULTPAPER_")]:
        monkeypatch.delenv(key)
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.syspath_prepend(str(fault_site))
    _reset_registry()
    yield importlib.import_module("claims")
    monkeypatch.undo()
    _reset_registry()

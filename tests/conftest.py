"""Test-session settings for the harness's own tests."""

from __future__ import annotations

import torch

# The checks evaluate small tensors: one intra-op thread is faster than two (no synchronisation), and it
# keeps the suite's timing stable when other processes share the cores.
torch.set_num_threads(1)

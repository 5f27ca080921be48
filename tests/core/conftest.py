"""Shared setup for the core tests.

Puts the repository root on ``sys.path`` so that ``lstm_core`` and ``tests.core.helpers`` import
the same way under ``pytest`` and ``python -m pytest``, whatever the rootdir configuration.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

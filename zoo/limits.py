"""Default resource limits (torch-free, so the command line can show them without importing torch).

A run is refused when its estimated memory exceeds :data:`DEFAULT_MAX_MEMORY_GIB` (``--max-memory``
changes it; :mod:`zoo.train.memory`). It is a fixed number rather than a fraction of this machine's
memory, so that the same spec is accepted or refused the same way everywhere. A weight file is read
whole and then parsed, which takes twice its size, so the largest one read is half that budget.
"""

from __future__ import annotations

GIB = 1024**3
DEFAULT_MAX_MEMORY_GIB = 8.0
MAX_WEIGHT_BYTES = int(DEFAULT_MAX_MEMORY_GIB * GIB) // 2

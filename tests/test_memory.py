from __future__ import annotations

import subprocess
import sys

import pytest

from parlib.memory import _malloc_trim, release_memory

_CHILD = """
import pyarrow  # loaded first: release_memory asks its pool too
from parlib.memory import release_memory

def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

blocks = [bytearray(64 * 1024) for _ in range(1600)]  # 100 MB on the C heap
pin = bytearray(64 * 1024)  # above them: glibc cannot shrink the heap by itself
del blocks
before = resident()
release_memory()
print(before - resident())
"""


@pytest.mark.skipif(_malloc_trim() is None, reason="needs a C library with malloc_trim (glibc)")
def test_release_memory_hands_freed_heap_memory_back_to_the_system():
    # In a fresh process: the freed 100 MB stay resident until release_memory.
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                         check=True)
    assert int(out.stdout) > 80e6


def test_release_memory_is_safe_to_call_anywhere():
    release_memory()
    release_memory()  # nothing freed since: still fine

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from parlib.memory import release_memory

_CHILD = """
import pyarrow  # with the C library's allocator, as parlib clean sets it
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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="Arrow trims the heap on glibc")
def test_release_memory_hands_freed_heap_memory_back_to_the_system():
    # In a fresh process: the freed 100 MB stay resident until release_memory.
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, env=env
    )
    assert int(out.stdout) > 80e6


def test_release_memory_is_safe_to_call_anywhere():
    release_memory()
    release_memory()  # nothing freed since: still fine

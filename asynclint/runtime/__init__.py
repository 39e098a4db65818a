"""The runtime companion: a pytest plugin that fails a test when the event loop blocks.

`plugin.py` is what pytest imports at start-up (entry point `pytest11`); it imports nothing of
the rest, nor blockbuster, unless the check is enabled. The parts, one job each:

* `patches.py`  — which functions are watched (blockbuster's table, a few additions, the
  project's `extra-blocking-calls`) and the catalog entry each one reports under;
* `stack.py`    — whose code made a call: the caller in the user's code, the library function
  it called, the `async def` that was blocked;
* `detector.py` — records a finding per blocking call while a test runs;
* `compare.py`  — `asynclint --compare-runtime`: static and runtime findings side by side.
"""

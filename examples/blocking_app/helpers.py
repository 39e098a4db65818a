"""Project helpers of the twin: plain synchronous functions, harmless until async code calls them."""

import time
from typing import Any


def fetch_report(seconds: float) -> dict[str, Any]:
    """Build a report the slow, synchronous way (think: a vendor SDK without an async API).

    ``time.sleep`` in a plain ``def`` is fine by itself; calling this function from an
    ``async def`` endpoint blocks the event loop just the same (AL110, transitive blocking).
    """
    time.sleep(seconds)
    return {"report": "ready", "seconds": seconds}

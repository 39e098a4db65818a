"""Reference FastAPI app: correct async code, used as a negative fixture and runtime baseline.

Every endpoint is ``async def`` and never blocks the event loop: database access goes
through SQLAlchemy's asyncio extension (aiosqlite), sleeps use ``asyncio.sleep``, file
reads use ``anyio.Path``, subprocesses use ``asyncio.create_subprocess_exec`` and the one
unavoidable synchronous function is bridged with ``run_in_threadpool``.

Run it from the repository root with::

    uvicorn examples.reference_app.main:app
"""

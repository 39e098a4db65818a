"""A FastAPI app with sync routes on a small connection pool (see database.py).

Run it with ``uvicorn examples.threadpool_app.main:app``; its routes are served under
``/v1/api/items``.
"""

from fastapi import FastAPI

from examples.threadpool_app.api import api_router

app = FastAPI(title="threadpool example")
app.include_router(api_router, prefix="/v1")

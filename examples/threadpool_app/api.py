"""The API router: the items router under it (a router two deep)."""

from fastapi import APIRouter

from examples.threadpool_app import items

api_router = APIRouter(prefix="/api")
api_router.include_router(items.router)

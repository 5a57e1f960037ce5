"""Vercel function: health report. Imports no FastAPI and no pydantic at load."""

from lib.http.plain import PlainApp
from lib.routes.health import health

app = PlainApp("health", {"/api/health": health, "/health": health})

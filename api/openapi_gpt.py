"""Vercel function: the OpenAPI 3.1 spec for GPT Actions. Imports no FastAPI."""

from lib.http.plain import PlainApp
from lib.routes.openapi_gpt import openapi_gpt

app = PlainApp("openapi_gpt", {"/api/openapi_gpt": openapi_gpt, "/openapi-gpt.json": openapi_gpt})

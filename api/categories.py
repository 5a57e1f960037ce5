"""Vercel function: The AliExpress category tree."""

from lib.data_api import create_data_app
from lib.routes.categories import router

app = create_data_app("categories", router, summary="The AliExpress category tree.")

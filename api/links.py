"""Vercel function: Affiliate links for AliExpress URLs."""

from lib.data_api import create_data_app
from lib.routes.links import router

app = create_data_app("links", router, summary="Affiliate links for AliExpress URLs.")

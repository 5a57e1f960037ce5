"""Vercel function: AliExpress's featured promotions (deals) and their products."""

from lib.data_api import create_data_app
from lib.routes.promotions import router

app = create_data_app(
    "promotions", router, summary="AliExpress's featured promotions (deals) and their products."
)

"""Vercel function: Search AliExpress products, hot products and product details."""

from lib.data_api import create_data_app
from lib.routes.products import router

app = create_data_app(
    "products", router, summary="Search AliExpress products, hot products and product details."
)

"""Vercel function: the owner's AliExpress orders and commissions (OWNER_API_KEY only)."""

from lib.data_api import create_data_app
from lib.http.private import PrivateAnswers
from lib.routes.orders import router

app = create_data_app("orders", router, summary="The owner's AliExpress orders and commissions.")
app.add_middleware(PrivateAnswers)

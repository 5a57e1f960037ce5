"""Money as every answer carries it: the amount exactly as AliExpress sent it."""

from pydantic import BaseModel, Field


class Money(BaseModel):
    amount: str = Field(description="Decimal amount exactly as AliExpress sent it.")
    currency: str | None = Field(description="ISO 4217 code, e.g. USD.")

"""Affiliate links (``link.generate``): what the links function answers with."""

from pydantic import BaseModel, Field


class AffiliateLink(BaseModel):
    url: str = Field(description="The AliExpress URL you sent.")
    affiliate_url: str | None = Field(description="Tracked affiliate link.")


class LinkBatch(BaseModel):
    links: list[AffiliateLink]
    tracking_id: str

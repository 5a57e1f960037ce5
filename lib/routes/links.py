"""Affiliate links for AliExpress URLs (``api/links.py``); see ``lib.operations.links``."""

from typing import Annotated

from fastapi import Query

from lib.aliexpress.link_models import LinkBatch
from lib.data_api import ClientDep, LinkResolverDep, SettingsDep, data_router
from lib.http.errors import InvalidParameter
from lib.operations.links import AffiliateLinksParams, affiliate_links
from lib.operations.params import parse_params

router = data_router()

# The REST spelling of the operation's parameter (one `url`, repeated).
REST_NAMES = {"urls": "url"}


@router.get(
    "/api/links",
    operation_id="createAffiliateLinks",
    summary="Turn AliExpress URLs into affiliate links",
    description="Give any AliExpress URLs (products, stores, promotions, or short links "
    "from the app); returns a tracked affiliate link for each, in the same order. "
    "affiliate_url is null where AliExpress could not make one.",
    response_model=LinkBatch,
)
async def create_links(
    client: ClientDep,
    settings: SettingsDep,
    resolver: LinkResolverDep,
    url: Annotated[
        list[str],
        Query(
            min_length=1,
            description="AliExpress URL; repeat the parameter or separate URLs with commas "
            "(1-20 in all).",
            examples=[["https://www.aliexpress.com/item/1005006123456789.html"]],
        ),
    ],
) -> LinkBatch:
    params = parse_params(AffiliateLinksParams, {"urls": url}, names=REST_NAMES)
    try:
        return await affiliate_links(client, settings, params, resolver)
    except InvalidParameter as problem:
        raise problem.renamed(REST_NAMES) from None

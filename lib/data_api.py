"""Wiring for the data functions (products, links, categories).

The one module that knows both ``lib.aliexpress`` and ``lib.http``: it builds
each data function's FastAPI app with the shared error envelope, request
context and bearer auth, and declares the dependencies handlers use once
(``Annotated`` aliases), so tests can swap them with ``dependency_overrides``.
"""

import warnings
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response, Security
from fastapi.security import HTTPBearer
from pydantic.warnings import UnsupportedFieldAttributeWarning

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import AliExpressError
from lib.aliexpress.shortlinks import ShortLinkResolver
from lib.config import Settings, get_settings
from lib.http.auth import check_api_key
from lib.http.channels import ChannelEntrance, channel_of
from lib.http.context import RequestContext
from lib.http.fastapi_errors import install_error_handlers
from lib.http.rate_limit import enforce_client_rate_limit
from lib.http.slashes import TrailingSlashInsensitive
from lib.upstream import ClientProvider, link_resolvers

# FastAPI hands pydantic a parameter's alias with its type and silences pydantic's
# warning about it while it builds the type's validator. Models with defer_build are
# built on their route's first request instead, where that silence does not reach.
warnings.filterwarnings(
    "ignore", "The 'alias' attribute", category=UnsupportedFieldAttributeWarning
)


async def settings_dependency() -> Settings:
    # async: FastAPI would run a plain function in a worker thread on every request.
    return get_settings()


SettingsDep = Annotated[Settings, Depends(settings_dependency)]

# Declared so the generated OpenAPI carries the bearer scheme; the check itself is
# check_api_key's constant-time comparison of the raw header.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ProxyApiKey",
    description="Required when the deployment sets PROXY_API_KEY.",
)


PUBLIC_CACHE = "public, max-age=0, s-maxage=300, stale-while-revalidate=600"
PRIVATE_CACHE = "private, no-store"


async def shopper_facing(
    request: Request,
    response: Response,
    settings: SettingsDep,
    _credentials: Annotated[object, Security(_bearer)] = None,
) -> None:
    """Every shopper-facing route, in this order: the bearer check, the per-client rate
    limit, then CDN caching for the successful answer (errors set no-store themselves).

    With PROXY_API_KEY set, answers are private: a shared cache must never hand
    an authorised caller's answer to one who failed auth. The owner's routes declare
    their own dependencies. One dependency, not three: FastAPI analyses every route's
    dependencies anew when the route is declared, each one at cold-start cost.
    """
    check_api_key(request.headers.get("authorization"), settings.proxy_api_key)
    await enforce_client_rate_limit(settings)
    response.headers["Cache-Control"] = PRIVATE_CACHE if settings.proxy_api_key else PUBLIC_CACHE


class _Overrides:
    """Holds the dependency overrides the routes consult (shared with the app)."""

    def __init__(self) -> None:
        self.dependency_overrides: dict[Any, Any] = {}


def data_router(*dependencies: Any) -> APIRouter:
    """The router a data function declares its routes on: every route carries the
    bearer check, the per-client rate limit and the cache headers itself (``shopper_facing``).
    ``dependencies`` replace those (the owner's orders function brings its own key check,
    is private and is never rate limited)."""
    return APIRouter(
        dependencies=list(dependencies or (Depends(shopper_facing),)),
        dependency_overrides_provider=_Overrides(),
    )


def create_data_app(function: str, router: APIRouter, *, summary: str) -> FastAPI:
    app = FastAPI(
        title=f"AliExpress GPT proxy - {function}",
        summary=summary,
        version="1.0.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the public spec is api/openapi_gpt.py
        redirect_slashes=False,  # a trailing slash is trimmed instead (lib/http/slashes.py)
        # The routes as built, not include_router: FastAPI 0.165 would analyse every
        # included route's dependencies again on the first request (a cold-start cost).
        routes=router.routes,
    )
    if isinstance(router.dependency_overrides_provider, _Overrides):
        # One dict for the app and its routes: app.dependency_overrides works as usual.
        app.dependency_overrides = router.dependency_overrides_provider.dependency_overrides
    install_error_handlers(app, (AliExpressError,))
    app.add_middleware(TrailingSlashInsensitive)
    app.add_middleware(ChannelEntrance)  # inside RequestContext: the log shows the path asked
    app.add_middleware(RequestContext, function=function)
    return app


# -- the AliExpress client -------------------------------------------------------------

_clients = ClientProvider()


async def get_client_provider() -> ClientProvider:
    return _clients


async def get_client(
    request: Request,
    settings: SettingsDep,
    provider: Annotated[ClientProvider, Depends(get_client_provider)],
) -> AliExpressClient:
    """The client whose links carry the request's channel's tracking ID."""
    return provider.get(settings, channel_of(request.scope))


ClientDep = Annotated[AliExpressClient, Depends(get_client)]


async def get_link_resolver() -> ShortLinkResolver:
    return link_resolvers.get()


LinkResolverDep = Annotated[ShortLinkResolver, Depends(get_link_resolver)]

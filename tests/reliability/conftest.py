"""The reliability tests call the functions exactly as tests/api does."""

from tests.api.conftest import (  # noqa: F401
    apps,
    call,
    client_options,
    configured,
    env,
    short_links,
)

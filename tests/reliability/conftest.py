"""The reliability tests call the functions exactly as tests/api does."""

from tests.api.conftest import apps, call, client_options, configured, env  # noqa: F401

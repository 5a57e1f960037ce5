"""api/categories.py: the category tree."""

from __future__ import annotations

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from tests.api.conftest import Caller, assert_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]


async def test_categories_tree(call: Caller) -> None:
    response = await call("categories", "/api/categories")
    assert response.status_code == 200
    categories = response.json()["categories"]
    assert all(set(c) == {"id", "name", "parent_id"} for c in categories)
    assert sum(c["parent_id"] is None for c in categories) >= 6


async def test_children_of_one_parent(call: Caller) -> None:
    response = await call("categories", "/api/categories?parent_id=509")
    children = response.json()["categories"]
    assert children
    assert {c["parent_id"] for c in children} == {"509"}


async def test_bad_parent_id_is_422(call: Caller) -> None:
    error = assert_error(
        await call("categories", "/api/categories?parent_id=x"), 422, "invalid_request"
    )
    assert "'parent_id'" in error["message"]


@pytest.mark.parametrize("client_options", [{"deadline": 0.3, "attempt_timeout": 0.1}])
async def test_upstream_timeout_is_504(call: Caller, gateway: FakeGateway) -> None:
    gateway.faults.inject(Fault.SLOW, times=None)
    assert_error(await call("categories", "/api/categories"), 504, "upstream_timeout")

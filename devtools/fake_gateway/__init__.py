"""A fake AliExpress gateway that speaks the real protocol (test and demo tooling)."""

from devtools.fake_gateway.app import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.faults import Fault

__all__ = ["DEMO_APP_KEY", "DEMO_APP_SECRET", "FakeGateway", "Fault"]

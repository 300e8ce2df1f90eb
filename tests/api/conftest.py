"""An API client on the test's store."""

import datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

# The day of every request of `client`, whose rights decide what a caller sees: fixed, so that no test depends on
# the real date. A test sets another with `client.app.state.clock`.
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def client(settings, store):
    """A client of an app whose lifespan opened the same graph as `store`, its requests made on TODAY."""
    with TestClient(create_app(settings, clock=lambda: TODAY)) as test_client:
        yield test_client

"""An API client on the test's store."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture
def client(settings, store):
    """A client of an app whose lifespan opened the same graph as `store`."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client

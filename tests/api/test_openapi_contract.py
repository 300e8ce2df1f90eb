"""The OpenAPI contract: schemathesis calls every operation of `/openapi.json` with generated input, as the demo's
admin, and every answer must be one the schema declares (status, content type, body, headers), never a 500.

The app is served by uvicorn on a thread of the test process: schemathesis's checks send probes of their own (the
same request without the key, for one), and all of them must reach the one event loop that holds the store.

A bounded, derandomized run: `CONTRACT_EXAMPLES` examples an operation, the same ones every run, so that
`make test` stays within a minute and fails the same way twice. `make fuzz` runs many more (docs/testing.md).
"""

import os
import random
import socket
import threading
import time

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given
from hypothesis import seed as fixed_seed
from hypothesis import settings as examples
from hypothesis import strategies as st
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks

from api.app import create_app
from api.problems import PROBLEM_JSON
from graph import auth, loading
from seed.demo import DEMO_DIR

# Operations with rules no schema can state, so that "schema-valid input is accepted" would count their 422s (with
# the reason) as failures: the check is off for them, every other check stays on.
FILE = "a load file: the loader checks it row by row"
MONTHS = "`from` not after `to` (whose default is as_of's month): a rule across fields"
UNSTATED_RULES = {
    "POST /v1/imports/gleif-rr": FILE,
    "POST /v1/imports/{kind}": FILE,
    "POST /v1/territories/preview": FILE,
    "POST /v1/merges": "survivor and duplicate differ: a rule across fields",
    "PUT /v1/organisations/{key}/parent": "no self-link, no share on a branch link: rules across fields",
    "GET /v1/organisations/{key}/related": "`type` is a registered relationship type: a rule of the data",
    "GET /v1/organisations/{key}/revenue": MONTHS,
    "GET /v1/organisations/{key}/children": MONTHS,
    "GET /v1/organisations/{key}/levels": MONTHS,
    "GET /v1/territories/{key}/revenue": MONTHS,
    "GET /v1/users/{key}/revenue": MONTHS,
    "GET /v1/groups": MONTHS,
    "GET /v1/organisations": "`q` or `country` given: a rule across fields",
}
# Routes that answer without a key too, with less: a key only adds to their answer.
OPEN_WITH_LESS = {"GET /v1/health"}
# Generated keys name nothing and answer 404: half the valid examples take a demo key instead, so that the 200
# answers are checked against their models too. By the path's first segment after /v1.
DEMO_KEYS = {
    "organisations": ["ORG-DE-0001", "ORG-DE-0024", "ORG-NL-0001", "ORG-BE-0002"],
    "contacts": ["CON-0001", "CON-0008"],
    "territories": ["REGION-CENTRAL", "DE-SOUTH"],
    "users": ["anna.becker", "lukas.gruber"],
}
CONTRACT_EXAMPLES = int(os.environ.get("CRMGRAPH_CONTRACT_EXAMPLES", "12"))
# Set by `make fuzz`: random instead of derandomized examples, to find what the fixed ones do not; a failure found
# at random prints the seed to run it again with (CRMGRAPH_CONTRACT_SEED).
CONTRACT_RANDOM = os.environ.get("CRMGRAPH_CONTRACT_RANDOM") == "1"
CONTRACT_SEED = int(os.environ.get("CRMGRAPH_CONTRACT_SEED") or random.randrange(2**32))


@pytest.fixture
async def admin_headers(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='admin')}"}


@pytest.fixture
def base_url(settings, admin_headers):
    """Serve the app on a free loopback port for the test; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _failures_of(operation, base_url, headers) -> list[str]:
    """Return the failures schemathesis finds on `operation`, one line each (the first of every kind)."""
    failures: dict[str, str] = {}
    excluded = [checks.positive_data_acceptance] if operation.label in UNSTATED_RULES else []
    if operation.label in OPEN_WITH_LESS:
        excluded.append(checks.ignored_auth)

    @examples(
        max_examples=CONTRACT_EXAMPLES,
        derandomize=not CONTRACT_RANDOM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), known=st.one_of(st.none(), st.integers(0, 3)))
    def check(case, known):
        if case.meta.generation.mode.is_positive:
            _known_keys(case, known)
        response = case.call(base_url=base_url, headers=headers)
        try:
            case.validate_response(response, headers=headers, excluded_checks=excluded)
        except FailureGroup as group:
            found = list(group.exceptions)
        except Failure as failed:
            found = [failed]
        else:
            return
        for failed in found:
            failures.setdefault(
                _kind(failed),
                f"{operation.label}: {failed}\n[{response.status_code}] {response.text[:300]}\n"
                f"{case.as_curl_command(headers=headers)}",
            )

    if CONTRACT_RANDOM:
        check = fixed_seed(CONTRACT_SEED)(check)
    check()
    return list(failures.values())


def _known_keys(case, known: int | None) -> None:
    """Give a valid example demo keys (when `known` says so), and no cursor."""
    if case.query:
        # A cursor is opaque: only one a page gave is valid, and no schema can generate it (422 otherwise).
        case.query.pop("cursor", None)
    if known is None or not case.path_parameters:
        return
    collection = case.operation.path.split("/")[2]
    if "user_key" in case.path_parameters:
        case.path_parameters["user_key"] = DEMO_KEYS["users"][known % 2]
        collection = "organisations"
    if "key" in case.path_parameters and collection in DEMO_KEYS:
        keys = DEMO_KEYS[collection]
        case.path_parameters["key"] = keys[known % len(keys)]


def _kind(failed: Failure) -> str:
    return f"{type(failed).__name__}: {str(failed).splitlines()[0] if str(failed) else ''}"


def test_every_answer_is_declared(base_url, admin_headers):
    # Arrange
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")

    # Act
    failures = []
    for result in schema.get_all_operations():
        failures += _failures_of(result.ok(), base_url, admin_headers)

    # Assert
    run = f"random, CRMGRAPH_CONTRACT_SEED={CONTRACT_SEED}" if CONTRACT_RANDOM else "derandomized"
    assert not failures, f"{len(failures)} failures ({run}):\n\n" + "\n\n".join(failures)


def test_a_method_the_path_does_not_answer_is_405_with_allow(client):
    # Act
    response = client.delete("/v1/me")

    # Assert
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    "path",
    [
        "/v1/organisations/ORG-DE-0001/revenue?from=&to=&as_of=",
        "/v1/organisations/ORG-DE-0001/siblings?cursor=&as_of=",
        "/v1/groups?from=&to=&cursor=&as_of=",
        "/v1/duplicates?as_of=",
    ],
)
def test_an_empty_optional_parameter_is_not_given(client, admin_headers, path):
    # Act
    response = client.get(path, headers=admin_headers)

    # Assert
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/v1/organisations/ORG-DE-0001", "/v1/duplicates"])
@pytest.mark.parametrize("as_of", ["-1.4e-45", "0", "1700000000", "2025-02-30", "2025-6-1"])
def test_as_of_is_a_day_and_nothing_else(client, admin_headers, path, as_of):
    # Act
    response = client.get(path, params={"as_of": as_of}, headers=admin_headers)

    # Assert
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "query.as_of"

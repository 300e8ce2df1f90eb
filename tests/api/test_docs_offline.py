"""`/docs` and `/redoc` work without internet access: every file they load is served by the app itself."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from api import docs
from api.app import create_app
from graph.settings import Settings

BASE = "http://testserver"
# Attributes whose value a browser fetches or the page's script loads: ReDoc reads its spec from `spec-url`.
URL_ATTRIBUTES = {"src", "href", "spec-url"}
# A URL in inline script or style: absolute, protocol-relative, or a quoted path from the root.
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[^\s'"`<>()]+""", re.IGNORECASE)
QUOTED_PATH = re.compile(r"""['"`](/[^'"`\s]*)['"`]""")
CONTENT_TYPES = {
    ".js": "javascript",  # `text/javascript` or `application/javascript`, as the system's mime types say
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


class References(HTMLParser):
    """Collect the URLs an HTML page references: in URL attributes and in inline script and style."""

    def __init__(self):
        super().__init__()
        self.urls: set[str] = set()
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        self.urls.update(value for name, value in attrs if name in URL_ATTRIBUTES and value)
        self._in_code = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.urls.update(ABSOLUTE_URL.findall(data))
            self.urls.update(QUOTED_PATH.findall(data))


def references(html: str) -> set[str]:
    """Return every URL `html` references."""
    parser = References()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def client():
    """A client of the app; the pages need no store, so its lifespan does not run."""
    return TestClient(create_app(Settings()), base_url=BASE)


@pytest.mark.parametrize("page", [docs.DOCS_URL, docs.REDOC_URL])
def test_the_page_references_no_other_host(client, page):
    response = client.get(page)

    assert response.status_code == 200  # without an API key
    urls = references(response.text)
    assert urls  # the parser found the page's assets
    assert {url for url in urls if urlsplit(urljoin(f"{BASE}{page}", url)).netloc != "testserver"} == set()


@pytest.mark.parametrize("page", [docs.DOCS_URL, docs.REDOC_URL])
def test_every_file_the_page_references_is_served_with_its_content_type(client, page):
    urls = references(client.get(page).text)

    for url in urls:
        path = urlsplit(urljoin(f"{BASE}{page}", url)).path
        response = client.get(path)
        expected = CONTENT_TYPES.get(path[path.rfind(".") :], "text/html")
        assert response.status_code == 200, path
        assert expected in response.headers["content-type"], path
        assert response.content


def test_the_swagger_page_loads_the_spec_the_assets_and_its_oauth2_redirect(client):
    urls = references(client.get(docs.DOCS_URL).text)

    assert {
        "/openapi.json",
        docs.OAUTH2_REDIRECT_URL,
        f"{docs.ASSETS_URL}/swagger-ui-bundle.js",
        f"{docs.ASSETS_URL}/swagger-ui.css",
        f"{docs.ASSETS_URL}/favicon.png",
    } <= urls


def test_the_redoc_page_loads_the_spec_and_the_assets(client):
    urls = references(client.get(docs.REDOC_URL).text)

    assert urls == {"/openapi.json", f"{docs.ASSETS_URL}/redoc.standalone.js", f"{docs.ASSETS_URL}/favicon.png"}


@pytest.mark.parametrize(
    ("asset", "global_name"), [("swagger-ui-bundle.js", "SwaggerUIBundle"), ("redoc.standalone.js", "Redoc")]
)
def test_the_scripts_are_the_real_bundles(client, asset, global_name):
    response = client.get(f"{docs.ASSETS_URL}/{asset}")

    assert response.status_code == 200
    assert len(response.content) > 100_000  # the whole library, not a stub or a pointer to a CDN
    assert global_name.encode() in response.content


def test_behind_a_proxy_prefix_the_pages_reference_their_files_under_it():
    client = TestClient(create_app(Settings()), base_url=BASE, root_path="/crm")

    swagger = references(client.get(docs.DOCS_URL).text)
    redoc = references(client.get(docs.REDOC_URL).text)

    assert f"/crm{docs.ASSETS_URL}/swagger-ui-bundle.js" in swagger and "/crm/openapi.json" in swagger
    assert f"/crm{docs.ASSETS_URL}/redoc.standalone.js" in redoc and "/crm/openapi.json" in redoc


def test_an_unknown_asset_is_404(client):
    assert client.get(f"{docs.ASSETS_URL}/no-such-file.js").status_code == 404


def test_redoc_asks_no_other_host_for_its_footer_logo(client):
    # ReDoc renders Redocly's logo from their CDN whatever its options: the served bundle must not link it.
    bundle = client.get(f"{docs.ASSETS_URL}/{docs.REDOC_JS}").text

    assert "cdn.redoc.ly" not in bundle
    assert 'src:"data:,"' in bundle

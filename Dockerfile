# farebridge: one image for the API, the worker, migrations and the web UI
# (docker-compose.yml picks the command). Locked dependencies, no compiler needed.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FAREBRIDGE_LOG_JSON=true \
    FAREBRIDGE_SANDBOX_CACHE_DIR=/var/cache/farebridge

WORKDIR /app
COPY requirements.lock ./
# The lock includes the dev extra; the image needs the runtime part only, but installing
# the lock as is keeps one resolution for CI and production. Bytecode is compiled here
# (uv leaves it out and PYTHONDONTWRITEBYTECODE keeps Python from writing it): else every
# process compiles its libraries at start-up, a worker's first PDF mid-load (Makefile).
RUN pip install --no-cache-dir uv==0.13.9 \
    && uv pip install --system --no-cache --compile-bytecode -r requirements.lock

COPY pyproject.toml README.md NOTICE ./
COPY src ./src
RUN uv pip install --system --no-cache --compile-bytecode --no-deps . \
    && useradd --create-home --uid 10001 farebridge \
    && mkdir -p /var/cache/farebridge /app/var \
    && chown -R farebridge /var/cache/farebridge /app/var

USER farebridge
EXPOSE 8000 8501
CMD ["farebridge", "api", "--host", "0.0.0.0", "--port", "8000"]

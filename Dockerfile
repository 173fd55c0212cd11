# Image for every distributed role: `docker run vitalscope:local collector|worker|dashboard|migrate`.
FROM node:20-bookworm-slim AS sdk
WORKDIR /src/sdk-js
COPY sdk-js/ ./
RUN if [ -f package.json ]; then npm ci && npm run build; else mkdir -p dist; fi

# The dashboard's Plotly bundle, exactly as locked (dashboard/web/plotly_bundle.py).
FROM node:20-bookworm-slim AS vendor
WORKDIR /src/vendor
COPY dashboard/web/vendor/ ./
RUN npm ci

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Synthetic checks drive Debian's Chromium (Playwright's own browser download is not needed).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The same lock as scripts/setup.sh (requirements/runtime.txt, hashes checked), in a venv so
# that `pip sync` leaves the image's own Python alone.
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
RUN pip install "uv$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["tool"]["uv"]["required-version"])')" \
    && uv venv /opt/vitalscope \
    && uv pip sync --python /opt/vitalscope/bin/python --require-hashes requirements/runtime.txt
ENV PATH=/opt/vitalscope/bin:$PATH
COPY vitalscope/ vitalscope/
COPY collector/ collector/
COPY dashboard/ dashboard/
COPY synthetics/ synthetics/
COPY alerting/ alerting/
COPY bench/ bench/
COPY --from=sdk /src/sdk-js/dist/ sdk-js/dist/
COPY --from=vendor /src/vendor/node_modules/ dashboard/web/vendor/node_modules/
RUN uv pip install --python /opt/vitalscope/bin/python --no-deps --no-build-isolation . \
    && pip uninstall -y uv
RUN useradd --system --home /var/lib/vitalscope vitalscope \
    && mkdir -p /var/lib/vitalscope && chown vitalscope /var/lib/vitalscope
USER vitalscope
EXPOSE 8000
ENTRYPOINT ["vitalscope"]
CMD ["--help"]

# Cartero in a container: the `cartero` executable and the sql/ migrations.
# Build:  docker build -t cartero .      (or: docker compose up, see docker-compose.yml)
#
# SWIFT_VERSION must be at least Package.swift's swift-tools-version (and 6.1+
# for trailing commas in argument lists); official images: swift:<v>-bookworm(-slim).
ARG SWIFT_VERSION=6.2

# ---- build ------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends libpq-dev pkg-config libpango1.0-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Resolve the dependencies first, so that this layer is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product cartero \
    && bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /staging \
    && cp "$bin/cartero" /staging/ \
    && find -L "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/ \;

# ---- run --------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm-slim
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends libpq5 libpangocairo-1.0-0 fonts-dejavu-core ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /app --shell /usr/sbin/nologin cartero
WORKDIR /app
COPY --from=build /staging/ /app/
COPY sql/ /app/sql/
ENV PATH="/app:${PATH}" \
    CARTERO_REPO=/app
USER cartero
EXPOSE 8080
# DATABASE_URL comes from the environment (docker-compose.yml sets it).
# Applies the migrations, then serves the web back office until stopped.
CMD ["sh", "-c", "cartero db migrate && exec cartero serve --host 0.0.0.0 --port 8080"]

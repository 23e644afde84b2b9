# syntax=docker/dockerfile:1
# Build the server, then run it from a slim image with only libpq.
#
#   docker build --build-arg GIT_COMMIT="$(git rev-parse HEAD)" -t samverkan .
#   docker run --rm -p 8080:8080 -p 9100:9100 -e SAMVERKAN_JWT_SECRET=… samverkan
#
# Base images are pinned by version (bump them deliberately; the Rust image is the toolchain
# CI uses, at or above the rust-version of Cargo.toml). Dependencies are compiled in a layer
# of their own (cargo-chef): a change to the code alone rebuilds only the workspace crates.
# The docker run above keeps data in the container; mount a volume on /var/lib/samverkan.

FROM rust:1.95-slim-bookworm AS chef
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev=15.* pkg-config=1.8.* \
    && rm -rf /var/lib/apt/lists/* \
    && cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS plan
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=plan /src/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json -p samverkan-api --bin samverkan
COPY . .
ARG GIT_COMMIT=unknown
ENV SAMVERKAN_GIT_COMMIT=${GIT_COMMIT}
RUN cargo build --release -p samverkan-api --bin samverkan

FROM debian:12.12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5=15.* ca-certificates=20230311* \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/samverkan samverkan \
    && mkdir -p /var/lib/samverkan \
    && chown samverkan /var/lib/samverkan
COPY --from=build /src/target/release/samverkan /usr/local/bin/samverkan
USER samverkan
WORKDIR /var/lib/samverkan
ENV SAMVERKAN_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/samverkan/samverkan.db
VOLUME ["/var/lib/samverkan"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 \
    CMD ["samverkan", "probe", "--url", "http://127.0.0.1:8080/ready"]
ENTRYPOINT ["samverkan"]
CMD ["serve"]

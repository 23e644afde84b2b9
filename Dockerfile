# Build the server, then run it from a slim image with only libpq.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p samverkan-api --bin samverkan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/samverkan samverkan && mkdir -p /var/lib/samverkan && chown samverkan /var/lib/samverkan
COPY --from=build /src/target/release/samverkan /usr/local/bin/samverkan
USER samverkan
WORKDIR /var/lib/samverkan
ENV SAMVERKAN_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["samverkan"]
CMD ["serve"]

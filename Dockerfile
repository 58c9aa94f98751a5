# syntax=docker/dockerfile:1.7
#
# One image with every Tessera binary: the gateway (`tessera-gateway`), the four subgraphs
# (`users-subgraph`, `products-subgraph`, `orders-subgraph`, `reviews-subgraph`), their
# migration CLIs (`users-migration up`, ...) and the all-in-one demo (`tessera`). Compose and
# Kubernetes pick the binary with `command`; the default runs the gateway on the checked-in
# supergraph, which is built from the same commit as the subgraphs in this image.
#
#   docker build -t tessera .
#
# Needs BuildKit (the default builder): the cargo registry and the target directory live in
# cache mounts, so a rebuild after a source change recompiles only the crates it touches and
# downloads nothing already fetched. `/app/data` (owned by the runtime user) holds the users
# service's signing key when none is mounted, and SQLite files when no DATABASE_URL is set.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bins \
      -p gateway \
      -p users-subgraph -p products-subgraph -p orders-subgraph -p reviews-subgraph \
      -p users-migration -p products-migration -p orders-migration -p reviews-migration \
      -p tessera \
 && mkdir -p /out \
 && cp target/release/tessera-gateway target/release/tessera \
       target/release/users-subgraph target/release/products-subgraph \
       target/release/orders-subgraph target/release/reviews-subgraph \
       target/release/users-migration target/release/products-migration \
       target/release/orders-migration target/release/reviews-migration \
       /out/

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# busybox gives the container health checks a `wget` (about 1 MB); TLS roots are compiled
# into the binaries (rustls with webpki roots), so no CA bundle is needed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tessera \
 && useradd --system --uid 10001 --gid tessera --home-dir /app --shell /usr/sbin/nologin tessera \
 && mkdir -p /app/data \
 && chown tessera:tessera /app/data
COPY --from=build /out/ /usr/local/bin/
COPY schema/supergraph.graphql /app/schema/supergraph.graphql
WORKDIR /app
USER 10001:10001
# The gateway binds every interface inside the container (its default is loopback only).
# Subgraphs get `LISTEN` from compose or Kubernetes, since each has its own port.
ENV TESSERA_SERVER__LISTEN=0.0.0.0:4000
EXPOSE 4000 4001 4002 4003 4004
CMD ["tessera-gateway", "--supergraph", "/app/schema/supergraph.graphql"]

# syntax=docker/dockerfile:1
# The prenv bot (`prenv serve`) with the Terraform it drives. Build: docker build -t prenv .
# Run: README "Deploying for real"; nomad/prenv-bot.nomad.hcl.hbs runs it on the cluster.

ARG NODE_VERSION=20.20.2

# 1. Compile: every dependency (TypeScript, better-sqlite3's build tools), then tsc to dist/,
#    then drop the development dependencies.
FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bot bot
COPY generators generators
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

# 2. Terraform: the release zip, checked against HashiCorp's published SHA-256 for this version
#    (releases.hashicorp.com/terraform/<version>/terraform_<version>_SHA256SUMS).
FROM debian:bookworm-slim AS terraform
# Set by BuildKit from --platform; the legacy builder leaves it empty (amd64).
ARG TARGETARCH
ARG TERRAFORM_VERSION=1.11.4
ARG TERRAFORM_SHA256_AMD64=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc
ARG TERRAFORM_SHA256_ARM64=a43d1d0da9b9bab214a8305a39db0e40869572594ccf50c416a7756499143633
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates curl unzip \
  && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
  arch="${TARGETARCH:-amd64}"; \
  case "$arch" in \
    amd64) sum="$TERRAFORM_SHA256_AMD64" ;; \
    arm64) sum="$TERRAFORM_SHA256_ARM64" ;; \
    *) echo "no Terraform checksum for $arch" >&2; exit 1 ;; \
  esac; \
  zip="terraform_${TERRAFORM_VERSION}_linux_${arch}.zip"; \
  curl -fsSLo "/tmp/$zip" "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/$zip"; \
  echo "$sum  /tmp/$zip" | sha256sum -c -; \
  unzip -d /usr/local/bin "/tmp/$zip" terraform; \
  rm "/tmp/$zip"

# 3. Run: compiled JavaScript, production dependencies, templates and modules; no compiler,
#    no sources, not root.
FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/prenv \
  && chown node:node /var/lib/prenv
ENV NODE_ENV=production \
    PRENV_STATE=/var/lib/prenv/state.db \
    PRENV_TERRAFORM_DIR=/app/terraform/environments/pr
WORKDIR /app
COPY --from=terraform /usr/local/bin/terraform /usr/local/bin/terraform
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY package.json ./
COPY bin bin
COPY nomad nomad
COPY caddy caddy
# Terraform writes its lock file and per-PR data folders (TF_DATA_DIR) beside the modules.
COPY --chown=node:node terraform terraform
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/prenv.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]

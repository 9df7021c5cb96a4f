# syntax=docker/dockerfile:1
# One image for every Latchkey service; the argument picks the service:
#   docker build -t latchkey/platform .
#   docker run --read-only --tmpfs /tmp latchkey/platform issuer
# Services: issuer, face-api, exchange, rbac, audit, abuse-detector, testapi
# (deploy/docker/services.js). How to run and configure it: docs/DEPLOY.md.
# Checked statically by deploy/test/dockerfile.spec.ts; built and run by deploy/scripts/image-smoke.sh and compose-smoke.sh
# (on stand-in base images where no registry is reachable: deploy/standins/build.sh).

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: every service bundle (webpack, node_modules external) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_USE_LOCAL=true NX_ISOLATE_PLUGINS=false
COPY package.json package-lock.json ./
# npm install, not npm ci: npm ci refused this lockfile on the registry it was made with, while npm install
# leaves it unchanged. Install scripts off: none is needed, and one is a telemetry ping.
RUN npm install --no-audit --no-fund --ignore-scripts
COPY nx.json tsconfig.base.json tsconfig.json jest.preset.js jest.integration.preset.js eslint.config.mjs ./
COPY tools/ ./tools/
COPY libs/ ./libs/
COPY apps/ ./apps/
RUN npx nx run-many -t build -p issuer,face-api,exchange,rbac,audit,abuse-detector,testapi --parallel=2 --skip-nx-cache

# ---- deps: production node_modules only (the bundles require them at run time) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LATCHKEY_HOST=0.0.0.0 \
    LATCHKEY_DATA_DIR=/tmp/latchkey
WORKDIR /app
# Owned by root and read-only to the service user: the process can change nothing but /tmp.
COPY --from=deps /app/node_modules ./node_modules
# Each bundle looks for its migrations at <bundle dir>/../migrations (join(__dirname, '..', 'migrations')).
COPY --from=build /src/dist/apps/issuer ./services/issuer/bundle
COPY --from=build /src/libs/issuer/data-access/migrations ./services/issuer/migrations
COPY --from=build /src/dist/apps/face-api ./services/face-api/bundle
COPY --from=build /src/libs/face-api/data-access/migrations ./services/face-api/migrations
COPY --from=build /src/dist/apps/exchange ./services/exchange/bundle
COPY --from=build /src/libs/exchange/data-access/migrations ./services/exchange/migrations
COPY --from=build /src/dist/apps/rbac ./services/rbac/bundle
COPY --from=build /src/libs/rbac/data-access/migrations ./services/rbac/migrations
COPY --from=build /src/dist/apps/audit ./services/audit/bundle
COPY --from=build /src/libs/audit/data-access/migrations ./services/audit/migrations
COPY --from=build /src/dist/apps/abuse-detector ./services/abuse-detector/bundle
COPY --from=build /src/libs/abuse-detector/data-access/migrations ./services/abuse-detector/migrations
COPY --from=build /src/dist/apps/testapi ./services/testapi/bundle
COPY deploy/docker/ ./deploy/docker/
COPY deploy/k8s/base/kafka-topics/topics.conf ./deploy/docker/topics.conf
# The face-api's spool folder (LATCHKEY_SPOOL_DIR in compose and Kubernetes), the one path the service user owns:
# a named volume or claim mounted there starts out owned by that user.
RUN mkdir -p /var/lib/latchkey/spool && chown 1000:1000 /var/lib/latchkey/spool && chmod 0700 /var/lib/latchkey/spool
# The image's own user (node, uid 1000), numeric so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3001 3002 3003 3004 3005 3006 3010
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/deploy/docker/healthcheck.js"]
ENTRYPOINT ["node", "/app/deploy/docker/entry.js"]

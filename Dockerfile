# syntax=docker/dockerfile:1
# One p2p-vault instance (docs/deploy.md):
#   docker build -t p2p-vault .
#   docker run -p 3000:3000 p2p-vault
# server.ts runs as TypeScript through tsx (a runtime dependency), so the image
# carries the sources server.ts imports (lib/) next to the built .next/.

ARG NODE_IMAGE=node:20-slim

# All dependencies from the lockfile: the build needs the dev ones (TypeScript).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The production bundle. Its build cache is not needed at run time.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npx next build && rm -rf .next/cache

# Runtime dependencies only.
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000
COPY --from=runtime-deps /app/node_modules ./node_modules
# package.json: "type": "module" (server.ts uses top-level await); next.config.mjs: the
# security headers, read by Next at start-up.
COPY package.json next.config.mjs tsconfig.json server.ts ./
COPY lib ./lib
COPY --from=build /app/.next ./.next
# The code stays root-owned (read-only to the app); only Next's runtime cache is writable.
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 3000
# 200 when serving (and Redis reachable in Redis mode), 503 while Redis is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# server.ts handles SIGTERM (docker stop): stops accepting, tells browsers, exits within 5 s.
CMD ["node", "--import", "tsx", "server.ts"]

# One image for every part of Bulletin (start | worker | scheduler | serve) and its CLI.
#
#   docker build -t bulletin .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://… -e REDIS_URL=redis://… \
#     -e SECRET_KEY=… bulletin
#   docker run --rm -e DATABASE_URL=… -e REDIS_URL=… bulletin node bin/bulletin.js worker
#
# The command runs node itself (not npm or npx), so SIGTERM reaches Bulletin, which finishes
# its running jobs and exits 0.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp takes Node's headers from the image rather than downloading them.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Every dependency, the compiler included: `npm ci` runs `prepare`, which builds dist/, so the
# sources come first.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
COPY jobs ./jobs
COPY emails ./emails
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    VAR_DIR=/var/lib/bulletin \
    PORT=3000
WORKDIR /app
# Only the build and the runtime dependencies: no TypeScript, no compiler at run time.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/dist ./dist
COPY package.json package-lock.json ./
COPY bin ./bin
# VAR_DIR holds the generated secret key and the outbox (and a SQLite file, if used).
RUN mkdir -p "$VAR_DIR" && chown node:node "$VAR_DIR"
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/bulletin.js", "start"]

# syntax=docker/dockerfile:1
# One image for every Herald process: the API (default command), the workers and the CLI (migrations).
# docker-compose.yml builds it; on its own: docker build -t herald . && docker run herald node dist/apps/cli/src/main.js --help

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile, then drop the development ones -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
# `npm ci` refuses a lockfile missing some other platform's optional packages; `npm install` then does the job.
RUN npm ci || npm install
COPY tsconfig.json .swcrc ./
COPY apps ./apps
COPY libs ./libs
COPY packages ./packages
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev \
 && npm cache clean --force

# ---- runtime: compiled code and production dependencies only, run as the unprivileged `node` user --------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Compose waits on /health/ready; a plain `docker run` gets the same check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]

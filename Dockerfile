# One image for every ingestkit service (and the ImageKit emulator); docker-compose and the
# Kubernetes manifests pick the entry point with the command.
#
# Stage 1 installs every dependency and builds the workspaces; stage 2 starts from a clean
# base, takes only package manifests and the compiled dist/ folders, installs production
# dependencies (`npm ci --omit=dev`) and runs as the unprivileged `node` user (uid 1000).

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc turbo.json tsconfig.base.json tsconfig.json ./
# Every workspace the lock file lists must be present for npm ci, sources or not.
COPY e2e/package.json e2e/
COPY deploy/package.json deploy/
COPY packages ./packages
COPY services ./services
RUN npm ci --no-audit --no-fund && npx turbo run build --output-logs=errors-only

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/.npmrc ./
COPY --from=build /app/e2e/package.json e2e/
COPY --from=build /app/deploy/package.json deploy/
COPY --from=build /app/packages ./packages
COPY --from=build /app/services ./services
RUN rm -rf packages/*/node_modules services/*/node_modules \
  && npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && rm -rf packages/*/src packages/*/test services/*/src services/*/test packages/*/tsconfig.tsbuildinfo services/*/tsconfig.tsbuildinfo \
  && mkdir -p /app/data && chown node:node /app/data
USER node
# Every service serves /healthz, /readyz and /metrics; the port depends on the service.
EXPOSE 8080 8081 9101 9102
CMD ["node", "services/upload-gateway/dist/main.js"]

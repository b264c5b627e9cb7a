# One image for every ingestkit service; the compose file / manifests pick the entry point.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
RUN npm ci --no-audit --no-fund && npx turbo run build

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages ./packages
COPY --from=build /app/services ./services
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf packages/*/src services/*/src packages/*/test services/*/test
USER node
CMD ["node", "services/upload-gateway/dist/main.js"]

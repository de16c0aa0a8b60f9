# Multi-stage build of the worker: compile TypeScript and prebuild the workflow bundle, then run
# as a non-root user with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && node lib/build-bundle.js lib/workflow-bundle.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/lib ./lib
RUN mkdir -p /data/results && chown -R node:node /data
USER node
ENV WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js RESULTS_DIR=/data/results
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s \
  CMD ["node", "lib/health.js"]
CMD ["node", "lib/worker.js"]

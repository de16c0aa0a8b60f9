# Multi-stage build of the worker: compile TypeScript and prebuild the workflow bundle, then run
# as a non-root user with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && node lib/worker/build-bundle.js lib/workflow-bundle.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/lib ./lib
RUN mkdir -p /data/results && chown -R node:node /data
USER node
ENV WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js RESULTS_DIR=/data/results
# Without a heap limit V8 sizes each heap (main thread and workflow thread) from the host's memory
# and collects lazily, so RSS grows to gigabytes long before anything is live. 512 MB per heap keeps
# the worker under 1 GB with 5,000 cancellations in flight (bench/README.md, capacity).
ENV NODE_OPTIONS=--max-old-space-size=512
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s \
  CMD ["node", "lib/health.js"]
CMD ["node", "lib/worker.js"]

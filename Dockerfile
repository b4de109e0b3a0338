# syntax=docker/dockerfile:1
# Build stage: full dev dependencies, compile TypeScript to dist/.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
# No install-time telemetry (swagger-ui-dist pulls in @scarf/scarf; package.json also opts out via scarfSettings).
ENV SCARF_ANALYTICS=false DO_NOT_TRACK=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs

# Runtime stage: production dependencies and the compiled app only, as a non-root user.
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN SCARF_ANALYTICS=false DO_NOT_TRACK=1 npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000
# Liveness, not readiness: a container is restarted only when the process stops answering, never because a
# dependency (database, Redis, Gemini keys) is down — that is what readiness reports to the load balancer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

# syntax=docker/dockerfile:1

# Build stage: a full Node 20 toolchain compiles the TypeScript; only its output ships.
FROM node:20-bookworm-slim AS build
WORKDIR /build

# The manifests alone first, so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
# Exactly what the lockfile pins, dev tools included, because compiling needs tsc.
RUN npm ci --no-audit --no-fund

# Compile src/ to dist/ with the build config; `npm test` would also lint, which an image needs not.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Drop the dev tools so node_modules holds only what dist/ imports at run time.
RUN npm prune --omit=dev --no-audit --no-fund

# Runtime stage: distroless Node 20 has no shell or package manager to exploit, and runs as nonroot.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /function
ENV NODE_ENV=production

# package.json carries "type": "module", without which Node would not load dist/ as ES modules.
COPY --from=build /build/package.json ./
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist

# A numeric non-root user, so Kubernetes can verify runAsNonRoot; Crossplane may still run it as 2000.
USER 65532:65532

# Crossplane dials functions on 9443, with mutual TLS from the certificates it mounts at /tls/server.
EXPOSE 9443
# Prometheus scrapes /metrics here (--metrics-address, default :8080).
EXPOSE 8080

# The script sits in the entrypoint, not CMD: Crossplane passes no arguments, so the function serves
# mutual TLS by default, and any arguments given (render's --insecure) are appended, not substituted.
ENTRYPOINT ["/nodejs/bin/node", "dist/main.js"]

# One image recipe for all three apps; APP picks which one a container runs.
#   docker build --build-arg APP=orders-api -t token-backbone/orders-api .

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Compiling needs no install scripts (the only ones hydrate the embedded PostgreSQL and a dev file watcher).
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Containers always get DATABASE_URL, so the embedded PostgreSQL's postinstall is not needed here either.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Local files the issuer may write (DATA_DIR); owned by the unprivileged user that runs the app.
RUN mkdir -p /app/.data && chown node:node /app/.data
ENV DATA_DIR=/app/.data
USER node
ARG APP=auth-issuer
ENV APP=${APP}
EXPOSE 3000 3001 3002
# exec replaces the shell, so node itself receives the SIGTERM of `docker stop`.
CMD ["sh", "-c", "exec node dist/apps/$APP/src/main.js"]

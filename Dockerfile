# The image a Kubernetes Indexed Job runs (rgp sweep|sparsify … --plan plan.json --k8s job.yaml --image IMAGE):
# the headless CLI with its bundled datasets, no VS Code. Build from the repository root:
#   docker build -t registry.example/rgp:0.1.0 .
# Each pod runs `rgp run-cell /rgp/plan.json --out /rgp/cells` with its own JOB_COMPLETION_INDEX; the plan's
# folder (model, data, plan) is the shared volume mounted at /rgp.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: @tensorflow/tfjs-node (optional) would download libtensorflow; the wasm backend ships
# inside its npm package and is what runs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json esbuild.js ./
COPY src ./src
COPY webview ./webview
COPY media ./media
RUN node esbuild.js --production && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The bundled datasets (presets of rgp sparsify, MNIST); a plan's own files come from the shared volume.
COPY data ./data
COPY examples ./examples
USER node
ENTRYPOINT ["node", "/app/bin/rgp.js"]
CMD ["--help"]

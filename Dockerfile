# syntax=docker/dockerfile:1
# One image for the service (`interceptor serve`) and for Tekton task steps (`interceptor context …`,
# `interceptor event post`). Build: docker build -t tekton-slack-interceptor:0.1.0 .

# --- build stage: resolve and install the pinned dependencies into a virtualenv --------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/interceptor
ENV PATH=/opt/interceptor/bin:$PATH
# Dependencies first, so a code change does not reinstall them. All of them ship binary wheels:
# no compiler is needed here, and none reaches the final image.
COPY requirements.txt ./
RUN pip install --only-binary=:all: --requirement requirements.txt
COPY pyproject.toml ./
COPY interceptor ./interceptor
COPY handlers ./handlers
RUN pip install --no-deps . \
 && python -m compileall -q /opt/interceptor/lib

# --- final stage: the virtualenv on a clean slim Python, as a non-root numeric user ----------------
FROM python:3.11-slim
LABEL org.opencontainers.image.title="tekton-slack-interceptor" \
      org.opencontainers.image.description="Tekton ClusterInterceptor, Slack request URL and cicdstatemgr-compatible context store" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/interceptor/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp
COPY --from=build /opt/interceptor /opt/interceptor
# The embedded SQLite store's default location (`make run`-style use); in Kubernetes the store is
# Redis and the root filesystem is read-only.
RUN groupadd --system --gid 10001 interceptor \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin interceptor \
 && mkdir -p /var/lib/interceptor \
 && chown 10001:10001 /var/lib/interceptor
USER 10001:10001
WORKDIR /tmp
# 8080: plain HTTP (default config); 8443: HTTPS when server.tls is set (the Kubernetes manifests).
EXPOSE 8080 8443
# For `docker run`; Kubernetes ignores HEALTHCHECK and uses the Deployment's probes on /live and /ready.
# The probe follows INTERCEPTOR_HEALTH_URL and accepts the service's private-CA certificate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, ssl, sys, urllib.request as u; url = os.environ.get('INTERCEPTOR_HEALTH_URL', 'http://127.0.0.1:8080/live'); ctx = ssl._create_unverified_context(); sys.exit(0 if u.urlopen(url, timeout=4, context=ctx).status == 200 else 1)"]
ENTRYPOINT ["interceptor"]
CMD ["serve"]

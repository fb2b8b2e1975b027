# gongwen with its fonts: `gongwen watch` by default; the compose file (compose.yaml) also runs it as
# a Prefect server and a worker. UNTESTED: written on a machine without a Docker daemon
# (docs/service.md, "Docker"); every step is the one scripts/setup.sh runs on Debian 12, which is.
FROM python:3.11-slim-bookworm

# Fonts (open substitutes for the official ones, as in scripts/setup.sh) and poppler (thumbnails).
# LibreOffice is left out: only the tests use it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fontconfig fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming texlive-lang-chinese \
      fonts-liberation poppler-utils \
 && rm -rf /var/lib/apt/lists/*
COPY fonts/fontconfig/65-gongwen.conf /etc/fonts/conf.d/65-gongwen.conf
RUN fc-cache -f

# The checkout stays in /app: `prefect deploy` (compose.yaml) reads prefect.yaml there, and workers
# run the entry point flows/orchestration/flow.py from it.
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir /app

# A user of its own; its state, caches and documents in volumes it owns.
RUN useradd --system --create-home --home-dir /var/lib/gongwen --shell /usr/sbin/nologin gongwen \
 && mkdir -p /srv/gongwen/inputs /srv/gongwen/outputs /var/cache/gongwen \
 && chown -R gongwen:gongwen /srv/gongwen /var/cache/gongwen
ENV PREFECT_HOME=/var/lib/gongwen/prefect \
    PREFECT_UI_STATIC_DIRECTORY=/var/lib/gongwen/prefect-ui \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    XDG_CACHE_HOME=/var/cache/gongwen \
    GONGWEN_INPUTS=/srv/gongwen/inputs \
    GONGWEN_OUTPUTS=/srv/gongwen/outputs
USER gongwen
# The CFF fonts converted and jieba's dictionary cached now, not in the first run.
RUN python -c "from tasks.fonts import resolve_fonts; from tasks.words import tokenizer; resolve_fonts(); tokenizer()"

VOLUME ["/srv/gongwen/inputs", "/srv/gongwen/outputs", "/var/lib/gongwen"]
ENTRYPOINT ["gongwen"]
CMD ["watch"]

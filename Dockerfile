# The demo as a container: `panel serve app` on $PORT, as a user other than root.
#
#   docker build -t convolution-demo .
#   docker run -p 5006:5006 -e ALLOWED_ORIGINS=demo.example.edu,course.example.edu convolution-demo
#
# It serves on $PORT (5006 unless set).
#
# BASE may be any Debian-based image with python3 >= 3.11 and its venv module (an air-gapped
# site: `debootstrap --variant=minbase --include=python3,python3-venv,python3-pip bookworm ROOTFS`,
# then `tar -C ROOTFS -c . | docker import - debian-python`). Where the build context holds
# wheels/ (`pip wheel . -w wheels`), everything is installed from there, with no network.
#
# Settings, the user and the code come first and the install last: with Docker's vfs storage
# (all some machines have) every step after a large one copies all of it again.
ARG BASE=python:3.12-slim
FROM ${BASE}

# ALLOWED_ORIGINS: the host[:port] of every page allowed to open the demo's websocket (the course
# site that embeds it, the address people type), comma-separated. NUM_PROCS > 1 forks workers.
ENV PATH=/home/demo/venv/bin:$PATH PORT=5006 ALLOWED_ORIGINS=localhost:5006 NUM_PROCS=1
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python3 -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/liveness', timeout=4)"
# Sessions whose page was fetched but whose websocket never came are dropped after a minute.
# BOKEH_SECRET_KEY (not set here; `bokeh secret` makes one, the same for every replica) signs
# sessions: no client can then hand the server a token of its own. BEHIND_PROXY, set to anything,
# takes a visitor's address from X-Real-Ip: only behind a proxy that writes it (haproxy.cfg).
CMD ["sh", "-c", "set -f; origins=''; for origin in $(echo \"$ALLOWED_ORIGINS\" | tr ',' ' '); do origins=\"$origins --allow-websocket-origin=$origin\"; done; exec panel serve /home/demo/convolution-demo/app --address 0.0.0.0 --port \"$PORT\" --num-procs \"$NUM_PROCS\" --liveness --unused-session-lifetime 60000 --check-unused-sessions 10000 ${BOKEH_SECRET_KEY:+--session-ids signed} ${BEHIND_PROXY:+--use-xheaders} $origins"]

RUN useradd --create-home --uid 10001 demo
USER demo
COPY --chown=demo . /home/demo/convolution-demo
RUN cd /home/demo/convolution-demo \
 && python3 -m venv /home/demo/venv \
 && if [ -d wheels ]; then \
      pip install --no-cache-dir --no-index --find-links wheels convolution-demo ; \
    else \
      pip install --no-cache-dir . ; \
    fi \
 && rm -rf wheels build *.egg-info

# The demo served on 0.0.0.0:5006. ALLOWED_ORIGINS lists, comma-separated, the host[:port] of
# every page allowed to open the demo's websocket (the course site that embeds it, and the
# address people type): docker run -e ALLOWED_ORIGINS=demo.example.edu,course.example.edu ...
FROM python:3.12-slim

WORKDIR /srv/convolution-demo
COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
RUN pip install --no-cache-dir . && useradd --create-home demo
USER demo

# NUM_PROCS > 1 forks workers; they link Panel's stylesheets on its CDN (see the README).
ENV ALLOWED_ORIGINS=localhost:5006 \
    NUM_PROCS=1
EXPOSE 5006
CMD ["sh", "-c", "set -f; origins=''; for origin in $(echo \"$ALLOWED_ORIGINS\" | tr ',' ' '); do origins=\"$origins --allow-websocket-origin=$origin\"; done; exec panel serve app --address 0.0.0.0 --port 5006 --num-procs \"$NUM_PROCS\" --static-dirs static=static $origins"]

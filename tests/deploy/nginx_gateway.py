"""The real nginx running the real gateway template (deploy/nginx/osl.conf.template), for the gateway's tests.

``start`` fills in the upstreams and the feed cache's token, listens on 127.0.0.1 and keeps the feed cache in a
test folder.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "osl.conf.template"
FEED_CACHE = "/var/cache/nginx/osl-feeds"
#: What the gateway tells the events app in X-OSL-Feed-Cache (FEED_CACHE_TOKEN): give the app the same.
FEED_CACHE_TOKEN = "gateway-test-feed-cache-token"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        reason = "nginx is not installed (`apt-get install -y nginx-light`, which `make test` tries)"
        if IN_CI:
            pytest.fail(f"{reason}. In CI (CI=true) the gateway test is required.")
        pytest.skip(reason)
    return found


def render(template: str, upstreams: dict[str, str], port: int, cache_dir: Path,
           feed_cache_token: str = FEED_CACHE_TOKEN) -> str:
    """The template as the nginx image fills it in (envsubst of the variables it is given)."""
    assert FEED_CACHE in template and "${FEED_CACHE_TOKEN}" in template
    text = template.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(FEED_CACHE, str(cache_dir))
    text = text.replace("${FEED_CACHE_TOKEN}", feed_cache_token)
    for name, address in upstreams.items():
        text = text.replace(f"${{{name.upper()}_UPSTREAM}}", address)
    assert "${" not in text, "the template names a variable this test does not know"
    return text


def start(folder: Path, upstreams: dict[str, str], port: int) -> subprocess.Popen:
    """nginx in the foreground with the gateway on ``port``, its upstreams at ``upstreams`` (service -> host:port)."""
    binary = nginx_binary()
    (folder / "osl.conf").write_text(render(TEMPLATE.read_text(), upstreams, port, folder / "feed-cache"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{ access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/osl.conf; }}\n")
    return subprocess.Popen([binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)])

"""Learners in real Chromium, through real nginx running ``deploy/nginx.conf``, to two real replicas.

The stack: two ``streamlit run app.py`` replicas on loopback ports, each started as docs/serving.md says
(``--server.address 127.0.0.1``, ``--server.allowedHosts`` the public name), and nginx running the sample
config with three changes made by this file: the upstream ``server`` lines name the two replicas' ports,
``listen`` a loopback port, ``server_name`` the public name ``lab.test`` (Chromium resolves it to
127.0.0.1, so the browser sends the Host and Origin a real deployment gets, not "127.0.0.1").

Which replica served a request is read from nginx's own access log, which this file's outer config adds
(the sample file leaves logging to the site): one line per request with the route the request was hashed
on (``$lab_route``), ``$upstream_addr`` and the URI. A websocket's line is written when it closes. The
sample config itself tells a browser nothing about its replicas.

What is checked: the security headers on every kind of response and that Chromium enforces them on a
frame; every request of a learner (page, static files, upload, websockets) reaches one replica; a
websocket reconnect (nginx restarted under the open pages) resumes the same session with its upload;
killing one replica leaves the other's learners untouched, and the killed one's learners see Streamlit's
"Connecting" state and then a fresh, working session on the other replica.

Ports: two free loopback ports for the replicas and one for nginx, or the first free ones in
``$PROXY_TEST_PORTS`` (e.g. ``8620-8639``) when that is set.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import http.server
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.helpers import (
    CHROMIUM_ARGS,
    NO_CHROMIUM,
    find_chromium,
    free_port,
    healthy,
    settle,
    start_streamlit,
    stop_streamlit,
    wait_healthy,
)
from tests.browser.test_pages import STEP_PAGE, assert_healthy, click_button, wait_for_step
from ui.loaded import UPLOAD_LABEL

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"
WEIGHTS = ROOT / "assets" / "weights" / "pytorch_export.safetensors"
HOST = "lab.test"  # the public name; Chromium maps it to 127.0.0.1
OTHER = "other.test"  # another site, on the same machine
SIDEBAR = '[data-testid="stSidebar"]'
CONNECTION = '[data-testid="stConnectionStatus"]'  # Streamlit's "Connecting" badge while it has no server
TIMEOUT = 60  # seconds for a page to settle or a server to start, on a busy 2-core CI box
LOADED = f"Using {WEIGHTS.name}"


def _ports(n: int) -> list[int]:
    """``n`` loopback ports nobody listens on: from $PROXY_TEST_PORTS ("low-high") when set."""
    spec = os.environ.get("PROXY_TEST_PORTS")
    if not spec:
        return [free_port() for _ in range(n)]
    low, high = map(int, spec.split("-"))
    found = []
    for port in range(low, high + 1):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                found.append(port)
        if len(found) == n:
            return found
    raise RuntimeError(f"fewer than {n} free ports in PROXY_TEST_PORTS={spec}")


def site_conf(replicas: list[int], listen: int) -> str:
    """deploy/nginx.conf with its upstream servers, listen port and server_name replaced; each of the
    three must be found exactly where docs/serving.md says, or the test fails."""
    text = CONF.read_text()
    servers = re.findall(r"^( *)server 127\.0\.0\.1:\d+;\n", text, flags=re.M)
    assert len(servers) >= 2, "deploy/nginx.conf lists fewer than two upstream servers"
    ours = "".join(f"{servers[0]}server 127.0.0.1:{p};\n" for p in replicas)
    text = re.sub(r"^ *server 127\.0\.0\.1:\d+;\n", lambda m: "", text, flags=re.M)
    text, n_upstream = re.subn(r"^(upstream lstm_gate_lab \{\n)", lambda m: m[1] + ours, text, flags=re.M)
    text, n_listen = re.subn(r"^( *)listen 80;$", rf"\1listen 127.0.0.1:{listen};", text, flags=re.M)
    text, n_name = re.subn(r"^( *)server_name [^;]+;$", rf"\1server_name {HOST};", text, flags=re.M)
    assert (n_upstream, n_listen, n_name) == (1, 1, 1), "deploy/nginx.conf changed shape; update this test"
    return text


def main_conf(prefix: Path) -> str:
    """The outer config nginx runs (the sample file is read inside ``http { }``): everything in
    ``prefix``, and an access log of which replica got each request."""
    temp = "".join(
        f"    {k}_temp_path {prefix}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would switch to "nobody" and could not use pytest's private temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    log_format routes '$lab_route|$upstream_addr|$status|$request_method|$uri';\n"
        f"    access_log {prefix}/access.log routes;\n{temp}"
        f"    include {prefix}/lab.conf;\n"
        "}\n"
    )


@dataclass
class Stack:
    prefix: Path
    port: int  # nginx
    replicas: dict[int, subprocess.Popen]  # port → process
    logs: dict[int, Path]
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start_nginx(self) -> None:
        self.nginx = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-e", str(self.prefix / "error.log"), "-c", "nginx.conf"]
            + ["-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.prefix / "nginx.out").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not healthy(f"http://127.0.0.1:{self.port}"):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start:\n" + (self.prefix / "error.log").read_text()[-3000:])
            time.sleep(0.1)

    def stop_nginx(self) -> None:
        """Fast shutdown (SIGTERM): nginx closes every connection, websockets included, at once."""
        if self.nginx is not None and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGTERM)
            self.nginx.wait(timeout=20)

    def routes(self) -> dict[str, list[tuple[int, str, str]]]:
        """nginx's access log: for each route, (replica port, status, "METHOD uri") of every request in
        order (after a failed replica, the port that finally answered)."""
        out: dict[str, list[tuple[int, str, str]]] = {}
        path = self.prefix / "access.log"
        for line in path.read_text().splitlines() if path.exists() else []:
            route, upstream, status, method, uri = line.split("|", 4)
            answered = upstream.split(",")[-1].strip()
            port = int(answered.rsplit(":", 1)[1]) if ":" in answered else 0
            out.setdefault(route, []).append((port, status, f"{method} {uri}"))
        return out


def _get(url: str, cookie: str | None = None):
    """GET without any proxy from the environment; (status, headers, body)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("proxy")
    nginx_port, *replica_ports = _ports(3)
    procs, logs = {}, {}
    try:
        for port in replica_ports:
            logs[port] = prefix / f"replica-{port}.log"
            procs[port], _ = start_streamlit(
                "app.py",
                ROOT,
                logs[port],
                port,
                options=[f"--server.allowedHosts={HOST}"],
                env={"MALLOC_ARENA_MAX": "2", "PYTHONMALLOC": "malloc"},  # as docs/serving.md starts one
            )
        for port, proc in procs.items():
            wait_healthy(proc, f"http://127.0.0.1:{port}", logs[port], TIMEOUT)
        (prefix / "lab.conf").write_text(site_conf(replica_ports, nginx_port))
        (prefix / "nginx.conf").write_text(main_conf(prefix))
        s = Stack(prefix, nginx_port, procs, logs)
        s.start_nginx()
        yield s
        s.stop_nginx()
    finally:
        for proc in procs.values():
            stop_streamlit(proc)
    for port, log in logs.items():
        assert "Traceback" not in log.read_text(errors="replace"), f"replica {port} logged an exception"


@pytest.fixture(scope="module")
def browser(playwright_driver):
    executable = find_chromium()
    if executable is None:
        pytest.fail(NO_CHROMIUM + " for the proxy test", pytrace=False)
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP {OTHER} 127.0.0.1"]
    b = playwright_driver.chromium.launch(executable_path=executable, args=args, headless=True)
    try:
        yield b
    finally:
        b.close()


def test_every_response_carries_the_security_headers(stack, browser):
    status, headers, html = _get(f"http://127.0.0.1:{stack.port}/")
    assert status == 200
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', html)
    assert script, "no script in the app's page"
    for path in ("/", f"/{script[1].decode()}", "/_stcore/health", "/_stcore/no-such-endpoint"):
        status, headers, _ = _get(f"http://127.0.0.1:{stack.port}{path}")
        assert status in (200, 404), (path, status)
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    # The route cookie: set on the first response, then kept (the same value comes back).
    (cookie,) = [c for c in headers.get_all("Set-Cookie") if c.startswith("lab_route=")]
    route = re.fullmatch(r"lab_route=([0-9a-f]{32}); Path=/; HttpOnly; SameSite=Lax", cookie)
    assert route, cookie
    _, again, _ = _get(f"http://127.0.0.1:{stack.port}/_stcore/health", f"lab_route={route[1]}")
    assert f"lab_route={route[1]}; Path=/; HttpOnly; SameSite=Lax" in again.get_all("Set-Cookie")

    # server.allowedHosts: a websocket for the public name opens; one for another name is refused.
    assert _websocket_status(stack.port, f"{HOST}:{stack.port}") == 101
    assert _websocket_status(stack.port, f"{OTHER}:{stack.port}") == 403

    # Chromium obeys them: another site's page can frame its own pages, not the app.
    with other_site(_ports(1)[0], stack.url) as other:
        page = browser.new_page()
        try:
            for src, allowed in ((f"{other}/plain.txt", True), (f"{stack.url}/_stcore/health", False)):
                page.goto(f"{other}/framing.html?src={src}")
                (child,) = page.main_frame.child_frames
                child.wait_for_load_state()
                if allowed:
                    assert child.url == src and child.locator("body").inner_text() == "plain", child.url
                else:
                    assert child.url.startswith("chrome-error://"), (
                        f"another site framed the app: {child.url}"
                    )
        finally:
            page.close()


def _websocket_status(port: int, host: str) -> int:
    """The status of a websocket handshake sent to nginx on ``port`` with this Host (and Origin)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "GET",
            "/_stcore/stream",
            headers={
                "Host": host,
                "Origin": f"http://{host}",
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version": "13",
            },
        )
        return conn.getresponse().status
    finally:
        conn.close()


@contextlib.contextmanager
def other_site(port: int, app: str):
    """Another origin (http://other.test:port) serving a page that frames ``?src=`` and a plain text file."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path, _, query = self.path.partition("?")
            src = urllib.parse.parse_qs(query).get("src", [""])[0]
            body = f'<iframe src="{html.escape(src)}"></iframe>' if path == "/framing.html" else "plain"
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if path == "/framing.html" else "text/plain")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{OTHER}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def _route_to(stack: Stack, port: int) -> str:
    """A route cookie value that nginx hashes to the replica on ``port``, found by asking nginx."""
    for i in range(200):
        route = f"learner-{port}-{i}"
        _get(f"http://127.0.0.1:{stack.port}/_stcore/health", f"lab_route={route}")
        deadline = time.monotonic() + 5
        while route not in (seen := stack.routes()) and time.monotonic() < deadline:
            time.sleep(0.05)
        if route in seen and seen[route][-1][0] == port:
            return route
    raise AssertionError(f"no route reached replica {port} in 200 tries: the hash is not spreading learners")


def _open(browser, stack: Stack, route: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "lab_route", "value": route, "url": stack.url}])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT * 1000)
    page.goto(f"{stack.url}/{STEP_PAGE}?hidden=3")
    settle(page, timeout=TIMEOUT)
    return page


def _sidebar(page) -> str:
    return page.locator(SIDEBAR).inner_text()


def _reconnected(page) -> None:
    """Wait for Streamlit's "Connecting" badge, then for it to go and the page to settle."""
    page.locator(CONNECTION, has_text="Connecting").wait_for(timeout=TIMEOUT * 1000)
    page.locator(CONNECTION).wait_for(state="detached", timeout=TIMEOUT * 1000)
    settle(page, timeout=TIMEOUT)


def _one_replica(stack: Stack, route: str) -> set[int]:
    return {port for port, _, _ in stack.routes()[route]}


# Counts how often Streamlit's connection badge appears from now on.
_WATCH_CONNECTION = f"""() => {{
    window.__lostConnection = 0;
    new MutationObserver(() => {{
        if (document.querySelector('{CONNECTION}')) window.__lostConnection += 1;
    }}).observe(document.body, {{childList: true, subtree: true}});
}}"""


def test_learners_stick_to_their_replica_and_survive_the_other_ones_crash(stack, browser):
    a_port, b_port = stack.replicas
    learners = {port: _open(browser, stack, _route_to(stack, port)) for port in (a_port, b_port)}
    routes = {port: page.context.cookies()[0]["value"] for port, page in learners.items()}

    # An upload (PUT /_stcore/upload_file/<session>/...: only the session's own replica accepts it),
    # then a fragment rerun.
    for page in learners.values():
        page.locator(SIDEBAR).get_by_text("Load weights", exact=True).click()
        uploader = page.locator(f'{SIDEBAR} [data-testid="stFileUploader"]', has_text=UPLOAD_LABEL)
        uploader.locator('input[type="file"]').set_input_files(str(WEIGHTS))
    for page in learners.values():
        page.locator(SIDEBAR).get_by_text(LOADED).wait_for()
        settle(page, timeout=TIMEOUT)
        click_button(page, "Next step")
        wait_for_step(page, 1, timeout=TIMEOUT)

    # A websocket reconnect: nginx restarts under the open pages. Each comes back to its own replica,
    # which still holds its session: the uploaded file is still loaded (a new session has no file).
    stack.stop_nginx()
    for page in learners.values():
        page.locator(CONNECTION, has_text="Connecting").wait_for(timeout=TIMEOUT * 1000)
    stack.start_nginx()
    for page in learners.values():
        page.locator(CONNECTION).wait_for(state="detached", timeout=TIMEOUT * 1000)
        settle(page, timeout=TIMEOUT)
        assert LOADED in _sidebar(page), "the reconnected session lost its upload: not the same session"
        click_button(page, "Next step")
        wait_for_step(page, 2, timeout=TIMEOUT)
        assert_healthy(page)
    for port, route in routes.items():
        log = stack.routes()[route]
        assert _one_replica(stack, route) == {port}, f"learner of {port} reached another replica: {log}"
        assert any("upload_file" in what and status == "204" for _, status, what in log), log

    # Replica A crashes. B's learner never notices; A's learner sees "Connecting", then a fresh session
    # on B: the link's view, no upload, a page that works.
    learners[b_port].evaluate(_WATCH_CONNECTION)
    os.killpg(stack.replicas[a_port].pid, signal.SIGKILL)
    stack.replicas[a_port].wait(timeout=10)
    a_page, b_page = learners[a_port], learners[b_port]
    _reconnected(a_page)
    assert_healthy(a_page)
    assert LOADED not in _sidebar(a_page)
    assert "Load weights" in _sidebar(a_page)
    t_before = int(re.search(r"[?&]t=(\d+)", a_page.url)[1])
    click_button(a_page, "Next step")
    wait_for_step(a_page, t_before + 1, timeout=TIMEOUT)
    assert stack.routes()[routes[a_port]][-1][0] == b_port, "A's learner was not moved to B"

    click_button(b_page, "Next step")
    wait_for_step(b_page, 3, timeout=TIMEOUT)
    assert b_page.evaluate("window.__lostConnection") == 0, "B's learner lost the connection"
    assert LOADED in _sidebar(b_page), "B's learner lost their session"
    assert_healthy(b_page)
    for page in learners.values():
        page.context.close()
    # nginx logs a websocket when it closes (A's first one by the nginx restart is not logged: a fast
    # shutdown logs nothing): A's second one closed by the crash, B's and A's third by closing the pages.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        len(_sockets(stack, routes[a_port])) < 2 or not _sockets(stack, routes[b_port])
    ):
        time.sleep(0.1)
    assert _sockets(stack, routes[b_port]) == [b_port], stack.routes()[routes[b_port]]
    assert _sockets(stack, routes[a_port]) == [a_port, b_port], stack.routes()[routes[a_port]]
    a_log = [port for port, _, _ in stack.routes()[routes[a_port]]]
    assert a_log == sorted(a_log, key=lambda port: port == b_port), (
        f"A's learner went back and forth: {a_log}"
    )
    assert _one_replica(stack, routes[b_port]) == {b_port}


def _sockets(stack: Stack, route: str) -> list[int]:
    """The replicas that ``route``'s websockets reached, in the order they closed (all of them opened)."""
    log = stack.routes().get(route, [])
    assert all(status == "101" for _, status, what in log if what == "GET /_stcore/stream"), log
    return [port for port, _, what in log if what == "GET /_stcore/stream"]

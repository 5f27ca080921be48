"""``deploy/nginx.conf``: the sample proxy config parses, and does what docs/serving.md says.

nginx is not needed: a small reader of nginx's syntax (directives end in ";", blocks in "{ }", "#" starts a
comment, quotes group words) turns the file into a tree, and the tests read directives from it. With nginx
installed, ``nginx -t`` checks the file as well.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
SERVING = ROOT / "docs" / "serving.md"
_TOKEN = re.compile(r"""#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+""")


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None  # None for a simple directive, a list for "name args { ... }"
    line: int = 0

    def all(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def one(self, name: str, *args: str) -> Directive:
        found = [d for d in self.all(name) if list(d.args[: len(args)]) == list(args)]
        assert len(found) == 1, f"expected one `{name} {' '.join(args)}` in `{self.name}`, found {len(found)}"
        return found[0]


def parse(text: str) -> Directive:
    """The config as a tree under a root directive named "main". Raises ValueError on a syntax error."""
    root = Directive("main", [], [])
    stack, words, line = [root], [], 1
    pos = 0
    for m in _TOKEN.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        tok = m.group()
        if tok.startswith("#"):
            continue
        if tok == ";":
            if not words:
                raise ValueError(f"line {line}: empty directive")
            stack[-1].block.append(Directive(words[0], words[1:], None, line))
            words = []
        elif tok == "{":
            if not words:
                raise ValueError(f"line {line}: a block with no name")
            block = Directive(words[0], words[1:], [], line)
            stack[-1].block.append(block)
            stack.append(block)
            words = []
        elif tok == "}":
            if words or len(stack) == 1:
                raise ValueError(f"line {line}: unexpected '}}' (unterminated directive or extra brace)")
            stack.pop()
        else:
            words.append(tok[1:-1] if tok[0] in "\"'" else tok)
    if words or len(stack) != 1:
        raise ValueError("the file ends inside a directive or a block")
    return root


@pytest.fixture(scope="module")
def conf() -> Directive:
    return parse(CONF.read_text())


def _ports(upstream: Directive) -> list[int]:
    return [int(s.args[0].rsplit(":", 1)[1]) for s in upstream.all("server")]


def _location(conf: Directive) -> Directive:
    return conf.one("server").one("location", "/")


def test_the_reader_rejects_broken_syntax():
    with pytest.raises(ValueError, match="unterminated"):
        parse("server { listen 80 }")
    with pytest.raises(ValueError, match="ends inside"):
        parse("server { listen 80;")
    assert parse("a 'b c' \"d\"; # x ;\n").block[0].args == ["b c", "d"]


def test_every_replica_port_is_an_upstream_server(conf):
    upstream = conf.one("upstream", "lstm_gate_lab")
    ports = _ports(upstream)
    assert len(ports) >= 2 and len(set(ports)) == len(ports), ports
    assert all(s.args[0].startswith("127.0.0.1:") for s in upstream.all("server"))
    # The start-up loop in the file's header starts exactly these replicas.
    loop = re.search(r"for port in ([\d ]+);", CONF.read_text())
    assert loop, "no `for port in ...` start-up loop in the header"
    assert [int(p) for p in loop[1].split()] == ports
    assert _location(conf).one("proxy_pass").args == ["http://lstm_gate_lab"]


def test_sessions_are_sticky_by_a_cookie(conf):
    upstream = conf.one("upstream", "lstm_gate_lab")
    hashed = upstream.one("hash")
    assert hashed.args[0] == "$lab_route" and "consistent" in hashed.args
    route_map = conf.one("map", "$cookie_lab_route", "$lab_route")
    values = {d.name: d.args for d in route_map.block}
    assert values[""] == ["$request_id"] and values["default"] == ["$cookie_lab_route"]
    (cookie,) = [d for d in _location(conf).all("add_header") if d.args[0] == "Set-Cookie"]
    assert cookie.args[1].startswith("lab_route=$lab_route;"), cookie.args


def test_websockets_are_upgraded(conf):
    loc = _location(conf)
    assert loc.one("proxy_http_version").args == ["1.1"]
    headers = {d.args[0]: d.args[1] for d in loc.all("proxy_set_header")}
    assert headers["Upgrade"] == "$http_upgrade"
    assert headers["Connection"] == "$connection_upgrade"
    # Streamlit checks the websocket's Origin against its Host, port included ($host has no port)
    assert headers["Host"] == "$http_host"
    upgrade_map = conf.one("map", "$http_upgrade", "$connection_upgrade")
    values = {d.name: d.args for d in upgrade_map.block}
    assert values["default"] == ["upgrade"] and values[""] == ["close"]
    timeout = loc.one("proxy_read_timeout").args[0]
    hours = int(timeout[:-1]) if timeout.endswith("h") else int(timeout.rstrip("s")) / 3600
    assert hours >= 1, f"proxy_read_timeout {timeout}: an idle lesson websocket would be cut"


def test_the_upload_limit_fits_the_app_limit(conf):
    app_mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    body = conf.one("server").one("client_max_body_size").args[0]
    # >=: the server itself compares the whole request, framing included, with maxUploadSize
    assert body.lower().endswith("m") and int(body[:-1]) >= app_mb, (body, app_mb)


def test_the_readme_section_starts_the_same_replicas(conf):
    section = SERVING.read_text()
    assert "deploy/nginx.conf" in section
    loop = re.search(r"for port in ([\d ]+);", section)
    assert loop, "docs/serving.md shows no `for port in ...` start-up loop"
    assert [int(p) for p in loop[1].split()] == _ports(conf.one("upstream", "lstm_gate_lab"))


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (the reader above still ran)"
)
def test_nginx_accepts_the_file(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {CONF};\n}}\n"
    )
    done = subprocess.run(["nginx", "-t", "-c", str(main)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr

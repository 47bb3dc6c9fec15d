"""Several replicas behind a sticky load balancer (tests/proxy.py): each browser stays on one
replica, and every browser gets a demo that moves and repaints."""

import subprocess
import sys

from support.serving import ROOT, Page, Server, answers, free_port, stop_group


class Proxy:
    """tests/proxy.py in its own session, stopped by process group."""

    def __init__(self, port: int, upstreams: list[int]) -> None:
        self.url = f"http://127.0.0.1:{port}/app"
        command = [
            sys.executable,
            str(ROOT / "tests" / "support" / "proxy.py"),
            str(port),
            *map(str, upstreams),
        ]
        self.process = subprocess.Popen(command, start_new_session=True)
        if not answers(self.url, self.process, seconds=30):
            self.stop()
            raise RuntimeError("the proxy did not start")

    def stop(self) -> None:
        stop_group(self.process)


def test_replicas_behind_a_sticky_balancer_each_serve_working_demos(browser):
    port = free_port()
    origin = ("--allow-websocket-origin", f"127.0.0.1:{port}")
    replicas = [Server(*origin), Server(*origin)]
    proxy = None
    try:
        proxy = Proxy(port, [replica.port for replica in replicas])
        pinned = []
        for visit in range(4):
            context = browser.new_context()
            try:
                page = Page(context.new_page()).open(proxy.url + f"?seed={visit}")
                page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
                page.page.wait_for_function(
                    "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
                )
                first = page.step()
                page.page.wait_for_timeout(1300)
                assert page.step() != first, "the demo moves behind the balancer"
                cookies = {c["name"]: c["value"] for c in context.cookies()}
                pinned.append(cookies["replica"])
                assert page.errors == []
            finally:
                context.close()
        assert sorted(set(pinned)) == ["0", "1"], "the balancer spreads new browsers"
        for replica in replicas:
            # Each replica held the websockets of its own browsers, and nothing went wrong.
            assert replica.output().count("WebSocket connection opened") == 2
            assert replica.errors() == []
    finally:
        if proxy is not None:
            proxy.stop()
        for replica in replicas:
            replica.stop()

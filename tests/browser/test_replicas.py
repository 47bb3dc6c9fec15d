"""Two replicas behind HAProxy with the README's own configuration (static/haproxy.cfg): each
browser stays on one replica by its cookie, the browsers are spread over both, and every demo
moves and repaints through the balancer. The replicas are containers of the image where Docker
runs, `panel serve app` processes otherwise."""

import pytest
from support.balancer import Balancer
from support.serving import Page, Server, free_port


@pytest.fixture
def replicas(request, balancer_port):
    """Two replicas that accept the balancer's origin: containers, or processes."""
    origin = f"127.0.0.1:{balancer_port}"
    image = request.getfixturevalue("image_if_docker")
    if image is not None:
        from support.docker import Container

        made = [Container(image, origins=origin) for _ in range(2)]
        yield [f"127.0.0.1:{replica.port}" for replica in made], "containers"
    else:
        made = [Server("--liveness", "--allow-websocket-origin", origin) for _ in range(2)]
        yield [f"127.0.0.1:{replica.port}" for replica in made], "processes"
    for replica in made:
        replica.stop()


@pytest.fixture
def balancer_port():
    return free_port()


def test_replicas_behind_haproxy_with_cookie_affinity_serve_working_demos(
    browser, replicas, balancer_port
):
    addresses, kind = replicas
    balancer = Balancer(addresses, port=balancer_port)
    try:
        pinned = []
        for visit in range(4):
            context = browser.new_context()
            try:
                page = Page(context.new_page()).open(balancer.url + f"?seed={visit}")
                page.open_settings()
                page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
                page.page.wait_for_function(
                    "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
                )
                first = page.step()
                page.page.wait_for_timeout(1300)
                assert page.step() != first, f"the demo moves behind the balancer ({kind})"
                cookies = {c["name"]: c["value"] for c in context.cookies()}
                pinned.append(cookies["replica"])
                assert page.errors == []
            finally:
                context.close()
        assert sorted(set(pinned)) == ["a", "b"], "the balancer spreads new browsers"
    finally:
        balancer.stop()

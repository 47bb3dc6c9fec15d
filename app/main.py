"""`panel serve app` runs this file once per browser session."""

import panel as pn

from app import ConvolutionDemo
from app.page.admission import admit, follow
from app.page.collector import session_built
from app.page.serving import local_dist

pn.extension(design="native")
# Panel's stylesheets from this server, for every model of this session, made now or later.
# A session is also made where its websocket lands, on another worker of `--num-procs`, and
# without the page's request Panel would link them on its CDN (unstyled offline).
pn.state.curdoc.template_variables["dist_url"] = local_dist(pn.state.rel_path)

full = admit(pn.state.curdoc)
if full:
    pn.pane.HTML(f"<p>{full}</p>").servable(title="Convolution demo", location=False)
else:
    # No Panel Location: the demo keeps the address itself (write_address in
    # app/figures/js/controls.js says why).
    demo = ConvolutionDemo.from_address(pn.state.session_args)
    pn.state.curdoc.template_variables["embedded"] = demo.embed  # the page's heading, or none
    pn.state.curdoc.template_variables["dark"] = demo.theme == "dark"
    pn.state.curdoc.template_variables["subtitle"] = demo.subtitle
    demo.servable(title="Convolution demo", location=False)
    follow(pn.state.curdoc, demo.settings)  # the session's place grows with what it shows
session_built()  # held as long as the session: out of the collector's full passes

"""`panel serve app` runs this file once per browser session."""

import panel as pn

from app import ConvolutionDemo
from app.page.admission import admit
from app.page.logs import harden_server

harden_server()
pn.extension(design="native")

full = admit(pn.state.curdoc)
if full:
    pn.pane.HTML(f"<p>{full}</p>").servable(title="Convolution demo", location=False)
else:
    # No Panel Location: the demo keeps the address itself (app/page/address.py says why).
    demo = ConvolutionDemo.from_address(pn.state.session_args)
    demo.servable(title="Convolution demo", location=False)

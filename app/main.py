"""`panel serve app` runs this file once per browser session."""

import panel as pn

from app import ConvolutionDemo
from app.page.logs import quiet_browser_departures

quiet_browser_departures()
pn.extension(design="native")

ConvolutionDemo.from_address(pn.state.session_args).servable(title="Convolution demo")

"""`panel serve app` runs this file once per browser session."""

import panel as pn

from app import ConvolutionDemo

pn.extension(design="native")

ConvolutionDemo.from_address(pn.state.session_args).servable(title="Convolution demo")

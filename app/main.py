"""`panel serve app` runs this file once per browser session."""

import panel as pn

from app import ConvolutionDemo

pn.extension(design="native")

ConvolutionDemo().servable(title="Convolution demo")

"""A page altered by hand sends values no control offers: the server logs a warning, keeps
the demo, and stays healthy."""

from support.serving import Page, Server

# Every model of the page whose property `key` holds something matching `test`.
SEND = """([test, key, value]) => {
  const models = [...Bokeh.documents[0]._all_models.values()]
  const model = models.find(m => m[key] !== undefined && eval(test)(m))
  model[key] = value
}"""


def test_tampered_widget_values_are_refused_with_a_warning(browser):
    server = Server()  # its own log, to read its warnings
    try:
        page = Page(browser.new_page()).open(server.url + "?seed=1").open_settings()
        stride = "m => String(m.title).startsWith('Stride (rows)')"
        for value in ("99", "-1", "abc", "<script>alert(1)</script>", ""):
            page.page.evaluate(SEND, [stride, "value", value])
        layer = "m => Array.isArray(m.labels) && m.labels.includes('transposed')"
        page.page.evaluate(SEND, [layer, "active", 7])
        bias = "m => Array.isArray(m.labels) && m.labels[0] === 'Bias'"
        page.page.evaluate(SEND, [bias, "active", [5, -2]])
        kernel = "m => m.title === 'Kernel'"
        page.page.evaluate(SEND, [kernel, "value", "../../etc/passwd"])
        upload = "m => m.data && m.data.encoded !== undefined"
        page.page.evaluate(
            "([test]) => { const models = [...Bokeh.documents[0]._all_models.values()];"
            " const model = models.find(eval(test)); model.data.encoded = '%%not base64%%' }",
            [upload],
        )
        page.page.wait_for_function(
            "() => [...Bokeh.documents[0]._all_models.values()].some(m => typeof m.text"
            " === 'string' && m.text.includes('the file did not arrive whole'))"
        )  # the garbled upload got a message
        assert page.model("conv_meta", "model.data.OH[0]") == 3  # the demo as it was
        # The page still works: a real choice repaints.
        page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
        page.page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        assert server.errors() == []
        assert server.output().count("ignored") >= 8
        assert page.errors == []
    finally:
        server.stop()

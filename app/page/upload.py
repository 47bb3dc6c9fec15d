"""A file field that weighs the file in the browser before sending it: Panel's FileInput sends
any file whole over the websocket, and one past the websocket's message cap closes the session
(and loses the person's state) instead of getting a message."""

from __future__ import annotations

import base64

import param
from panel.custom import JSComponent

from app.settings.pictures import MAX_UPLOAD_BYTES


class PictureUpload(JSComponent):
    """An <input type=file> for one PNG or JPEG; `data` holds the bytes the browser sent."""

    label = param.String("Upload a PNG or JPEG")
    cap = param.Integer(MAX_UPLOAD_BYTES, doc="Files larger than this are refused in the browser")
    encoded = param.String("", doc="The last file, base64, as the browser sent it")
    filename = param.String("")
    refused = param.String("", doc="Why the browser did not send the last file")

    _esm = """
    export function render({ model, el }) {
      const input = document.createElement("input")
      input.type = "file"
      input.accept = ".png,.jpg,.jpeg,image/png,image/jpeg"
      input.setAttribute("aria-label", model.label)
      input.style.font = "inherit"
      input.addEventListener("change", async () => {
        const file = input.files[0]
        if (!file) return
        if (file.size === 0) {
          model.refused = `${file.name}: the file is empty. The previous picture stays.`
          input.value = ""
          return
        }
        if (file.size > model.cap) {
          const mb = (file.size / 1e6).toFixed(1), cap = (model.cap / 1e6).toFixed(0)
          const why = `${file.name}: ${mb} MB, over the ${cap} MB cap.`
          model.refused = `${why} The previous picture stays.`
          input.value = ""
          return
        }
        const bytes = new Uint8Array(await file.arrayBuffer())
        let binary = ""
        for (let i = 0; i < bytes.length; i += 0x8000) {
          binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
        }
        model.refused = ""
        model.filename = file.name
        model.encoded = btoa(binary)
        input.value = ""  // choosing the same file again is a new upload
      })
      return input
    }
    """

    @property
    def data(self) -> bytes:
        """The bytes of the last file sent, or a ValueError where the page sent text that no
        file encodes to (only a page altered by hand sends that)."""
        try:
            return base64.b64decode(self.encoded, validate=True)
        except ValueError:
            raise ValueError("the file did not arrive whole: upload it again") from None

"""Open Badges baking: a PNG badge image that carries its credential inside, so the picture a holder
shares is itself verifiable. Open Badges 3.0 bakes into an `iTXt` chunk with the keyword
`openbadgecredential`, holding the credential (JSON with its proof, or the compact JWT)."""

import io
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

KEYWORD = "openbadgecredential"
SIZE = 400
ACCENT = (15, 76, 92)  # the portal's dark teal


# Bitstream Vera Bold, which reportlab ships (and the PDF embeds): the same letters everywhere.
FONT = Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"


def _font(size):
    return ImageFont.truetype(str(FONT), size)


def badge_image(*, title, subtitle):
    """A plain round badge: "NMT" over the program's name, in the portal's colours."""
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=ACCENT)
    draw.ellipse((28, 28, SIZE - 28, SIZE - 28), outline=(255, 255, 255), width=4)
    draw.text((SIZE / 2, SIZE / 2 - 40), "NMT", font=_font(96), fill="white", anchor="mm")
    size = 34
    while size > 14 and draw.textlength(title, font=_font(size)) > SIZE - 110:
        size -= 2
    draw.text((SIZE / 2, SIZE / 2 + 45), title, font=_font(size), fill="white", anchor="mm")
    draw.text((SIZE / 2, SIZE / 2 + 90), subtitle, font=_font(22), fill="white", anchor="mm")
    return image


def bake(image, credential_text):
    """The PNG bytes of `image` with `credential_text` in its `openbadgecredential` iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, credential_text, lang="", tkey="", zip=False)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def unbake(png_bytes):
    """The credential text baked into a PNG, or None."""
    with Image.open(io.BytesIO(png_bytes)) as image:
        image.load()
        value = image.text.get(KEYWORD) if hasattr(image, "text") else None
    return str(value) if value is not None else None

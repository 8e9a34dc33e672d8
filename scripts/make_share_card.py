"""Draw static/img/share-card.png, the 1200x630 Open Graph image, in the portal's palette.

Run `.venv/bin/python scripts/make_share_card.py` after changing the wording; commit the PNG.
The logo is static/img/logo.svg drawn again with Pillow's shapes (social sites take PNG, not SVG).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
TEAL, DARK, WHITE, PALE = "#0f4c5c", "#0a3540", "#ffffff", "#cfe3e8"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "img" / "share-card.png"


def font(name, size):
    return ImageFont.truetype(str(FONTS / name), size)


def draw_logo(draw, left, top, size):
    """static/img/logo.svg (a 64-unit square) at `size` pixels: a white disc, an arc, three dots."""
    unit = size / 64

    def at(x, y):
        return left + x * unit, top + y * unit

    draw.ellipse([at(2, 2), at(62, 62)], fill=WHITE)
    # The SVG's curve "M14 44c6-10 10-16 18-16s12 6 18 16", as the arc of a circle through its ends.
    draw.arc([at(12, 28), at(52, 68)], start=200, end=340, fill=TEAL, width=round(5 * unit))
    for x, y in ((20, 22), (32, 16), (44, 22)):
        draw.ellipse([at(x - 5, y - 5), at(x + 5, y + 5)], fill=TEAL)


def main():
    image = Image.new("RGB", (WIDTH, HEIGHT), TEAL)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, HEIGHT - 120, WIDTH, HEIGHT], fill=DARK)
    draw_logo(draw, 80, 80, 150)
    draw.text((80, 270), "Neurosequential Model", font=font("DejaVuSans-Bold.ttf", 68), fill=WHITE)
    draw.text((80, 350), "of Therapeutics (NMT)", font=font("DejaVuSans-Bold.ttf", 68), fill=WHITE)
    draw.text((80, HEIGHT - 82), "Training · Certification · Partners", font=font("DejaVuSans.ttf", 40), fill=PALE)
    image.save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}")


if __name__ == "__main__":
    main()

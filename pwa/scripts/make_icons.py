"""Draw the app icons (committed PNGs; run again only to change them).

`../.venv/bin/python scripts/make_icons.py` from pwa/. A wrench-and-house mark on the brand blue:
the "any" icons fill the square; the maskable one keeps the mark inside the 80 % safe zone.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (21, 94, 117)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"


def draw(size: int, safe: float, rounded: bool) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BLUE)
    else:
        pen.rectangle((0, 0, size, size), fill=BLUE)
    inner = size * safe
    left = (size - inner) / 2
    unit = inner / 10
    # House: a roof and a body, drawn in white.
    pen.polygon(
        [(left + unit * 1, left + unit * 4.6), (left + unit * 5, left + unit * 1), (left + unit * 9, left + unit * 4.6)],
        fill=WHITE,
    )
    pen.rectangle((left + unit * 2.2, left + unit * 4.4, left + unit * 7.8, left + unit * 9), fill=WHITE)
    # A wrench across the door, in the brand blue.
    pen.line((left + unit * 3.4, left + unit * 8.2, left + unit * 6.4, left + unit * 5.2), fill=BLUE, width=int(unit))
    pen.ellipse((left + unit * 5.6, left + unit * 4.2, left + unit * 7.4, left + unit * 6.0), fill=BLUE)
    pen.ellipse((left + unit * 6.2, left + unit * 4.0, left + unit * 7.2, left + unit * 5.0), fill=WHITE)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.8, True).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.8, True).save(OUT / "icon-512.png", optimize=True)
    draw(512, 0.6, False).save(OUT / "maskable-512.png", optimize=True)
    draw(180, 0.7, False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()

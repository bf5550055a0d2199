"""Sniffing and re-encoding uploaded images with Pillow.

Only the bytes decide: a file is accepted when Pillow recognizes it as JPEG, PNG or WebP and
decodes it completely; its name and Content-Type are never looked at. What is stored is a new
encoding of the pixels alone — orientation applied, colors converted to sRGB, and no EXIF (GPS
included), XMP, ICC profile or comments carried over.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from io import BytesIO

from flask import current_app
from PIL import Image, ImageCms, ImageFile, ImageOps

from server.attachments.models import AttachmentKind
from server.errors import Problem

OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}  # MPO: a camera JPEG with extra frames (Pillow's name)
MAX_SIDE = 2560  # the stored image's long side
THUMBNAIL_SIDE = 320
PHOTO_QUALITY = 85
THUMBNAIL_QUALITY = 80

# What Pillow raises on malformed input, besides its own UnidentifiedImageError (an OSError).
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError)

_ICC_OUTPUT_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}


@dataclass(frozen=True)
class Encoded:
    """The stored image and its thumbnail, both in `content_type`."""

    data: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int


def unsupported() -> Problem:
    return Problem(
        415,
        "O arquivo não é uma imagem JPEG, PNG ou WebP válida (ou está incompleto). Envie a foto novamente.",
        slug="unsupported-image",
    )


def max_pixels() -> int:
    """The pixel budget (IMAGE_MAX_MEGAPIXELS, 40 by default): a decompression bomb, or a photo
    far beyond what a report needs, is refused from its header, before a pixel is decoded."""
    return int(current_app.config["IMAGE_MAX_MEGAPIXELS"] * 1_000_000)


def too_many_pixels(size: tuple[int, int] | None) -> Problem:
    """422 naming the budget, and the image's size when known (Pillow's own bomb check, far
    above the budget, raises before it tells the size)."""
    budget = f"{current_app.config['IMAGE_MAX_MEGAPIXELS']:g}".replace(".", ",")
    found = "A imagem tem resolução grande demais"
    if size:
        megapixels = f"{size[0] * size[1] / 1_000_000:.1f}".replace(".", ",")
        found = f"A imagem tem {megapixels} megapixels ({size[0]} × {size[1]} pixels)"
    return Problem(
        422,
        f"{found}; o máximo é {budget} megapixels. Envie uma foto de resolução menor.",
        slug="image-too-large",
    )


def reencode(data: bytes, kind: str) -> Encoded:
    """Decode `data` (415 if it is not a whole JPEG/PNG/WebP, 422 above the pixel budget) and re-encode it.

    Photos become JPEG (quality 85, long side at most 2560 px, transparency flattened on white);
    signatures become PNG and keep their transparency. The thumbnail has the same format.
    """
    image = _decode(data)
    try:
        image = _normalize(image, kind)
    except _DECODE_ERRORS:
        raise unsupported() from None
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if kind == AttachmentKind.SIGNATURE:
        return Encoded(_png(image), _png(thumbnail), "image/png", image.width, image.height)
    return Encoded(
        _jpeg(image, PHOTO_QUALITY), _jpeg(thumbnail, THUMBNAIL_QUALITY), "image/jpeg", image.width, image.height
    )


def _decode(data: bytes) -> Image.Image:
    """Open by content (the header only), check format and size, verify, then reopen and decode
    every pixel."""
    try:
        with Image.open(BytesIO(data), formats=OPEN_FORMATS) as probe:
            _check(probe)
            probe.verify()  # checksums and structure (PNG); verify() leaves the image unusable
        image = Image.open(BytesIO(data), formats=OPEN_FORMATS)
        _check(image)
        if image.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers MAX_SIDE: a
            # 48 MP photo then needs a quarter of the memory and time.
            image.draft(image.mode, (MAX_SIDE, MAX_SIDE))
        # A truncated file fails here, unless Pillow's process-wide LOAD_TRUNCATED_IMAGES is on:
        # WeasyPrint turns it on when imported (for the documents), so uploads turn it off again.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image.load()
    except Image.DecompressionBombError:  # Pillow's own limit, should ours be set higher
        raise too_many_pixels(None) from None
    except _DECODE_ERRORS:
        raise unsupported() from None
    return image


def _check(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise unsupported()
    if image.width * image.height > max_pixels():
        raise too_many_pixels(image.size)


def _normalize(image: Image.Image, kind: str) -> Image.Image:
    """Upright, sRGB, in the stored mode, at most MAX_SIDE — and nothing but pixels."""
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    if upright is not None:
        image = upright
    image = _to_srgb(image, icc_profile)
    if kind == AttachmentKind.SIGNATURE:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    else:
        image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the raw pixels: no info dict, EXIF, XMP, ICC profile or comment survives.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert from the embedded color profile (e.g. an iPhone's Display P3) to sRGB, which the
    stored file assumes once the profile is dropped. An unusable profile is just ignored."""
    output_mode = _ICC_OUTPUT_MODES.get(image.mode)
    if not icc_profile or output_mode is None:
        return image
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))  # per call: nothing shared by threads
        converted = ImageCms.profileToProfile(image, source, srgb, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white (not black)."""
    if not image.has_transparency_data:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()

"""Turning an uploaded file into images we are willing to serve.

Pillow opens the file with an allow-list of formats (JPEG, PNG, GIF, WebP: nothing else is
even tried), refuses pictures of more than 40 megapixels before decoding them (a small file
can declare a huge picture: a "decompression bomb"), then re-encodes: the EXIF orientation is
applied, colours are converted to sRGB, and every piece of metadata (EXIF with GPS, XMP,
comments, colour profiles) is dropped. Two images are written: a display size (at most
1600 px) and a thumbnail (at most 320 px), as JPEG, or PNG when the picture is transparent.
The uploaded bytes themselves are never kept.

This runs in a worker thread (``asyncio.to_thread``): it is CPU work.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from twinspace.errors import DomainError
from twinspace.i18n import N_

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo; a bomb is refused before decoding
MAX_SIDE = 20_000
DISPLAY_MAX = 1600
THUMB_MAX = 320
JPEG_QUALITY = 85

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this, and refuses above twice this
# The warning is a refusal too. Set once for the process (catch_warnings is not thread-safe);
# _check_size refuses the same pictures whatever the warning filters are.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


class UnsupportedImage(DomainError):
    code, status = "unsupported_type", 415


@dataclass
class Rendition:
    path: Path  # a temporary file, moved into the store or removed
    width: int
    height: int
    size: int
    mime: str


@dataclass
class Processed:
    filename: str
    display: Rendition
    thumb: Rendition

    def discard(self) -> None:
        """Remove the temporary files that were not moved into the store."""
        self.display.path.unlink(missing_ok=True)
        self.thumb.path.unlink(missing_ok=True)


def _unsupported(filename: str) -> UnsupportedImage:
    return UnsupportedImage(
        N_("This file is not a picture TwinSpace can use. Send a JPEG, PNG, GIF or WebP photo."),
        filename=filename,
    )


def _too_large(filename: str) -> UnsupportedImage:
    return UnsupportedImage(
        N_("This picture is too large: at most 40 megapixels."),
        filename=filename,
        max_pixels=MAX_PIXELS,
    )


def _check_size(image: Image.Image, filename: str) -> None:
    width, height = image.size
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE:
        raise _too_large(filename)
    if width * height > MAX_PIXELS:
        raise _too_large(filename)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert with the picture's own colour profile, if any; the profile itself is dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except Exception:  # a broken profile: keep the pixels as they are
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> tuple[Image.Image, bool]:
    """RGB, L (grey) or RGBA pixels; True when some pixel is transparent."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.point(lambda v: v / 256).convert("L")  # 16-bit grey
    elif image.mode == "F":
        image = image.convert("L")
    transparent = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or ("transparency" in image.info)
    if transparent:
        image = image.convert("RGBA")
        low, _ = image.getchannel("A").getextrema()
        if low < 255:
            return image, True
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image, False


def _save(image: Image.Image, temp_dir: Path, transparent: bool) -> Rendition:
    clean = image.copy()
    clean.info = {}  # no EXIF, XMP, ICC, comments or text chunks reach the file
    fd, name = tempfile.mkstemp(dir=temp_dir, prefix="img-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            if transparent:
                clean.save(out, "PNG", compress_level=6)
            else:
                clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Rendition(
        path=path,
        width=clean.width,
        height=clean.height,
        size=path.stat().st_size,
        mime="image/png" if transparent else "image/jpeg",
    )


def process_image(source: Path, temp_dir: Path, filename: str) -> Processed:
    """Check and re-encode one uploaded picture; raises UnsupportedImage (415)."""
    try:  # only reads the header: the size is checked before any pixel is decoded
        opened = Image.open(source, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(filename) from None
    except Exception:
        raise _unsupported(filename) from None
    with opened:
        _check_size(opened, filename)
        try:
            if opened.format == "JPEG":  # decode at a reduced scale when the photo is large
                opened.draft("RGB", (DISPLAY_MAX, DISPLAY_MAX))
            opened.seek(0)  # the first frame of an animation
            opened.load()
            image: Image.Image = opened
            try:
                image = ImageOps.exif_transpose(opened)
            except Exception:  # unreadable EXIF: keep the picture as it is
                image = opened
            image = _to_srgb(image)
            image, transparent = _flatten(image)
        except UnsupportedImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(filename) from None
        except Exception:  # truncated or corrupt data
            raise _unsupported(filename) from None
    display = image.copy()
    display.thumbnail((DISPLAY_MAX, DISPLAY_MAX), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((THUMB_MAX, THUMB_MAX), Image.Resampling.LANCZOS)
    saved = _save(display, temp_dir, transparent)
    try:
        small = _save(thumb, temp_dir, transparent)
    except BaseException:
        saved.path.unlink(missing_ok=True)
        raise
    return Processed(filename=filename, display=saved, thumb=small)

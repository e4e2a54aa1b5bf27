"""The gallery's picture checks live in the bottom layer (``twinspace.images``), shared with
profile photos; this name stays for the gallery's own imports."""

from twinspace.images import Processed, Rendition, UnsupportedImage, process_image

__all__ = ["Processed", "Rendition", "UnsupportedImage", "process_image"]

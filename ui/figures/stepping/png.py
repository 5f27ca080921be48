"""A heatmap as a picture: values through a Plotly colour scale to RGB pixels, and those as a PNG data URI
(standard library only), for the layout images that stand in for heatmaps during an animation."""

from __future__ import annotations

import base64
import math
import struct
import zlib

import numpy as np

from ui.figures.stepping.layout import MARGIN, ROW_PX, WIDTH_PX


def colour_mapped(z: np.ndarray, scale, zmin: float, zmax: float) -> np.ndarray:
    """(rows, cols, 3) uint8 RGB of z through a Plotly colour scale (linear in RGB, as Plotly does),
    each cell repeated so the picture is about as many pixels as the panel: sharp cell edges."""
    positions = [p for p, _ in scale]
    rgb = [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in scale]
    where = (np.clip(z, zmin, zmax) - zmin) / (zmax - zmin)
    channels = [np.interp(where, positions, [c[k] for c in rgb]) for k in range(3)]
    image = np.rint(np.stack(channels, axis=-1)).astype(np.uint8)
    rows, cols = z.shape
    plot_width = WIDTH_PX - MARGIN["l"] - MARGIN["r"]
    image = np.repeat(image, max(1, math.ceil(ROW_PX["heat"] / rows)), axis=0)
    return np.repeat(image, max(1, math.ceil(plot_width / cols)), axis=1)


def png_data_uri(rgb: np.ndarray) -> str:
    """An RGB uint8 array as a PNG data URI (standard library only)."""
    height, width, _ = rgb.shape
    rows = np.hstack([np.zeros((height, 1), np.uint8), rgb.reshape(height, width * 3)])  # filter byte 0

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

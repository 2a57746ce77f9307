"""Phone photos of pages: tell them from scans, find the sheet, undo the perspective.

A photo shows the sheet as a quadrilateral on a table, under uneven light, with a meaningless
resolution tag. Only the OCR copy is corrected: the archive keeps the photo as it came (README,
"The archival image is never resampled"), so the projective map from the displayed page to the
OCR copy is kept (:attr:`ocr.model.PageGeometry.warp`) and the words read on the corrected copy
are mapped back through its inverse onto the photo (:mod:`ocr.textlayer`).

Evidence for a photo: the camera's EXIF tags (make or model), or a sheet lying in the frame as a
quadrilateral that is not a rectangle (perspective); a scanner's page is the whole image, or a
rectangle on its lid.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

FIND_SIDE = 640
"""Long side, in pixels, of the copy the sheet is looked for on."""
MIN_SHEET = 0.2
"""Smallest share of the frame a sheet may cover."""
MAX_SHEET = 0.97
"""Above this share the sheet fills the frame: nothing to correct."""
DESK_CONTRAST = 30
"""The sheet's paper is at least this much lighter (grey levels, medians) than what lies around it."""
PERSPECTIVE = 0.025
"""A quadrilateral whose corners stray from the nearest rectangle by more than this share of its
size has perspective to undo."""


def camera_exif(path: Path) -> bool:
    """True when the image file names the camera that took it (EXIF Make or Model)."""
    try:
        with Image.open(path) as im:
            exif = im.getexif()
    except (OSError, SyntaxError, ValueError):
        return False
    return bool(str(exif.get(271, "")).strip() or str(exif.get(272, "")).strip())


def _order(corners: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left (as the photo is held)."""
    s, d = corners.sum(axis=1), corners[:, 0] - corners[:, 1]
    return np.array([corners[np.argmin(s)], corners[np.argmax(d)], corners[np.argmax(s)], corners[np.argmin(d)]],
                    dtype=np.float64)


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """The sheet's four corners in ``gray`` (full-size pixels, ordered), or None when no sheet
    stands out from a background.

    The sheet's outline is the longest sharp edge around the page: edges are found on a lightly
    blurred small copy (a shadow's edge is soft and stays below the edge threshold, the paper's
    edge against the desk is sharp), joined, and the outer contour's convex hull is taken down
    to four corners.
    """
    h, w = gray.shape
    factor = min(1.0, FIND_SIDE / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    if min(small.shape) < 32:
        return None
    edges = cv2.Canny(cv2.GaussianBlur(small, (0, 0), 1.5), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=lambda c: cv2.contourArea(cv2.convexHull(c))))
    share = cv2.contourArea(hull) / float(small.shape[0] * small.shape[1])
    if not MIN_SHEET <= share <= MAX_SHEET:
        return None
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad) or not _lies_on_a_desk(small, quad):
        return None
    corners = _order(quad.reshape(4, 2).astype(np.float64) / factor)
    inside = (corners[:, 0] > 0.01 * w) & (corners[:, 0] < 0.99 * w) & (corners[:, 1] > 0.01 * h) & \
        (corners[:, 1] < 0.99 * h)
    return corners if inside.sum() >= 2 else None  # a sheet cut by the frame on every corner is no outline


def _lies_on_a_desk(small: np.ndarray, quad: np.ndarray) -> bool:
    """Whether what lies around the quadrilateral is a background, clearly darker than the sheet
    (a table on a scan's page, or its text block, is paper all around)."""
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.reshape(-1, 2).astype(np.int32), 1)
    outside = inside == 0
    if outside.mean() < 0.03:
        return False
    return float(np.median(small[inside == 1])) - float(np.median(small[outside])) >= DESK_CONTRAST


def has_perspective(corners: np.ndarray) -> bool:
    """Whether a quadrilateral is far enough from a rectangle to be worth rectifying."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    # A rectangle's diagonals are equal and its opposite sides too.
    diag = abs(np.linalg.norm(br - tl) - np.linalg.norm(tr - bl)) / max(width, height)
    sides = max(abs(np.linalg.norm(tr - tl) - np.linalg.norm(br - bl)) / width,
                abs(np.linalg.norm(bl - tl) - np.linalg.norm(br - tr)) / height)
    return max(diag, sides) > PERSPECTIVE


def rectify_transform(corners: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The homography taking the photo onto the sheet seen square-on, and the sheet's size.

    The size keeps the photo's own scale (the longer of each pair of opposite sides), so the
    text's resolution is the photo's.
    """
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float64)
    return cv2.getPerspectiveTransform(corners.astype(np.float32), target.astype(np.float32)), (width, height)


# --- the maps between the displayed page and the OCR copy, as 3x3 matrices ------------------------

def turn_matrix(rotation: int, width: int, height: int) -> np.ndarray:
    """Pixel map of :func:`ocr.imaging.turn_clockwise` by ``rotation`` on a ``width`` × ``height`` image."""
    r = rotation % 360
    if r == 0:
        return np.eye(3)
    if r == 90:
        return np.array([[0, -1, height - 1], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    if r == 180:
        return np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], dtype=np.float64)
    return np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]], dtype=np.float64)


def skew_matrix(degrees: float, width: int, height: int) -> np.ndarray:
    """Pixel map of :func:`ocr.imaging.rotate_bound_same` by ``degrees`` on a ``width`` × ``height`` image."""
    return np.vstack([cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0), [0, 0, 1]])


def scale_matrix(factor: float) -> np.ndarray:
    """Pixel map of a resize by ``factor``."""
    return np.diag([factor, factor, 1.0])


def map_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``points`` (N×2) through a homography."""
    out = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix)
    return out.reshape(-1, 2)

"""Identicons: every member's picture, drawn here from their id (no upload, no outside service).

A 5×5 grid, mirrored left to right, with one hue; all of it taken from a SHA-256 of the member's
id, so the picture never changes with a rename and two members rarely look alike. The SVG is
small and the same for everyone, so browsers and proxies may keep it for a long time.
"""

import hashlib

GRID = 5
CELL = 8
PADDING = 4


def identicon_svg(member_id: int) -> str:
    """The member's identicon as a standalone SVG document."""
    digest = hashlib.sha256(f"peercare-member:{member_id}".encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    bits = int.from_bytes(digest[2:6], "big")
    half = (GRID + 1) // 2
    cells = []
    for row in range(GRID):
        for col in range(half):
            if bits >> (row * half + col) & 1:
                cells.extend({(col, row), (GRID - 1 - col, row)})
    if not cells:  # an empty face: give it a centre dot
        cells.append((GRID // 2, GRID // 2))
    size = GRID * CELL + 2 * PADDING
    rects = "".join(f'<rect x="{PADDING + x * CELL}" y="{PADDING + y * CELL}" width="{CELL}" height="{CELL}"/>'
                    for x, y in sorted(cells))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}">'
            f'<rect width="{size}" height="{size}" fill="hsl({hue} 45% 92%)"/>'
            f'<g fill="hsl({hue} 60% 36%)">{rects}</g></svg>')

"""How wide the DP band may grow for a table of n x m sentences: memory stays linear.

The banded DP stores, per anti-diagonal (n + m + 1 of them), per move and per band cell, a
gain (float32) and a back-pointer (int32), and the backward pass as many again: about
BYTES_PER_CELL bytes each. The band widens when the best path runs along its edge, up to
MAX_HALF_WIDTH; for a lopsided pair (300 source sentences, 200,000 target "sentences") that
is a table of (n + m) x 257 x 26 cells: gigabytes. The widening therefore stops where the
tables would pass MAX_BAND_BYTES, and never goes below MIN_HALF_WIDTH: memory is then at
most (n + m + 1) x moves x (2 x MIN_HALF_WIDTH + 1) cells past the budget, linear in the two
texts' lengths whatever their ratio. A path that needed a wider band is still a path, only
less sure where the texts differ most.
"""
from __future__ import annotations

from align.alignment.config import MAX_HALF_WIDTH

MAX_BAND_BYTES = 192 * 2**20
BYTES_PER_CELL = 16
MIN_HALF_WIDTH = 4


def max_half_width(n: int, m: int, n_moves: int, budget: int | None = None) -> int:
    """The widest half-width whose DP tables for n x m sentences fit `budget` bytes
    (default MAX_BAND_BYTES), between MIN_HALF_WIDTH and MAX_HALF_WIDTH."""
    budget = MAX_BAND_BYTES if budget is None else budget
    width = budget // (BYTES_PER_CELL * max(n_moves, 1) * (n + m + 1))
    return max(MIN_HALF_WIDTH, min(MAX_HALF_WIDTH, (width - 1) // 2))


def band_bytes(n: int, m: int, n_moves: int, width: int) -> int:
    """What the tables of a band `width` cells wide take (the figure the budget bounds)."""
    return BYTES_PER_CELL * n_moves * (n + m + 1) * width

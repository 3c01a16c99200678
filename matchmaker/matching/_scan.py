"""Compiled inner loop of :mod:`matchmaker.matching.kernel` (numba, cached on disk).

Imported only when a product is large enough to need it: compiling takes a few seconds the
first time, loading from the cache a fraction of one. It runs without the GIL; the kernel
runs it on its own threads (no numba threading layer, so nothing to share between callers
and nothing that breaks across a fork).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Columns are screened this many at a time: a branch-free test over the chunk (which the
# compiler vectorises) says whether any cell of it can enter a top-k list at all.
CHUNK = 16


@njit(cache=True, inline="always")
def _worst(vals, idx):
    """Position of the entry a better cell replaces: smallest score, then largest index."""
    m = 0
    for i in range(1, vals.shape[0]):
        if vals[i] < vals[m] or (vals[i] == vals[m] and idx[i] > idx[m]):
            m = i
    return m


@njit(nogil=True, cache=True)
def scan_rows(
    D,
    start,
    q_indptr,
    q_indices,
    q_data,
    t_indptr,
    t_indices,
    t_data,
    ex_indptr,
    ex_indices,
    row_bias,
    col_bias,
    columns,
    row_idx,
    row_val,
    col_idx,
    col_val,
    col_floor,
    col_worst,
    acc,
):
    """Finish the scores of a block of rows and feed every cell to the top-k lists.

    ``D`` holds the block's head scores (rows ``start ..``); the tail is added here, row by row,
    from the query's features (``q_*``, CSR) and each feature's candidates (``t_*``, CSR of
    the candidates' transpose). Excluded cells (``ex_*``) never enter a list. ``row_*`` keep
    each row's k best cells; when ``columns``, ``col_*`` keep each column's k best cells among
    the rows this caller has scanned so far, ``col_floor`` being each list's worst score (the
    bar a new cell must pass). ``acc`` is a zeroed buffer of one row, left zeroed.

    Without the GIL: callers run one stream of blocks per thread, each with its own column
    lists and buffer. A stream takes its rows in increasing order and every row its columns:
    a cell tied with a list's worst entry comes later and is not let in, which keeps the
    smaller index on ties, as the brute force does.
    """
    b, n_c = D.shape
    for r in range(b):
        q = start + r
        # The tail is gathered in a row-sized buffer that stays in the core's cache, then added
        # to the head row in one sequential pass (which also clears the buffer).
        for p in range(q_indptr[q], q_indptr[q + 1]):
            f = q_indices[p]
            w = q_data[p]
            for j in range(t_indptr[f], t_indptr[f + 1]):
                acc[t_indices[j]] += w * t_data[j]
        for p in range(ex_indptr[q], ex_indptr[q + 1]):
            acc[ex_indices[p]] = -np.inf
        score = D[r]
        rv = row_val[q]
        ri = row_idx[q]
        w_row = _worst(rv, ri)
        bar = rv[w_row]
        cb = col_bias[q]
        for c0 in range(0, n_c, CHUNK):
            c1 = min(c0 + CHUNK, n_c)
            hit = False
            if columns:
                for c in range(c0, c1):
                    s = score[c] + acc[c]
                    score[c] = s
                    acc[c] = 0.0
                    hit |= (s + row_bias[c] > bar) | (s + cb > col_floor[c])
            else:
                for c in range(c0, c1):
                    s = score[c] + acc[c]
                    score[c] = s
                    acc[c] = 0.0
                    hit |= s + row_bias[c] > bar
            if not hit:
                continue
            for c in range(c0, c1):
                s = score[c]
                v = s + row_bias[c]
                if v > bar:
                    rv[w_row] = v
                    ri[w_row] = c
                    w_row = _worst(rv, ri)
                    bar = rv[w_row]
                if columns:
                    v = s + cb
                    if v > col_floor[c]:
                        cv = col_val[c]
                        ci = col_idx[c]
                        w = col_worst[c]
                        cv[w] = v
                        ci[w] = q
                        w = _worst(cv, ci)
                        col_worst[c] = w
                        col_floor[c] = cv[w]

"""Exact top-k of a sparse product S = Q @ C.T, per row and (optionally) per column.

Rows of Q are one sector's profiles as queries, rows of C the other sector's as candidates.
When both directions score a pair the same way (see ``MatchingIndex``), one product serves
both: the top k of each row are the suggestions for the queries, the top k of each column the
suggestions for the candidates. Each direction may add its own per-candidate bias
(``row_bias[c]`` when row q looks at column c, ``col_bias[q]`` when column c looks at row q).

Every cell is scored, exactly, once, and fed to both lists on the spot; nothing bounds or
prunes. What makes that fast is how the score is split between two kinds of work:

* the *head* (the few features frequent on both sides, which a sparse product would pay for
  on almost every cell) goes through a dense BLAS product, one block of rows at a time;
* the *tail* (all other features) is added row by row into that dense block by a compiled
  loop (:mod:`._scan`), which then walks the row once, keeping the row's k best cells and
  offering each cell to its column's list.

One thread per core takes every n-th block of rows (its BLAS product on one BLAS thread, then
the compiled loop, which releases the GIL) and keeps its own column lists; they are merged at
the end.

A feature joins the head when its share of the product's cells, ``(n_q_f / n_q) * (n_c_f /
n_c)``, is above ``head_density``: then one dense pass over all cells costs less than its
sparse products (measured on 2 cores: a dense multiply-add per cell costs about a hundredth
of a sparse one).

Small products are simply computed densely (:func:`brute_force_top_k`, also the tests'
reference). Ties: candidates are ordered by score (descending), then by index (ascending).
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

Progress = Callable[[int, int], None] | None

# Below this many score cells the whole product is simply computed densely.
SMALL_PRODUCT = 20_000_000


def _select_rows(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Top k per row of a (row, col, value) list; ties broken by smaller column."""
    out_idx = np.full((n_rows, k), -1, dtype=np.int64)
    out_val = np.zeros((n_rows, k), dtype=np.float32)
    if len(rows) == 0 or k == 0:
        return out_idx, out_val
    order = np.lexsort((cols, -vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    out_idx[rows[keep], rank[keep]] = cols[keep]
    out_val[rows[keep], rank[keep]] = vals[keep]
    return out_idx, out_val


def _dense_top_k(scores: np.ndarray, k: int, min_score: float) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise top k of a dense block, keeping only scores above ``min_score``."""
    n_rows, n_cols = scores.shape
    if n_cols > k:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1)
        rows, cols = np.nonzero(scores >= kth[:, None])  # ties at the k-th place all kept
    else:
        rows, cols = np.nonzero(np.isfinite(scores))
    vals = scores[rows, cols]
    ok = (vals > min_score) & np.isfinite(vals)
    return _select_rows(rows[ok], cols[ok], vals[ok].astype(np.float32), n_rows, k)


def brute_force_top_k(
    Q: sp.csr_matrix,
    C: sp.csr_matrix,
    k: int,
    bias: np.ndarray | None = None,
    exclude: sp.spmatrix | None = None,
    min_score: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Reference implementation on the full dense score matrix (small inputs, tests)."""
    n_q, n_c = Q.shape[0], C.shape[0]
    CT = C.T.tocsr()
    step = max(1, 4_000_000 // max(n_c, 1))  # bounded memory per block of rows
    ex = sp.csr_matrix(exclude, dtype=bool) if exclude is not None and exclude.nnz else None
    out_idx = np.full((n_q, k), -1, dtype=np.int64)
    out_val = np.zeros((n_q, k), dtype=np.float32)
    for start in range(0, n_q, step):
        stop = min(start + step, n_q)
        scores = np.asarray((Q[start:stop] @ CT).toarray(), dtype=np.float64)
        if bias is not None:
            scores += bias[None, :]
        if ex is not None:
            block = ex[start:stop].tocoo()
            scores[block.row, block.col] = -np.inf
        out_idx[start:stop], out_val[start:stop] = _dense_top_k(scores, k, min_score)
    return out_idx, out_val


def top_k(
    Q: sp.csr_matrix,
    C: sp.csr_matrix,
    k: int,
    bias: np.ndarray | None = None,
    exclude: sp.spmatrix | None = None,
    min_score: float = 0.0,
    **options,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top k of ``Q @ C.T + bias`` per row of Q, excluding the ``exclude`` cells.

    Returns ``(indices, scores)``, both ``(Q.shape[0], k)``; rows with fewer than k candidates
    scoring above ``min_score`` are padded with index -1 and score 0.
    """
    rows, _ = top_k_both(
        Q, C, k, row_bias=bias, exclude=exclude, min_score=min_score, columns=False, **options
    )
    return rows


def top_k_both(
    Q: sp.csr_matrix,
    C: sp.csr_matrix,
    k: int,
    row_bias: np.ndarray | None = None,
    col_bias: np.ndarray | None = None,
    exclude: sp.spmatrix | None = None,
    min_score: float = 0.0,
    *,
    columns: bool = True,
    head_density: float = 0.01,
    max_head: int = 512,
    block_rows: int = 256,
    n_threads: int | None = None,
    progress: Progress = None,
    force_compiled: bool = False,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
    """Exact top k of S = Q @ C.T per row (``S + row_bias[None, :]``) and, when ``columns``,
    per column (``S + col_bias[:, None]``), both without the ``exclude`` cells.

    Returns ``((row_idx, row_val), (col_idx, col_val))``: ``(n_q, k)`` arrays of column
    indices and ``(n_c, k)`` arrays of row indices, padded with -1 / 0; the second item is
    None when ``columns`` is false.
    """
    n_q, n_c = Q.shape[0], C.shape[0]
    k = max(int(k), 0)
    empty_r = (np.full((n_q, k), -1, dtype=np.int64), np.zeros((n_q, k), np.float32))
    empty_c = (np.full((n_c, k), -1, dtype=np.int64), np.zeros((n_c, k), np.float32))
    if k == 0 or n_q == 0 or n_c == 0:
        if progress:
            progress(n_q, n_q)
        return empty_r, (empty_c if columns else None)
    Q = sp.csr_matrix(Q, dtype=np.float32)
    C = sp.csr_matrix(C, dtype=np.float32)
    rb = None if row_bias is None else np.asarray(row_bias, dtype=np.float32)
    cb = None if col_bias is None else np.asarray(col_bias, dtype=np.float32)
    ex = None
    if exclude is not None and exclude.nnz:
        ex = sp.csr_matrix(exclude, dtype=bool)
        ex.sum_duplicates()
    if n_q * n_c <= SMALL_PRODUCT and not force_compiled:
        rows = brute_force_top_k(Q, C, k, rb, ex, min_score)
        cols = None
        if columns:
            cols = brute_force_top_k(C, Q, k, cb, None if ex is None else ex.T, min_score)
        if progress:
            progress(n_q, n_q)
        return rows, cols
    return _compiled_top_k_both(
        Q, C, k, rb, cb, ex, np.float32(min_score), columns, head_density, max_head,
        block_rows, n_threads or os.cpu_count() or 1, progress,
    )  # fmt: skip


def _head_features(Q: sp.csr_matrix, C: sp.csr_matrix, head_density: float, max_head: int):
    dq = np.bincount(Q.indices, minlength=Q.shape[1]) / Q.shape[0]
    dc = np.bincount(C.indices, minlength=C.shape[1]) / C.shape[0]
    density = dq * dc
    head = np.flatnonzero(density >= head_density)
    if len(head) > max_head:
        head = head[np.argsort(-density[head], kind="stable")[:max_head]]
    return np.sort(head)


def _compiled_top_k_both(
    Q, C, k, rb, cb, ex, min_score, columns, head_density, max_head, block_rows, streams,
    progress,
):  # fmt: skip
    from threadpoolctl import threadpool_limits

    from . import _scan

    n_q, n_c = Q.shape[0], C.shape[0]
    head = _head_features(Q, C, head_density, max_head)
    tail = np.ones(Q.shape[1], dtype=bool)
    tail[head] = False
    Qh = np.ascontiguousarray(Q[:, head].toarray())
    ChT = np.ascontiguousarray(C[:, head].toarray().T)
    Qt = Q[:, tail].tocsr()
    CtT = C[:, tail].T.tocsr()  # each tail feature's candidates, for the row-by-row loop
    # Unsigned indices spare the compiled loop a negative-index check per product.
    candidates = CtT.indices.astype(np.uint32)
    ex = ex if ex is not None else sp.csr_matrix((n_q, n_c), dtype=bool)
    # Lists start full of placeholders at min_score: a cell must beat it to enter.
    row_idx = np.full((n_q, k), -1, dtype=np.int64)
    row_val = np.full((n_q, k), min_score, dtype=np.float32)
    c_shape = (streams, n_c if columns else 1, k)
    col_idx = np.full(c_shape, -1, dtype=np.int64)
    col_val = np.full(c_shape, min_score, dtype=np.float32)
    col_floor = np.full(c_shape[:2], min_score, dtype=np.float32)
    col_worst = np.zeros(c_shape[:2], dtype=np.int64)
    row_bias = rb if rb is not None else np.zeros(n_c, dtype=np.float32)
    col_bias = cb if cb is not None else np.zeros(n_q, dtype=np.float32)
    blocks = range(0, n_q, block_rows)
    finished: queue.SimpleQueue = queue.SimpleQueue()

    def stream(t: int) -> None:
        """Every streams-th block from the t-th: its own column lists, its own buffer."""
        acc = np.zeros(n_c, dtype=np.float32)
        try:
            for start in blocks[t::streams]:
                stop = min(start + block_rows, n_q)
                D = Qh[start:stop] @ ChT  # zeros when there is no head
                _scan.scan_rows(
                    D, start, Qt.indptr, Qt.indices, Qt.data, CtT.indptr, candidates,
                    CtT.data, ex.indptr, ex.indices, row_bias, col_bias, columns,
                    row_idx, row_val, col_idx[t], col_val[t], col_floor[t], col_worst[t], acc,
                )  # fmt: skip
                finished.put(stop - start)
        finally:
            finished.put(None)

    # One BLAS thread per stream: the streams are the parallelism.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(streams) as pool:
        futures = [pool.submit(stream, t) for t in range(streams)]
        done, running = 0, streams
        while running:  # progress is reported from the caller's thread only
            rows = finished.get()
            if rows is None:
                running -= 1
            else:
                done += rows
                if progress:
                    progress(done, n_q)
        for future in futures:
            future.result()  # a failure in a stream is raised here
    rows = _ordered(row_idx, row_val, k)
    if not columns:
        return rows, None
    # Each stream's lists hold the k best of its rows; the best of their union is the answer.
    merged_idx = col_idx.transpose(1, 0, 2).reshape(n_c, streams * k)
    merged_val = col_val.transpose(1, 0, 2).reshape(n_c, streams * k)
    return rows, _ordered(merged_idx, merged_val, k)


def _ordered(idx: np.ndarray, val: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of each row of unordered lists, by score then index; placeholders -1 / 0."""
    placeholder = idx < 0
    val = np.where(placeholder, -np.inf, val)
    idx = np.where(placeholder, np.iinfo(np.int64).max, idx)
    by_index = np.argsort(idx, axis=1, kind="stable")
    idx = np.take_along_axis(idx, by_index, axis=1)
    val = np.take_along_axis(val, by_index, axis=1)
    best = np.argsort(-val, axis=1, kind="stable")[:, :k]
    idx = np.take_along_axis(idx, best, axis=1)
    val = np.take_along_axis(val, best, axis=1)
    empty = ~np.isfinite(val)
    idx[empty] = -1
    val[empty] = 0.0
    return idx, val.astype(np.float32)

"""Exact top-k of a sparse product, Q @ C.T + bias, for every row of Q.

Why not one sparse product: TF-IDF rows share a few frequent features with almost every other
row, so the product is nearly dense and a Gustavson-style kernel spends its time on random
accumulator writes for those frequent features. This kernel splits the features in two:

* the *head* (features frequent on both sides) goes through a dense BLAS product, chunk by
  chunk, which is an order of magnitude faster per multiply-add than a sparse kernel;
* the *tail* (everything else) is sparse work; its per-row top ``k + slack`` values come from
  a multithreaded sparse top-n kernel, together with tau, the smallest value kept in each row.

For a candidate absent from a row's tail list the tail part lies in [0, tau], so its final
score is bracketed by ``head`` and ``head + tau``. Non-negative features make the k-th largest
of the known lower bounds a lower bound theta of the true k-th score; only candidates with
``head + tau >= theta`` can still enter the top k, and their tail part is computed exactly.
The result is therefore exact, not approximate: tests compare it with a brute-force product.

Ties: candidates are ordered by score (descending), then by column index (ascending).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

try:  # optional accelerator for the tail; the pure-SciPy path gives identical results
    from sparse_dot_topn import sp_matmul_topn as _sp_matmul_topn
except ImportError:  # pragma: no cover - exercised only where the package is missing
    _sp_matmul_topn = None

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

Progress = Callable[[int, int], None] | None

# Below this many score cells the whole product is simply computed densely.
SMALL_PRODUCT = 20_000_000


def _select_rows(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Top k per row of a (row, col, value) list; ties broken by smaller column."""
    out_idx = np.full((n_rows, k), -1, dtype=np.int64)
    out_val = np.zeros((n_rows, k), dtype=np.float32)
    if len(rows) == 0:
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
    ok = vals > min_score
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


def _split_columns(
    Q: sp.csr_matrix, C: sp.csr_matrix, density_product: float, max_dense: int
) -> np.ndarray:
    dq = np.bincount(Q.indices, minlength=Q.shape[1]) / max(Q.shape[0], 1)
    dc = np.bincount(C.indices, minlength=C.shape[1]) / max(C.shape[0], 1)
    prod = dq * dc
    head = np.flatnonzero(prod >= density_product)
    if len(head) > max_dense:
        head = head[np.argsort(-prod[head], kind="stable")[:max_dense]]
    return np.sort(head)


def _tail_top(Qt: sp.csr_matrix, Ct: sp.csr_matrix, top_n: int, n_threads: int) -> sp.csr_matrix:
    """Per-row top ``top_n`` of the tail product (any order inside a row)."""
    if _sp_matmul_topn is not None:
        return _sp_matmul_topn(Qt, Ct.T.tocsr(), top_n=top_n, n_threads=n_threads).tocsr()
    # Without the accelerator: chunked SciPy product, same values.
    parts = []
    CtT = Ct.T.tocsr()
    for start in range(0, Qt.shape[0], 2048):
        block = (Qt[start : start + 2048] @ CtT).tocsr()
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        order = np.lexsort((-block.data, rows))
        rank = np.arange(len(order)) - block.indptr[:-1][rows[order]]
        sel = order[rank < top_n]
        parts.append(
            sp.csr_matrix((block.data[sel], (rows[sel], block.indices[sel])), shape=block.shape)
        )
    return sp.vstack(parts).tocsr()


def _row_dots(A: sp.csr_matrix, B: sp.csr_matrix, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """A[ra[i]] . B[rb[i]] for every i."""
    if len(ra) == 0:
        return np.zeros(0, dtype=np.float32)
    prod = A[ra].multiply(B[rb])
    return np.asarray(prod.sum(axis=1)).ravel().astype(np.float32)


def top_k(
    Q: sp.csr_matrix,
    C: sp.csr_matrix,
    k: int,
    bias: np.ndarray | None = None,
    exclude: sp.spmatrix | None = None,
    min_score: float = 0.0,
    *,
    density_product: float = 0.02,
    max_dense: int = 384,
    slack: int = 20,
    chunk_rows: int = 256,
    n_threads: int | None = None,
    progress: Progress = None,
    force_split: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top k of ``Q @ C.T + bias`` per row of Q, excluding the ``exclude`` cells.

    Returns ``(indices, scores)``, both ``(Q.shape[0], k)``; rows with fewer than k candidates
    scoring above ``min_score`` are padded with index -1 and score 0. All values of Q, C and
    bias must be non-negative (TF-IDF weights are).
    """
    n_q, n_c = Q.shape[0], C.shape[0]
    k = int(k)
    if k <= 0 or n_q == 0 or n_c == 0:
        return np.full((n_q, max(k, 0)), -1, dtype=np.int64), np.zeros((n_q, max(k, 0)), np.float32)
    Q = sp.csr_matrix(Q, dtype=np.float32)
    C = sp.csr_matrix(C, dtype=np.float32)
    bias32 = None if bias is None else np.asarray(bias, dtype=np.float32)
    if n_q * n_c <= SMALL_PRODUCT and not force_split:
        result = brute_force_top_k(Q, C, k, bias32, exclude, min_score)
        if progress:
            progress(n_q, n_q)
        return result

    n_threads = n_threads or os.cpu_count() or 1
    head = _split_columns(Q, C, density_product, max_dense)
    tail_mask = np.ones(Q.shape[1], dtype=bool)
    tail_mask[head] = False
    tail = np.flatnonzero(tail_mask)

    # The bias rides along in the dense product as one more column.
    Qh = Q[:, head].toarray()
    Ch = C[:, head].toarray()
    if bias32 is not None:
        Qh = np.hstack([Qh, np.ones((n_q, 1), np.float32)])
        Ch = np.hstack([Ch, bias32[:, None]])
    ChT = np.ascontiguousarray(Ch.T)
    del Ch

    Qt = Q[:, tail].tocsr()
    Ct = C[:, tail].tocsr()
    top_n = min(k + slack, n_c)
    listed = _tail_top(Qt, Ct, top_n, n_threads)
    listed.sort_indices()
    counts = np.diff(listed.indptr)
    tau = np.zeros(n_q, dtype=np.float32)
    full = counts >= top_n
    if full.any():
        starts = listed.indptr[:-1][full]
        # Smallest kept value per full row: everything not listed is at most that.
        mins = np.minimum.reduceat(listed.data, starts) if len(listed.data) else []
        tau[full] = mins

    ex_csr = None
    if exclude is not None and exclude.nnz:
        ex_csr = sp.csr_matrix(exclude, dtype=bool)
        ex_csr.sort_indices()

    out_idx = np.full((n_q, k), -1, dtype=np.int64)
    out_val = np.zeros((n_q, k), dtype=np.float32)
    n_blocks = min(k, n_c)
    block = -(-n_c // n_blocks)
    pad = block * n_blocks - n_c

    tiny = np.float32(np.finfo(np.float32).tiny)

    def run(start: int) -> int:
        stop = min(start + chunk_rows, n_q)
        rows_n = stop - start
        D = Qh[start:stop] @ ChT
        lp = listed.indptr
        a, b = lp[start], lp[stop]
        l_rows = np.repeat(np.arange(rows_n), np.diff(lp[start : stop + 1]))
        l_cols = listed.indices[a:b]
        D[l_rows, l_cols] += listed.data[a:b]
        if ex_csr is not None:
            ea, eb = ex_csr.indptr[start], ex_csr.indptr[stop]
            e_rows = np.repeat(np.arange(rows_n), np.diff(ex_csr.indptr[start : stop + 1]))
            D[e_rows, ex_csr.indices[ea:eb]] = -np.inf
        # theta0, a lower bound of each row's k-th final score: the k-th best listed cell
        # (listed cells hold final scores), or failing that the smallest of k disjoint
        # block maxima of the lower bounds.
        l_vals = D[l_rows, l_cols]
        _, l_top = _select_rows(l_rows, l_cols, l_vals, rows_n, k)
        n_ok = (l_top > -np.inf).sum(axis=1) if k else np.zeros(rows_n, int)
        theta0 = np.where(
            (n_ok >= k) & (np.diff(lp[start : stop + 1]) >= k), l_top[:, -1], -np.inf
        ).astype(np.float32)
        W = np.pad(D, ((0, 0), (0, pad)), constant_values=-np.inf) if pad else D
        lb = W.reshape(rows_n, n_blocks, block).max(axis=2).min(axis=1)
        del W
        theta0 = np.maximum(theta0, lb)
        t = tau[start:stop]
        # Cells that cannot beat theta0 even with the largest unlisted tail are dropped.
        # Cells with a zero lower bound are dropped too: unlisted, their score is at most tau,
        # which never exceeds theta0 when the row's tail list is full (exact ties aside).
        floor = np.maximum(theta0 - t, max(np.float32(min_score), tiny))
        s_rows, s_cols = np.nonzero(floor[:, None] <= D)
        s_vals = D[s_rows, s_cols]
        if len(l_rows):
            s_key = s_rows.astype(np.int64) * n_c + s_cols
            l_key = l_rows.astype(np.int64) * n_c + l_cols
            is_listed = np.isin(s_key, l_key)
        else:
            is_listed = np.zeros(len(s_rows), dtype=bool)
        _, s_top = _select_rows(s_rows, s_cols, s_vals, rows_n, k)
        counts = np.bincount(s_rows, minlength=rows_n)
        theta = np.where(counts >= k, s_top[:, -1], -np.inf).astype(np.float32)
        need = (~is_listed) & (t[s_rows] > 0) & (s_vals + t[s_rows] >= theta[s_rows])
        if need.any():
            s_vals = s_vals.copy()
            s_vals[need] += _row_dots(Qt, Ct, start + s_rows[need], s_cols[need])
        keep = (s_vals > min_score) & np.isfinite(s_vals)
        idx, val = _select_rows(s_rows[keep], s_cols[keep], s_vals[keep], rows_n, k)
        out_idx[start:stop] = idx
        out_val[start:stop] = val
        return rows_n

    starts = range(0, n_q, chunk_rows)
    done = 0
    limiter = threadpool_limits(limits=1, user_api="blas") if threadpool_limits else None
    try:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            for rows_n in pool.map(run, starts):
                done += rows_n
                if progress:
                    progress(done, n_q)
    finally:
        if limiter is not None:
            limiter.unregister()
    return out_idx, out_val

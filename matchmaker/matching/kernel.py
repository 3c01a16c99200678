"""Exact top-k of a sparse product S = Q @ C.T, per row and (optionally) per column.

Rows of Q are one sector's profiles as queries, rows of C the other sector's as candidates.
When both directions score a pair the same way (see ``MatchingIndex``), one product serves
both: the top k of each row are the suggestions for the queries, the top k of each column the
suggestions for the candidates. Each direction may add its own per-candidate bias
(``row_bias[c]`` when row q looks at column c, ``col_bias[q]`` when column c looks at row q).

Why not one sparse product: TF-IDF rows share a few frequent features with almost every other
row, so the product is nearly dense and a Gustavson-style kernel spends most of its time on
those frequent features. This kernel splits the features in two:

* the *head* (features frequent on both sides) goes through a dense BLAS product, block of
  rows by block of rows; head values are small (frequent features have a low IDF);
* the *tail* (everything else) carries most of the score. Its top ``k + slack`` cells per row
  and per column come from a multithreaded sparse top-n kernel, with tau, the smallest value
  kept: an unlisted cell's tail part lies in [0, tau].

Listed cells get their exact score (head + listed tail). The k-th best exact score among them
is a lower bound theta0 of the true k-th score, so a cell that is not listed can only enter
the top k if ``head + tau >= theta0``: only those few cells are kept as candidates, and the
tail of the ones that may still matter is computed exactly. The result is exact, not
approximate: tests compare it with a brute-force product.

Ties: candidates are ordered by score (descending), then by index (ascending).
"""

from __future__ import annotations

import os
import threading
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


def _kth(rows: np.ndarray, vals: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """k-th largest value per row of a (row, value) list; -inf where a row has fewer."""
    out = np.full(n_rows, -np.inf, dtype=np.float32)
    if len(rows) == 0 or k == 0:
        return out
    order = np.lexsort((-vals, rows))
    rows, vals = rows[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    counts = np.diff(np.append(starts, len(rows)))
    full = counts >= k
    out[full] = vals[starts[full] + k - 1]
    return out


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
    try:  # the compiled multithreaded kernel; the SciPy path below gives the same values
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:  # pragma: no cover - exercised only where the package is missing
        sp_matmul_topn = None
    if sp_matmul_topn is not None and Qt.nnz and Ct.nnz:
        out = sp_matmul_topn(Qt, Ct.T.tocsr(), top_n=top_n, n_threads=n_threads).tocsr()
        out.sum_duplicates()
        return out
    parts = []
    CtT = Ct.T.tocsr()
    for start in range(0, Qt.shape[0], 2048):
        block = (Qt[start : start + 2048] @ CtT).tocsr()
        block.eliminate_zeros()
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        order = np.lexsort((-block.data, rows))
        rank = np.arange(len(order)) - block.indptr[:-1][rows[order]]
        sel = order[rank < top_n]
        parts.append(
            sp.csr_matrix((block.data[sel], (rows[sel], block.indices[sel])), shape=block.shape)
        )
    if not parts:
        return sp.csr_matrix((Qt.shape[0], Ct.shape[0]), dtype=np.float32)
    return sp.vstack(parts).tocsr()


def _tau(listed: sp.csr_matrix, top_n: int) -> np.ndarray:
    """Smallest listed value of each full row (an unlisted cell's tail is at most that)."""
    counts = np.diff(listed.indptr)
    tau = np.zeros(listed.shape[0], dtype=np.float32)
    full = counts >= top_n
    if full.any() and len(listed.data):
        rows = np.repeat(np.arange(listed.shape[0]), counts)
        mins = np.full(listed.shape[0], np.inf, dtype=np.float32)
        np.minimum.at(mins, rows, listed.data.astype(np.float32))
        tau[full] = mins[full]
    return tau


def _floor(theta0: np.ndarray, tau: np.ndarray, min_score: float) -> np.ndarray:
    """Smallest head (+ bias) an unlisted cell needs to possibly reach the k-th place.

    Cells with a zero lower bound are dropped: unlisted, their score is at most tau, which
    does not exceed theta0 when theta0 is known (ties at exactly tau aside). Where theta0 is
    unknown (fewer than k exact cells, e.g. after exclusions) and tau > 0, nothing is dropped.
    """
    tiny = np.float32(np.finfo(np.float32).tiny)
    floor = np.maximum(theta0 - tau, max(np.float32(min_score), tiny))
    return np.where(np.isfinite(theta0) | (tau <= 0), floor, -np.inf).astype(np.float32)


def _row_dots(A: sp.csr_matrix, B: sp.csr_matrix, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """A[ra[i]] . B[rb[i]] for every i (exact tail of a few cells)."""
    out = np.zeros(len(ra), dtype=np.float32)
    step = 200_000
    for s in range(0, len(ra), step):
        prod = A[ra[s : s + step]].multiply(B[rb[s : s + step]])
        out[s : s + step] = np.asarray(prod.sum(axis=1)).ravel()
    return out


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
    scoring above ``min_score`` are padded with index -1 and score 0. All values of Q, C and
    bias must be non-negative (TF-IDF weights are).
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
    density_product: float = 0.0005,
    max_dense: int = 384,
    slack: int = 30,
    chunk_rows: int = 128,
    n_threads: int | None = None,
    progress: Progress = None,
    force_split: bool = False,
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
    if n_q * n_c <= SMALL_PRODUCT and not force_split:
        rows = brute_force_top_k(Q, C, k, rb, ex, min_score)
        cols = None
        if columns:
            cols = brute_force_top_k(C, Q, k, cb, None if ex is None else ex.T, min_score)
        if progress:
            progress(n_q, n_q)
        return rows, cols
    return _Split(
        Q, C, k, rb, cb, ex, min_score, columns, density_product, max_dense, slack, chunk_rows,
        n_threads or os.cpu_count() or 1,
    ).run(progress)


class _Split:
    """State of one head/tail run (see the module docstring)."""

    def __init__(
        self, Q, C, k, rb, cb, ex, min_score, columns, density_product, max_dense, slack,
        chunk_rows, n_threads,
    ):
        self.k, self.rb, self.cb, self.columns = k, rb, cb, columns
        self.min_score = np.float32(min_score)
        self.chunk_rows, self.n_threads = chunk_rows, n_threads
        n_q, n_c = self.n_q, self.n_c = Q.shape[0], C.shape[0]
        head = _split_columns(Q, C, density_product, max_dense)
        tail_mask = np.ones(Q.shape[1], dtype=bool)
        tail_mask[head] = False
        self.Qh = np.ascontiguousarray(Q[:, head].toarray())
        self.Ch = np.ascontiguousarray(C[:, head].toarray())
        self.ChT = np.ascontiguousarray(self.Ch.T)
        self.Qt = Q[:, tail_mask].tocsr()
        self.Ct = C[:, tail_mask].tocsr()
        n_r = min(k + slack, n_c)
        listed_r = _tail_top(self.Qt, self.Ct, n_r, n_threads)
        self.tau_r = _tau(listed_r, n_r)
        lr = listed_r.tocoo()
        e_q, e_c, e_t = [lr.row.astype(np.int64)], [lr.col.astype(np.int64)], [lr.data]
        if columns:
            n_cl = min(k + slack, n_q)
            listed_c = _tail_top(self.Ct, self.Qt, n_cl, n_threads)
            self.tau_c = _tau(listed_c, n_cl)
            lc = listed_c.tocoo()
            e_q.append(lc.col.astype(np.int64))
            e_c.append(lc.row.astype(np.int64))
            e_t.append(lc.data)
        # Cells with an exact tail: union of both lists, one entry per cell.
        eq, ec, et = np.concatenate(e_q), np.concatenate(e_c), np.concatenate(e_t)
        key = eq * n_c + ec
        key, first = np.unique(key, return_index=True)
        self.e_key = key
        self.e_tail = et[first].astype(np.float32)
        self.e_ptr = np.searchsorted(key, np.arange(n_q + 1, dtype=np.int64) * n_c)
        self.ex = ex
        self.tiny = np.float32(np.finfo(np.float32).tiny)
        if columns:
            self._column_floor(listed_c)
            self.col_lock = threading.Lock()
            self.col_parts: list[tuple[np.ndarray, ...]] = []

    def _excluded(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        if self.ex is None or len(q) == 0:
            return np.zeros(len(q), dtype=bool)
        ex = self.ex
        key = q.astype(np.int64) * self.n_c + c
        rows = np.repeat(np.arange(ex.shape[0], dtype=np.int64), np.diff(ex.indptr))
        ex_key = np.sort(rows * self.n_c + ex.indices)
        pos = np.searchsorted(ex_key, key)
        pos[pos >= len(ex_key)] = 0
        return ex_key[pos] == key if len(ex_key) else np.zeros(len(q), dtype=bool)

    def _column_floor(self, listed_c: sp.csr_matrix) -> None:
        """theta0 per column (k-th best exact score of its k best-listed cells) and the floor
        an unlisted cell's head must reach, ``theta0 - tau``."""
        k = self.k
        lc = listed_c.tocoo()
        c, q, t = lc.row.astype(np.int64), lc.col.astype(np.int64), lc.data.astype(np.float32)
        order = np.lexsort((q, -t, c))
        c, q, t = c[order], q[order], t[order]
        starts = np.searchsorted(c, np.arange(self.n_c))
        first = (np.arange(len(c)) - starts[c]) < k
        c, q, t = c[first], q[first], t[first]
        vals = np.empty(len(q), dtype=np.float32)
        step = 131_072
        for s in range(0, len(q), step):
            vals[s : s + step] = np.einsum(
                "ij,ij->i", self.Qh[q[s : s + step]], self.Ch[c[s : s + step]]
            )
        vals += t
        if self.cb is not None:
            vals += self.cb[q]
        ok = ~self._excluded(q, c)
        theta = _kth(c[ok], vals[ok], self.n_c, k)
        # theta0 was summed in another order than the blocks will sum the same cells: a small
        # margin keeps the cells that define it (float32 rounding) among the candidates.
        self.theta_c = theta - np.float32(1e-5) * (1 + np.abs(theta))
        self.floor_c = _floor(self.theta_c, self.tau_c, self.min_score)

    def run(self, progress: Progress):
        k, n_q = self.k, self.n_q
        self.out_idx = np.full((n_q, k), -1, dtype=np.int64)
        self.out_val = np.zeros((n_q, k), dtype=np.float32)
        starts = range(0, n_q, self.chunk_rows)
        done = 0
        from threadpoolctl import threadpool_limits

        # Each worker runs its own single-threaded BLAS call on its block of rows.
        with (
            threadpool_limits(limits=1, user_api="blas"),
            ThreadPoolExecutor(max_workers=self.n_threads) as pool,
        ):
            for rows_n in pool.map(self._block, starts):
                done += rows_n
                if progress:
                    progress(done, n_q)
        rows = (self.out_idx, self.out_val)
        return rows, (self._finish_columns() if self.columns else None)

    def _block(self, start: int) -> int:
        stop = min(start + self.chunk_rows, self.n_q)
        b, n_c, k = stop - start, self.n_c, self.k
        D = self.Qh[start:stop] @ self.ChT
        # Exact cells of these rows: head + listed tail, marked in a mask.
        a, z = self.e_ptr[start], self.e_ptr[stop]
        e_q = self.e_key[a:z] // n_c - start
        e_c = self.e_key[a:z] % n_c
        D[e_q, e_c] += self.e_tail[a:z]
        exact = np.zeros((b, n_c), dtype=bool)
        exact[e_q, e_c] = True
        if self.ex is not None:
            ea, ez = self.ex.indptr[start], self.ex.indptr[stop]
            x_rows = np.repeat(np.arange(b), np.diff(self.ex.indptr[start : stop + 1]))
            D[x_rows, self.ex.indices[ea:ez]] = -np.inf

        # -- rows ---------------------------------------------------------------------------
        Dr = D if self.rb is None else D + self.rb[None, :]
        tau = self.tau_r[start:stop]
        e_vals = Dr[e_q, e_c]
        fin = np.isfinite(e_vals)
        theta0 = _kth(e_q[fin], e_vals[fin], b, k)
        floor = _floor(theta0, tau, self.min_score)
        # Exact cells always compete, even below the floor.
        s_rows, s_cols = np.nonzero((Dr >= floor[:, None]) | exact)
        s_vals = Dr[s_rows, s_cols]
        is_exact = exact[s_rows, s_cols]
        theta = _kth(s_rows, s_vals, b, k)
        need = (~is_exact) & (tau[s_rows] > 0) & (s_vals + tau[s_rows] >= theta[s_rows])
        need &= np.isfinite(s_vals)
        if need.any():
            extra = _row_dots(self.Qt, self.Ct, start + s_rows[need], s_cols[need])
            s_vals = s_vals.copy()
            s_vals[need] += extra
            D[s_rows[need], s_cols[need]] += extra  # now exact for the columns too
            exact[s_rows[need], s_cols[need]] = True
        ok = (s_vals > self.min_score) & np.isfinite(s_vals)
        idx, val = _select_rows(s_rows[ok], s_cols[ok], s_vals[ok], b, k)
        self.out_idx[start:stop] = idx
        self.out_val[start:stop] = val

        # -- columns: keep every cell that may still be among its column's top k ------------
        if self.columns:
            Dc = D if self.cb is None else D + self.cb[start:stop, None]
            # Unlisted cells need head + tau >= theta0; exact ones need their score >= theta0.
            wanted = np.where(exact, Dc >= self.theta_c[None, :], Dc >= self.floor_c[None, :])
            c_rows, c_cols = np.nonzero(wanted)
            c_vals = Dc[c_rows, c_cols]
            c_exact = exact[c_rows, c_cols]
            keep = np.isfinite(c_vals) & (c_vals > self.min_score)
            # Column candidates of every block wait here until the last block: 32-bit indices
            # halve what they hold (profile counts stay far below 2**31).
            part = (
                (c_rows[keep] + start).astype(np.int32),
                c_cols[keep].astype(np.int32),
                c_vals[keep].astype(np.float32),
                c_exact[keep],
            )
            with self.col_lock:
                self.col_parts.append(part)
        return b

    def _finish_columns(self) -> tuple[np.ndarray, np.ndarray]:
        k, n_c = self.k, self.n_c
        if self.col_parts:
            q, c, v, exact = (np.concatenate(x) for x in zip(*self.col_parts, strict=True))
        else:
            q = c = np.zeros(0, np.int32)
            v = np.zeros(0, np.float32)
            exact = np.zeros(0, bool)
        self.col_parts = []
        theta = _kth(c, v, n_c, k)
        tau = self.tau_c[c]
        need = (~exact) & (tau > 0) & (v + tau >= theta[c])
        if need.any():
            v = v.copy()
            v[need] += _row_dots(self.Qt, self.Ct, q[need], c[need])
        ok = v > self.min_score
        return _select_rows(c[ok], q[ok], v[ok], n_c, k)

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

from matchmaker.matching import kernel


def zipf_matrix(rng, n, vocab=400, nnz=25):
    p = 1.0 / np.arange(1, vocab + 1)
    p /= p.sum()
    cols = rng.choice(vocab, size=(n, nnz), p=p)
    rows = np.repeat(np.arange(n), nnz)
    # Values on a coarse grid so that exact ties occur.
    vals = rng.integers(1, 4, size=n * nnz).astype(np.float32)
    X = sp.csr_matrix((vals, (rows, cols.ravel())), shape=(n, vocab))
    X.sum_duplicates()
    return X


# The compiled path on small inputs: several blocks of rows, a head of frequent features.
COMPILED = {"force_compiled": True, "block_rows": 64, "head_density": 0.05}
# The same with every feature in the tail (no dense part at all).
TAIL_ONLY = {"force_compiled": True, "block_rows": 64, "head_density": 2.0}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("options", [COMPILED, TAIL_ONLY], ids=["head", "tail-only"])
def test_compiled_kernel_equals_brute_force(seed, options):
    rng = np.random.default_rng(seed)
    Q, C = zipf_matrix(rng, 300), zipf_matrix(rng, 500)
    bias = rng.integers(0, 3, size=500).astype(np.float32)
    exclude = sp.random(300, 500, density=0.02, format="csr", random_state=seed).astype(bool)
    for kw in ({}, {"bias": bias}, {"bias": bias, "exclude": exclude}, {"min_score": 20.0}):
        fast = kernel.top_k(Q, C, 10, **options, **kw)
        slow = kernel.brute_force_top_k(Q, C, 10, **kw)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_allclose(fast[1], slow[1], rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("options", [COMPILED, TAIL_ONLY], ids=["head", "tail-only"])
def test_one_product_gives_both_directions(seed, options):
    """Columns of Q @ C.T are the other direction's rows: same lists as a brute force of C @ Q.T."""
    rng = np.random.default_rng(seed)
    Q, C = zipf_matrix(rng, 400), zipf_matrix(rng, 300)
    row_bias = rng.integers(0, 3, size=300).astype(np.float32)
    col_bias = rng.integers(0, 3, size=400).astype(np.float32)
    exclude = sp.random(400, 300, density=0.03, format="csr", random_state=seed).astype(bool)
    cases = (
        {},
        {"row_bias": row_bias, "col_bias": col_bias},
        {"row_bias": row_bias, "col_bias": col_bias, "exclude": exclude},
        {"min_score": 20.0},
    )
    for kw in cases:
        (r_idx, r_val), (c_idx, c_val) = kernel.top_k_both(Q, C, 10, **options, **kw)
        ex = kw.get("exclude")
        slow_r = kernel.brute_force_top_k(
            Q, C, 10, kw.get("row_bias"), ex, kw.get("min_score", 0.0)
        )
        slow_c = kernel.brute_force_top_k(
            C, Q, 10, kw.get("col_bias"), None if ex is None else ex.T, kw.get("min_score", 0.0)
        )
        np.testing.assert_array_equal(r_idx, slow_r[0])
        np.testing.assert_allclose(r_val, slow_r[1], rtol=1e-6)
        np.testing.assert_array_equal(c_idx, slow_c[0])
        np.testing.assert_allclose(c_val, slow_c[1], rtol=1e-6)


def test_rows_with_few_candidates_are_padded():
    Q = sp.csr_matrix(np.array([[1, 0], [0, 0]], dtype=np.float32))
    C = sp.csr_matrix(np.array([[1, 0], [2, 0], [0, 1]], dtype=np.float32))
    idx, val = kernel.top_k(Q, C, 3)
    assert idx.tolist() == [[1, 0, -1], [-1, -1, -1]]
    assert val[0, :2].tolist() == [2.0, 1.0]
    for options in ({}, COMPILED, TAIL_ONLY):
        _, (c_idx, _) = kernel.top_k_both(Q, C, 3, **options)
        assert c_idx.tolist() == [[0, -1, -1], [0, -1, -1], [-1, -1, -1]]


def test_compiled_kernel_called_from_several_threads_at_once():
    """A rebuild in the scheduler and one from another thread of the same process do not share
    lists or buffers: each gets its own exact answer."""
    rng = np.random.default_rng(7)
    pairs = [(zipf_matrix(rng, 300 + 40 * i), zipf_matrix(rng, 400 - 30 * i)) for i in range(4)]
    expected = [kernel.brute_force_top_k(Q, C, 10) for Q, C in pairs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda QC: kernel.top_k(*QC, 10, **COMPILED, n_threads=2), pairs * 2)
        )
    for (idx, val), (e_idx, e_val) in zip(results, expected * 2, strict=True):
        np.testing.assert_array_equal(idx, e_idx)
        np.testing.assert_allclose(val, e_val, rtol=1e-6)

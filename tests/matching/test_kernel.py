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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_kernel_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    Q, C = zipf_matrix(rng, 300), zipf_matrix(rng, 500)
    bias = rng.integers(0, 3, size=500).astype(np.float32)
    exclude = sp.random(300, 500, density=0.02, format="csr", random_state=seed).astype(bool)
    for kw in ({}, {"bias": bias}, {"bias": bias, "exclude": exclude}, {"min_score": 20.0}):
        fast = kernel.top_k(
            Q, C, 10, force_split=True, slack=5, chunk_rows=64, density_product=0.05, **kw
        )
        slow = kernel.brute_force_top_k(Q, C, 10, **kw)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_allclose(fast[1], slow[1], rtol=1e-6)


def test_rows_with_few_candidates_are_padded():
    Q = sp.csr_matrix(np.array([[1, 0], [0, 0]], dtype=np.float32))
    C = sp.csr_matrix(np.array([[1, 0], [2, 0], [0, 1]], dtype=np.float32))
    idx, val = kernel.top_k(Q, C, 3)
    assert idx.tolist() == [[1, 0, -1], [-1, -1, -1]]
    assert val[0, :2].tolist() == [2.0, 1.0]

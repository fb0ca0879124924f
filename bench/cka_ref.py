"""numpy reference for `npm run bench`: the same all-pairs linear CKA as src/engine/metrics/cka-matrix.ts at 2000
probes (unbiased minibatch HSIC_1, batches of 256, shared per-layer vectors, one product for all pairs), on
50 x 50 random layers with the widths of bench/cka.ts. Prints {"seconds", "maxRssMB"}.
"""
import json
import resource
import time

import numpy as np

PROBES, LAYERS, WIDTHS, BATCH = 2000, 50, [128, 256, 512, 1024], 256


def batches(n, m):
    """The split of cka.ts's minibatches(): floor(n / m) batches of near-equal size."""
    count = max(1, min(n // max(m, 4), n // 4))
    base, extra = divmod(n, count)
    out, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        out.append((start, end))
        start = end
    return out


def vectors(x, spans):
    x = x.astype(np.float64) - x.mean(axis=0, dtype=np.float64)
    main, rows, totals = [], np.zeros(x.shape[0]), []
    for a, b in spans:
        m = b - a
        k = x[a:b] @ x[a:b].T
        np.fill_diagonal(k, 0)
        c = 1 / (m * (m - 3))
        r = k.sum(axis=1)
        rows[a:b] = r * np.sqrt(2 * c / (m - 2))
        totals.append(r.sum() * np.sqrt(c / ((m - 1) * (m - 2))))
        main.append((np.sqrt(2 * c) * k[np.triu_indices(m, 1)]).astype(np.float32))
    return np.concatenate(main), rows, np.array(totals)


def main():
    rng = np.random.default_rng(99)
    layers = lambda off: [rng.random((PROBES, WIDTHS[(i + off) % len(WIDTHS)]), dtype=np.float32) - 0.5 for i in range(LAYERS)]
    a, b = layers(0), layers(1)
    t0 = time.perf_counter()
    spans = batches(PROBES, BATCH)
    va, vb = [vectors(x, spans) for x in a], [vectors(x, spans) for x in b]
    stack = lambda vs, p: np.stack([v[p] for v in vs])
    hsic = sum(s * (stack(va, p).astype(np.float64) @ stack(vb, p).T.astype(np.float64)) for p, s in ((0, 1), (1, -1), (2, 1)))
    self_ = lambda vs: np.array([v[0].astype(np.float64) @ v[0] - v[1] @ v[1] + v[2] @ v[2] for v in vs])
    cka = hsic / np.sqrt(np.outer(self_(va), self_(vb)))
    seconds = time.perf_counter() - t0
    assert np.isfinite(cka).all()
    print(json.dumps({"seconds": seconds, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()

"""The main job until the neos training lands: histogram two Gaussian blobs with the binned KDE and show the
gradient of a simple figure of merit with respect to the bin edges.

    python -m neos_swift.demo [--events N] [--bins B] [--bandwidth H]
"""

from __future__ import annotations

import argparse

import numpy as np

from . import __version__, hist, hist_vjp


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m neos_swift.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--bins", type=int, default=4)
    parser.add_argument("--bandwidth", type=float, default=0.09)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    signal = rng.normal(0.7, 0.15, args.events)
    background = rng.normal(0.35, 0.2, args.events)
    edges = np.linspace(0, 1, args.bins + 1)

    s = hist(signal, edges, args.bandwidth) * 20 / args.events
    b = hist(background, edges, args.bandwidth) * 100 / args.events + 1e-3
    # Asimov significance Z² = 2 Σ [(s+b) ln(1+s/b) − s]; its gradient w.r.t. s and b, then chained through hist.
    z2 = 2 * np.sum((s + b) * np.log1p(s / b) - s)
    dz2_ds = 2 * np.log1p(s / b)
    dz2_db = 2 * (np.log1p(s / b) - s / b)
    grad_edges = (hist_vjp(dz2_ds * 20 / args.events, signal, edges, args.bandwidth).bins
                  + hist_vjp(dz2_db * 100 / args.events, background, edges, args.bandwidth).bins)

    print(f"neos-swift {__version__}: binned KDE of {args.events} signal and {args.events} background events")
    print(f"bandwidth {args.bandwidth}, edges {np.array2string(edges, precision=3)}")
    print(f"{'bin':>4} {'signal':>10} {'background':>12}")
    for j in range(args.bins):
        print(f"{j:>4} {s[j]:>10.4f} {b[j]:>12.4f}")
    print(f"Asimov significance Z = {np.sqrt(z2):.6f}")
    print("dZ²/d(edges) =", np.array2string(grad_edges, precision=6))


if __name__ == "__main__":
    main()

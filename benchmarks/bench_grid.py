"""Benchmark: the whole ATLAS sbottom signal grid (all three regions of the archive in Tests/Data), one hypotest
(q-tilde at mu = 1 with the expected band) per signal point.

Each region's background-only workspace and its signal patches (a patchset built here: names and masses from the
archive's file names) run

* natively: ``neos cls BKG --patchset PS --jobs 1`` (serial) and ``--jobs 2`` (threaded), the command's wall time;
* from Python: ``neos_swift.distributed.hypotest_grid(None, ...)`` (serial, in this process) and on a
  ``dask.distributed.LocalCluster`` of 2 worker processes (``hypotest_grid(client, ...)``, the cluster started
  beforehand and not timed);
* pyhf 0.7.6 (numpy backend, its default optimizer) on the first few points of each region, its time per point
  extrapolated to the region.

Points whose patch cannot be fitted (the archive has a few without the POI; pyhf refuses them too) are errors of
their own rows, counted in the table. Before the table, the native grid's CLs are checked against the Python serial run's (the same core: 1e-12 relative)
and the cluster's against the serial run's (bit for bit); pyhf's CLs on its subset are reported as the largest
relative difference (pyhf's default fit stops short, see python/tests for the converged comparison). Without
``--quick`` the RegionA exclusion contour is drawn to docs/images/sbottom_regionA_contour.png.

Run it inside the benchmarks environment (``bash benchmarks/run.sh grid``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import harness

WORKLOAD = "grid"
REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO / "Tests" / "Data" / "pyhf" / "sbottom_ins1748602" / "pyhf-ins1748602-probability-models.tar.gz"
REGIONS = ("RegionA", "RegionB", "RegionC")
PYHF_POINTS = 3  # per region: pyhf numpy takes about a second a point
QUICK_POINTS = 12  # per region with --quick


def regions(limit: int | None) -> dict[str, tuple[dict, dict]]:
    """{region: (background-only workspace, patchset)} from the archive, the first ``limit`` points of each."""
    from neos_swift import utils

    out = {}
    with tarfile.open(ARCHIVE) as archive:
        members = archive.getmembers()
        for region in REGIONS:
            background = json.load(archive.extractfile(f"{region}/BkgOnly.json"))
            chosen = sorted((m for m in members if m.name.startswith(f"{region}/patch.")), key=lambda m: m.name)
            patches = []
            for member in chosen[:limit]:
                name = member.name.split("/patch.")[1].removesuffix(".json")
                values = [float(mass) for mass in name.split("_")[1:]]
                patches.append(
                    {"metadata": {"name": name, "values": values}, "patch": json.load(archive.extractfile(member))}
                )
            patchset = {
                "metadata": {
                    "references": {"hepdata": "ins1748602"},
                    "description": f"sbottom {region}",
                    "digests": {"sha256": utils.digest(background)},
                    "labels": ["m_sbottom", "m_chi2", "m_chi1"],
                },
                "patches": patches,
                "version": "1.0.0",
            }
            out[region] = (background, patchset)
    return out


def native_command() -> Path:
    library = os.environ.get("NEOS_LIBRARY", "")
    folder = Path(library) if Path(library).is_dir() else Path(library).parent
    command = folder / "neos-cli"
    if not command.is_file():
        raise SystemExit(f"bench_grid: no neos-cli beside NEOS_LIBRARY ({folder}); build with swift build -c release")
    return command


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def main() -> None:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0])
    import distributed
    import neos_swift
    import numpy as np
    import pyhf
    from neos_swift.distributed import hypotest_grid

    info = harness.report_machine(settings, detail=", one run of each (a grid is long)")
    grids = regions(QUICK_POINTS if settings.quick else None)
    command = native_command()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    rows, results, tables = [], {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for region, (background, patchset) in grids.items():
            count = len(patchset["patches"])
            background_path, patchset_path = Path(folder) / f"{region}.json", Path(folder) / f"{region}-patches.json"
            background_path.write_text(json.dumps(background))
            patchset_path.write_text(json.dumps(patchset))
            native = {}
            for jobs in (1, 2):
                seconds, done = timed(
                    lambda: subprocess.run(
                        [command, "cls", background_path, "--patchset", patchset_path, "--jobs", str(jobs)],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                )
                # exit 1 with the whole table when points failed (the archive has patches without the POI)
                if done.returncode not in (0, 1) or not done.stdout:
                    raise SystemExit(f"bench_grid: neos cls --patchset failed on {region}: {done.stderr}")
                native[jobs] = (seconds, json.loads(done.stdout))
            serial_seconds, serial = timed(lambda: hypotest_grid(None, background, patchset, 1.0))
            cluster_seconds, on_cluster = timed(lambda: hypotest_grid(client, background, patchset, 1.0))
            if on_cluster != serial:
                raise SystemExit(f"bench_grid: the cluster's {region} grid differs from the serial run")
            computed = [p for p in serial if p.ok]
            failed = [p.name for p in serial if not p.ok]
            ours = np.array([[p.result[0], *p.result[1]] for p in computed])
            table = native[2][1]
            if native[1][1] != table:
                raise SystemExit(f"bench_grid: {region}: --jobs 1 and --jobs 2 differ")
            if [p["name"] for p in table if "error" in p] != failed:
                raise SystemExit(f"bench_grid: {region}: the native and Python grids fail on different points")
            theirs_native = np.array([[p["CLs_obs"], *p["CLs_exp"]] for p in table if "error" not in p])
            native_vs_python = harness.max_relative_difference(theirs_native, ours)
            if native_vs_python > 1e-12:
                raise SystemExit(f"bench_grid: {region}: native and Python grids differ by {native_vs_python:.2e}")

            pyhf.set_backend("numpy")
            pyhf_workspace = pyhf.Workspace(background)
            pyhf_cls, pyhf_seconds = [], []
            ok_patches = [patch for patch in patchset["patches"] if patch["metadata"]["name"] not in failed]
            for patch in ok_patches[:PYHF_POINTS]:
                model = pyhf_workspace.model(patches=[patch["patch"]])
                data = pyhf_workspace.data(model)
                seconds, (observed, expected) = timed(
                    lambda: pyhf.infer.hypotest(1.0, data, model, return_expected_set=True)
                )
                pyhf_cls.append([float(observed), *map(float, expected)])
                pyhf_seconds.append(seconds)
            pyhf_per_point = float(np.median(pyhf_seconds))
            pyhf_cls = np.array(pyhf_cls)
            finite = np.all(np.isfinite(pyhf_cls), axis=1)  # pyhf divides 0 by 0 where q_A = 0 (CLs NaN)
            pyhf_difference = harness.max_relative_difference(ours[:PYHF_POINTS][finite], pyhf_cls[finite])
            pyhf_nan = int(np.count_nonzero(~finite))
            results[region] = {
                "points": count,
                "failed_points": failed,
                "native_serial_s": native[1][0],
                "native_threads2_s": native[2][0],
                "python_serial_s": serial_seconds,
                "dask_localcluster2_s": cluster_seconds,
                "pyhf_numpy_s_per_point": pyhf_per_point,
                "pyhf_numpy_points": PYHF_POINTS,
                "pyhf_max_relative_difference": pyhf_difference,
                "pyhf_nan_points": pyhf_nan,
            }
            tables[region] = table
            extrapolated = pyhf_per_point * count
            rows.append(
                [
                    region,
                    f"{count}" + (f" ({len(failed)} failed)" if failed else ""),
                    harness.format_seconds(native[1][0]),
                    harness.format_seconds(native[2][0]),
                    harness.format_seconds(serial_seconds),
                    harness.format_seconds(cluster_seconds),
                    f"{harness.format_seconds(extrapolated)} ({harness.format_seconds(pyhf_per_point)}/pt)",
                    f"{extrapolated / native[2][0]:.0f}×",
                    f"{pyhf_difference:.1e}" + (f" (pyhf NaN on {pyhf_nan})" if pyhf_nan else ""),
                ]
            )
            print(f"{region}: {count} points done", flush=True)
    client.close()
    cluster.close()
    failed_total = sum(len(r["failed_points"]) for r in results.values())
    total = ["all", f"{sum(r['points'] for r in results.values())} ({failed_total} failed)"]
    for key in ("native_serial_s", "native_threads2_s", "python_serial_s", "dask_localcluster2_s"):
        total.append(harness.format_seconds(sum(r[key] for r in results.values())))
    extrapolated = sum(r["pyhf_numpy_s_per_point"] * r["points"] for r in results.values())
    total += [
        harness.format_seconds(extrapolated),
        f"{extrapolated / sum(r['native_threads2_s'] for r in results.values()):.0f}×",
        "",
    ]
    rows.append(total)
    harness.print_table(
        [
            "region",
            "points",
            "neos --jobs 1",
            "neos --jobs 2",
            "Python serial",
            "Dask 2 workers",
            "pyhf numpy (extrapolated)",
            "pyhf / neos --jobs 2",
            "max rel. diff. vs pyhf",
        ],
        rows,
        title=f"sbottom signal grid, hypotest q-tilde at mu = 1 with band (neos_swift {neos_swift.__version__})",
    )
    if not settings.quick:
        from neos_swift import plots

        image = REPO / "docs" / "images" / "sbottom_regionA_contour.png"
        # the m(chi1) = 60 GeV scenario of the analysis' PUB note (the archive also holds m(chi2) - m(chi1) = 130 GeV)
        scenario = [point for point in tables["RegionA"] if point["values"][2] == 60.0]
        plots.plot_exclusion_contour(
            scenario, x=0, y=1, labels=[r"$m(\tilde{b}_1)$ [GeV]", r"$m(\tilde{\chi}^0_2)$ [GeV]"], path=image
        )
        print(f"wrote {image}")
    harness.write_results(WORKLOAD, settings, info, results)


if __name__ == "__main__":
    sys.exit(main())

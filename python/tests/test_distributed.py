"""neos_swift.distributed: signal grids on a dask.distributed LocalCluster of two worker processes.

The grid is RegionA of the ATLAS sbottom likelihood (the archive in Tests/Data): its background-only workspace and
the first signal patches of its 650-point archive, in a patchset built here (names and masses from the file names).
"""

from __future__ import annotations

import json
import os
import signal
import tarfile
import threading

import pytest
from conftest import REFDATA
from neos_swift import PatchSet, utils
from neos_swift.distributed import GridPoint, hypotest_grid, upper_limit_grid

distributed = pytest.importorskip("distributed")

ARCHIVE = REFDATA / "sbottom_ins1748602" / "pyhf-ins1748602-probability-models.tar.gz"
POINTS = 20


@pytest.fixture(scope="module")
def region_a():
    """(background-only workspace, patchset of the first POINTS signal points) of RegionA."""
    with tarfile.open(ARCHIVE) as archive:
        members = sorted(
            (m for m in archive.getmembers() if m.name.startswith("RegionA/patch.")), key=lambda m: m.name
        )[:POINTS]
        background = json.load(archive.extractfile("RegionA/BkgOnly.json"))
        patches = []
        for member in members:
            name = member.name.removeprefix("RegionA/patch.").removesuffix(".json")
            operations = json.load(archive.extractfile(member))
            values = [float(mass) for mass in name.split("_")[1:]]
            patches.append({"metadata": {"name": name, "values": values}, "patch": operations})
    patchset = {
        "metadata": {
            "references": {"hepdata": "ins1748602"},
            "description": "RegionA signal points",
            "digests": {"sha256": utils.digest(background)},
            "labels": ["m_sbottom", "m_chi2", "m_chi1"],
        },
        "patches": patches,
        "version": "1.0.0",
    }
    return background, PatchSet(patchset)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


@pytest.fixture(scope="module")
def serial(region_a):
    background, patchset = region_a
    return hypotest_grid(None, background, patchset, 1.0)


def test_the_cluster_gives_the_serial_results_bit_for_bit(region_a, client, serial):
    background, patchset = region_a
    assert len(serial) == POINTS and all(point.ok for point in serial)
    assert [point.name for point in serial] == [patch.name for patch in patchset.patches]
    assert serial[0].values == tuple(patchset.patches[0].values)
    on_cluster = hypotest_grid(client, background, patchset, 1.0)
    assert on_cluster == serial  # names, values and every CLs equal as floats
    observed, expected = serial[3].result
    assert 0 < observed <= 1 and len(expected) == 5


def test_a_broken_patch_is_one_points_error(region_a, client, serial):
    background, patchset = region_a
    document = {
        "metadata": patchset.metadata,
        "version": patchset.version,
        "patches": [{"metadata": patch.metadata, "patch": patch.patch} for patch in patchset.patches[:4]],
    }
    broken = {"op": "replace", "path": "/channels/99/samples/0/data", "value": [1.0]}
    document["patches"].insert(2, {"metadata": {"name": "broken", "values": [0.0, 0.0, 0.0]}, "patch": [broken]})
    points = hypotest_grid(client, background, document, 1.0)
    assert [point.ok for point in points] == [True, True, False, True, True]
    assert "/channels/99" in points[2].error and points[2].result is None
    assert [points[i] for i in (0, 1, 3, 4)] == serial[:4]


def test_a_killed_worker_does_not_lose_points(region_a, client, serial):
    background, patchset = region_a
    names = [point.name for point in serial] * 3  # 60 points: the run is still going when a worker is killed
    victim = sorted(client.run(os.getpid).values())[0]
    killed = threading.Event()

    def kill():
        os.kill(victim, signal.SIGKILL)
        killed.set()

    timer = threading.Timer(0.5, kill)
    timer.start()
    try:
        points = hypotest_grid(client, background, patchset, 1.0, names=names, retries=3)
    finally:
        timer.cancel()
    assert killed.is_set(), "the grid finished before the worker was killed: give it more points"
    assert points == serial * 3
    client.wait_for_workers(2, timeout=60)
    assert victim not in client.run(os.getpid).values()  # the worker did die (its nanny started a new one)


def test_upper_limits_and_the_serial_run_agree(region_a, client):
    background, patchset = region_a
    names = [patch.name for patch in patchset.patches[:3]]
    scan = [0.0, 0.5, 1.0, 1.5, 2.0]
    here = upper_limit_grid(None, background, patchset, scan=scan, names=names)
    there = upper_limit_grid(client, background, patchset, scan=scan, names=names)
    assert here == there and all(isinstance(point, GridPoint) and point.ok for point in here)
    assert [point.name for point in here] == names


def test_toys_with_a_seed_are_the_same_on_one_and_two_threads_and_on_the_cluster(region_a, client):
    background, patchset = region_a
    names = [patchset.patches[0].name]
    toys = {"calctype": "toybased", "ntoys": 60, "seed": 20261203, "track_progress": False}
    one = hypotest_grid(None, background, patchset, 1.0, names=names, threads=1, **toys)
    two = hypotest_grid(None, background, patchset, 1.0, names=names, threads=2, **toys)
    there = hypotest_grid(client, background, patchset, 1.0, names=names, threads=2, **toys)
    assert one == two == there and one[0].ok
    other_seed = hypotest_grid(None, background, patchset, 1.0, names=names, **{**toys, "seed": 1})
    assert other_seed[0].result != one[0].result


def test_toy_grid_on_the_cluster_is_the_cores_grid_on_one_and_two_threads(client):
    # The small grid of test_grid_abi (two signal strengths and a broken patch): toy_hypotest_grid on the workers,
    # here, and neos_grid_toy_hypotest in one call on 1 and 2 threads give the same CLs and band, bit for bit.
    from neos_swift import Workspace
    from neos_swift.distributed import toy_hypotest_grid
    from test_grid_abi import BACKGROUND, NAMES, PATCHSET, grid_toy_hypotest

    there = toy_hypotest_grid(client, BACKGROUND, PATCHSET, 1.0, ntoys=40, seed=99)
    here = toy_hypotest_grid(None, BACKGROUND, PATCHSET, 1.0, ntoys=40, seed=99, threads=2)
    assert there == here and [point.ok for point in here] == [True, False, True]
    assert "/channels/4" in here[1].error
    for threads in (1, 2):
        rows, status = grid_toy_hypotest(Workspace(BACKGROUND), PatchSet(PATCHSET), NAMES, 40, 99, threads)
        assert status[0] == status[2] == 0 and status[1] != 0
        for point, row in zip(here, rows):
            if point.ok:
                assert point.result == (row[3], list(row[4:]))


def test_neos_cls_with_a_scheduler_prints_the_native_table(region_a, client, tmp_path):
    """``neos cls BKG --patchset PS --scheduler ADDRESS`` runs the grid on the cluster through this package and
    prints the table ``--jobs`` prints natively: the same JSON text, the same CSV."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    command = os.environ.get("NEOS_COMMAND") or str(Path(sys.executable).parent / "neos")
    if not Path(command).is_file() and shutil.which("neos") is None:
        pytest.skip("the `neos` console script is installed with the package")
    background, patchset = region_a
    background_path, patchset_path = tmp_path / "bkg.json", tmp_path / "patchset.json"
    background_path.write_text(json.dumps(background))
    document = {
        "metadata": patchset.metadata,
        "version": patchset.version,
        "patches": [{"metadata": patch.metadata, "patch": patch.patch} for patch in patchset.patches[:4]],
    }
    patchset_path.write_text(json.dumps(document))
    address = client.scheduler.address

    def neos(*arguments):
        done = subprocess.run(
            [command, "cls", background_path, "--patchset", patchset_path, *arguments],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    for table_format in ("json", "csv"):
        native = neos("--jobs", "2", "--format", table_format)
        assert neos("--scheduler", address, "--format", table_format) == native

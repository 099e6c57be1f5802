"""neos_swift.tensor.common: the tensor viewer that splits a flat tensor by index lists and stitches the pieces
back, held to pyhf 0.7.6's ``pyhf.tensor.common`` on the same partitions (index bookkeeping: exact equality)."""

from __future__ import annotations

import importlib

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift.tensor import common

# pyhf.tensor answers attribute look-ups itself; import_module reaches the submodule.
pyhf_common = importlib.import_module("pyhf.tensor.common")


@pytest.fixture(autouse=True)
def fresh_state():
    neos_swift.set_backend("numpy", default=True)
    pyhf.set_backend("numpy", default=True)
    yield
    neos_swift.set_backend("numpy", default=True)
    pyhf.set_backend("numpy", default=True)


def random_partition(rng, size, parts):
    """``parts`` disjoint index lists covering range(size) in a random order (some may be empty)."""
    order = rng.permutation(size)
    cuts = np.sort(rng.integers(0, size + 1, parts - 1))
    return [piece.tolist() for piece in np.split(order, cuts)]


def test_split_and_stitch_match_pyhf_on_random_partitions(rng):
    for _ in range(25):
        size, parts = int(rng.integers(1, 12)), int(rng.integers(1, 5))
        partition = random_partition(rng, size, parts)
        ours, theirs = common._TensorViewer(partition), pyhf_common._TensorViewer(partition)
        for shape in ((size,), (3, size)):
            data = rng.normal(size=shape)
            mine, reference = ours.split(data), theirs.split(data)
            assert [piece.tolist() for piece in mine] == [np.asarray(piece).tolist() for piece in reference]
            assert ours.stitch(mine).tolist() == data.tolist()
            assert np.asarray(ours.stitch(mine)).tolist() == np.asarray(theirs.stitch(reference)).tolist()


def test_named_selection_picks_pieces_in_the_order_asked():
    viewer = common._TensorViewer([[0, 4, 5], [1, 2, 3], [6]], names=["zzz", "aaa", "x"])
    data = np.arange(7) * 10
    assert [piece.tolist() for piece in viewer.split(data, selection=["x", "zzz"])] == [[60], [0, 40, 50]]
    assert viewer.split(data, selection=[]) == []
    assert viewer.split(data.tolist())[1].tolist() == [10, 20, 30]  # a list is taken as the backend's tensor
    with pytest.raises(KeyError):
        viewer.split(data, selection=["nope"])
    # Splitting by names and stitching with a viewer over those names only restores that sub-vector.
    sub = common._TensorViewer([[1, 2, 3], [0]], names=["zzz", "x"])
    assert sub.stitch(viewer.split(data, ["zzz", "x"])).tolist() == [60, 0, 40, 50]


def test_positions_of_a_subset_only_need_their_order():
    """pyhf builds viewers over some parameters' slices only (e.g. the constrained ones): positions 3, 7, 9
    stitch a 3-entry tensor."""
    viewer = common._TensorViewer([[9], [3, 7]])
    assert viewer.stitch([np.array([1.0]), np.array([2.0, 3.0])]).tolist() == [2.0, 3.0, 1.0]


def test_integer_tensors_keep_their_dtype_and_index_tensors_are_the_backends():
    viewer = common._TensorViewer([np.array([1]), np.array([0])])
    pieces = viewer.split(np.array([5, 6]))
    assert pieces[0].dtype.kind == "i" and pieces[0].tolist() == [6]
    assert isinstance(viewer.sorted_indices, np.ndarray)
    neos_swift.set_backend("jax")
    import jax

    # The index tensors are rebuilt for the new backend, and the pieces are jax arrays.
    assert isinstance(viewer.sorted_indices, jax.Array)
    stitched = viewer.stitch([neos_swift.tensorlib.astensor([1.0]), neos_swift.tensorlib.astensor([2.0])])
    assert isinstance(stitched, jax.Array) and stitched.tolist() == [2.0, 1.0]


def test_stitch_is_differentiable_under_jax():
    neos_swift.set_backend("jax")
    import jax

    viewer = common._TensorViewer([[0, 2], [1]])

    def picked(free):
        return viewer.stitch([neos_swift.tensorlib.astensor([4.0, 5.0]), free])[1] * 3.0

    assert jax.grad(picked)(neos_swift.tensorlib.astensor([2.0])).tolist() == [3.0]


def test_invalid_viewers_and_pieces_raise():
    with pytest.raises(ValueError, match="distinct"):
        common._TensorViewer([[0, 1], [1]])
    with pytest.raises(ValueError, match="whole numbers"):
        common._TensorViewer([[0.5]])
    with pytest.raises(ValueError, match="names"):
        common._TensorViewer([[0], [1]], names=["a"])
    viewer = common._TensorViewer([[0], [1, 2]])
    with pytest.raises(ValueError, match="2 pieces"):
        viewer.stitch([np.array([1.0])])
    with pytest.raises(ValueError, match="3 entries"):
        viewer.stitch([np.array([1.0]), np.array([2.0])])


def test_viewers_from_sizes_and_slices_match_pyhf():
    ours = common._tensorviewer_from_sizes([2, 0, 3], ["a", "b", "c"], 4)
    theirs = pyhf_common._tensorviewer_from_sizes([2, 0, 3], ["a", "b", "c"], 4)
    data = np.arange(5.0)
    assert ours.batch_size == 4 and ours.names == ["a", "b", "c"]
    assert [p.tolist() for p in ours.split(data)] == [np.asarray(p).tolist() for p in theirs.split(data)]
    sliced = common._tensorviewer_from_slices([slice(3, 5), slice(0, 3)], ["late", "early"], None)
    assert sliced.split(data, ["late"])[0].tolist() == [3.0, 4.0]
    assert common._tensorviewer_from_sizes([], [], None) is None
    assert common._tensorviewer_from_slices([], [], None) is None

"""neos_swift.contrib.viz.brazil against pyhf 0.7.6's pyhf.contrib.viz.brazil: the same artists, labels, legend
order and the same pixels, drawn from hypothesis-test scans made by neos_swift itself."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")

import matplotlib.image
import neos_swift
import numpy as np
import pyhf.contrib.viz.brazil as pyhf_brazil
import pytest
from matplotlib.figure import Figure
from neos_swift.contrib.viz import brazil

MODEL = neos_swift.simplemodels.uncorrelated_background([12.0, 11.0], [50.0, 52.0], [3.0, 7.0])
DATA = [51.0, 48.0, *MODEL.config.auxdata]
POIS = np.linspace(0.0, 5.0, 11)


def scan(tail_probs):
    return [
        neos_swift.infer.hypotest(mu, DATA, MODEL, return_expected_set=True, return_tail_probs=tail_probs)
        for mu in POIS
    ]


PLAIN, WITH_TAILS = scan(False), scan(True)


def draw(module, tests, log=False, **kwargs):
    figure = Figure()
    axes = figure.subplots()
    if log:
        axes.set_yscale("log")
    artists = module.plot_results(POIS, tests, test_size=0.05, ax=axes, **kwargs)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    buffer.seek(0)
    return artists, matplotlib.image.imread(buffer)


CASES = [
    (PLAIN, {}),
    (PLAIN, {"log": True}),
    (WITH_TAILS, {"components": True}),
    (WITH_TAILS, {"components": True, "no_clb": True}),
    (WITH_TAILS, {"components": True, "no_clsb": True}),
    (WITH_TAILS, {"components": True, "no_cls": True}),
    (PLAIN, {"color": "blue", "test_size_color": "purple", "xlabel": "signal strength"}),
]


@pytest.mark.parametrize(("tests", "options"), CASES)
def test_the_plot_is_pyhfs_pixel_for_pixel(tests, options):
    ours, our_pixels = draw(brazil, tests, **options)
    theirs, their_pixels = draw(pyhf_brazil, tests, **options)
    # The same matplotlib draws the same calls: identical images, no tolerance needed.
    np.testing.assert_array_equal(our_pixels, their_pixels)
    assert type(ours).__name__ == "BrazilBandCollection" and ours._fields == theirs._fields
    for name in ours._fields:
        assert (getattr(ours, name) is None) == (getattr(theirs, name) is None), name
    legend = [text.get_text() for text in ours.axes.get_legend().get_texts()]
    assert legend == [text.get_text() for text in theirs.axes.get_legend().get_texts()]


def test_the_collection_holds_the_drawn_artists():
    artists, _ = draw(brazil, WITH_TAILS, components=True)
    assert len(artists.cls_exp) == 5
    assert artists.cls_exp[2].get_linestyle() == "--"
    np.testing.assert_allclose(artists.cls_obs.get_ydata(), [float(test[0]) for test in WITH_TAILS], rtol=0)
    np.testing.assert_allclose(artists.clb.get_ydata(), [float(test[1][1]) for test in WITH_TAILS], rtol=0)
    assert artists.axes.get_ylim() == (0.0, 1.0)
    log_artists, _ = draw(brazil, PLAIN, log=True)
    assert log_artists.axes.get_ylim() == pytest.approx((0.005, 1.0))


def test_components_need_the_tail_probabilities():
    with pytest.raises(ValueError, match="len of 3"):
        draw(brazil, PLAIN, components=True)


def test_an_unknown_keyword_is_a_type_error_not_ignored():
    axes = Figure().subplots()
    with pytest.raises(TypeError, match="'colour'"):
        brazil.plot_results(POIS, PLAIN, ax=axes, colour="blue")
    # refused before anything is drawn
    assert not axes.lines and not axes.collections
    with pytest.raises(TypeError, match="colour"):
        brazil.plot_brazil_band(POIS, POIS, [POIS] * 5, 0.05, axes, colour="blue")
    with pytest.raises(TypeError, match="line_width"):
        brazil.plot_cls_components(POIS, [[0.1, 0.2]] * len(POIS), axes, line_width=3)
    # every keyword of either drawing function is one plot_results takes
    artists = brazil.plot_results(
        POIS, WITH_TAILS, ax=axes, components=True, linewidth=4, clb_color="orange", test_size_linestyle="dashed"
    )
    assert artists.clb.get_linewidth() == 4 and artists.clb.get_color() == "orange"
    assert artists.test_size.get_linestyle() == "--"


def test_the_median_bands_and_test_size_close_the_legend():
    axes = Figure().subplots()
    (before,) = axes.plot([0.0, 5.0], [0.5, 0.5], label="drawn before")
    artists = brazil.plot_results(POIS, WITH_TAILS, ax=axes, components=True)
    legend = axes.get_legend()
    handles = legend.legend_handles if hasattr(legend, "legend_handles") else legend.legendHandles
    texts = [text.get_text() for text in legend.get_texts()]
    assert texts[:4] == ["drawn before", r"$\mathrm{CL}_{s}$", r"$\mathrm{CL}_{s+b}$", r"$\mathrm{CL}_{b}$"]
    assert texts[4:] == [
        r"$\mathrm{CL}_{s,\mathrm{exp}}$",
        r"$\pm1\sigma$ $\mathrm{CL}_{s,\mathrm{exp}}$",
        r"$\pm2\sigma$ $\mathrm{CL}_{s,\mathrm{exp}}$",
        r"$\alpha=0.05$",
    ]
    assert len(handles) == 8 and before.get_label() == "drawn before"
    assert artists.one_sigma_band.get_facecolor()[0][:3] == pytest.approx((0.0, 0.5, 0.0), abs=0.01)


def test_the_public_names_are_pyhfs():
    assert dir(brazil) == dir(pyhf_brazil)


# --- pyhf.contrib.utils.download, with ``requests`` replaced by a fake that serves fixed bytes (no network).


class _Response:
    def __init__(self, content, status_code=200):
        self.content, self.status_code = content, status_code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def serve(monkeypatch):
    import sys
    import types

    served = {}
    fake = types.ModuleType("requests")

    def get(url, headers=None):
        served["headers"] = headers
        return _Response(served["content"], served.get("status", 200))

    fake.get = get
    monkeypatch.setitem(sys.modules, "requests", fake)

    def set_content(content, status=200):
        served["content"], served["status"] = content, status
        return served

    return set_content


def _archive(tmp_path, kind):
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    (source / "spec.json").write_text('{"x": 1}')
    buffer = io.BytesIO()
    if kind == "zip":
        import zipfile

        with zipfile.ZipFile(buffer, "w") as archive:
            archive.write(source / "spec.json", "top/spec.json")
    else:
        import tarfile

        with tarfile.open(fileobj=buffer, mode="w:gz" if kind == "tar.gz" else "w") as archive:
            archive.add(source / "spec.json", "spec.json")
    return buffer.getvalue()


URL = "https://www.hepdata.net/record/resource/1?view=true"


@pytest.mark.parametrize("kind", ["tar.gz", "tar", "zip"])
def test_download_unpacks_each_archive_kind(tmp_path, serve, kind):
    from neos_swift.contrib.utils import download

    served = serve(_archive(tmp_path, kind))
    target = tmp_path / "likelihoods"
    download(URL, str(target))
    assert (target / "spec.json").read_text() == '{"x": 1}'
    assert "application/x-tar" in served["headers"]["Accept"]
    download(URL, str(target))  # again, over the existing folder
    assert (target / "spec.json").exists()


def test_download_compress_keeps_the_bytes(tmp_path, serve):
    from neos_swift.contrib.utils import download

    content = _archive(tmp_path, "tar.gz")
    serve(content)
    download(URL, str(tmp_path / "archive.tar.gz"), compress=True)
    assert (tmp_path / "archive.tar.gz").read_bytes() == content


def test_download_refusals(tmp_path, serve):
    from neos_swift.contrib.utils import download

    serve(_archive(tmp_path, "tar"))
    with pytest.raises(neos_swift.exceptions.InvalidArchiveHost):
        download("https://example.org/a.tar", str(tmp_path / "x"))
    download("https://example.org/a.tar", str(tmp_path / "x"), force=True)
    assert (tmp_path / "x" / "spec.json").exists()
    serve(b"", status=404)
    with pytest.raises(neos_swift.exceptions.InvalidArchive, match="404"):
        download(URL, str(tmp_path / "y"))
    serve(b"neither tar nor zip")
    with pytest.raises(neos_swift.exceptions.InvalidArchive, match="neither a tar nor a zip archive"):
        download(URL, str(tmp_path / "z"))
    assert not (tmp_path / "z").exists()


def _tar_with(members):
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


@pytest.mark.parametrize("hostile", ["../escaped.json", "inner/../../escaped.json"])
def test_download_refuses_a_tar_member_outside_the_folder_and_writes_nothing(tmp_path, serve, hostile):
    import tarfile

    from neos_swift.contrib.utils import download

    assert hasattr(tarfile, "data_filter"), "this Python has tarfile's extraction filters (3.11.4 and later)"
    # the harmless member comes first: it must not be written either, the archive is refused as a whole
    serve(_tar_with([("spec.json", b"{}"), (hostile, b"escaped")]))
    target = tmp_path / "likelihoods"
    with pytest.raises(neos_swift.exceptions.InvalidArchive, match="refusing to unpack"):
        download(URL, str(target))
    assert not target.exists()
    assert not (tmp_path / "escaped.json").exists()


def test_download_keeps_an_absolute_tar_member_inside_the_folder(tmp_path, serve):
    from neos_swift.contrib.utils import download

    absolute = tmp_path / "outside" / "absolute.json"
    serve(_tar_with([(str(absolute), b"{}")]))
    target = tmp_path / "likelihoods"
    download(URL, str(target))
    # the data filter strips the leading slash: the member lands below the target, not at its absolute path
    assert not absolute.exists()
    assert (target / str(absolute).lstrip("/")).read_bytes() == b"{}"


def test_download_zip_layouts(tmp_path, serve):
    import zipfile

    from neos_swift.contrib.utils import download

    def zipped(names):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in names:
                archive.writestr(name, name)
        return buffer.getvalue()

    target = tmp_path / "out"
    # one top folder next to macOS's __MACOSX clutter: the folder becomes the target, the clutter is dropped
    serve(zipped(["top/spec.json", "__MACOSX/top/._spec.json"]))
    download(URL, str(target))
    assert sorted(path.name for path in target.iterdir()) == ["spec.json"]
    # several top entries: they are the target's contents, nothing is lost; a name with .. stays inside
    serve(zipped(["a.json", "b/c.json", "../d.json"]))
    download(URL, str(target))
    assert sorted(path.name for path in target.iterdir()) == ["a.json", "b", "d.json"]
    assert not (tmp_path / "d.json").exists()
    # no staging folder is left next to the target
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def _reimport_contrib_utils_without_requests(monkeypatch, caplog, alias=None):
    import importlib
    import logging
    import sys

    import neos_swift.contrib.utils as utils

    monkeypatch.setitem(sys.modules, "requests", None)  # "import requests" now raises ImportError
    if alias is not None:
        monkeypatch.setitem(sys.modules, alias, neos_swift)
    with caplog.at_level(logging.ERROR):
        importlib.reload(utils)
    text = caplog.text
    monkeypatch.undo()
    importlib.reload(utils)  # back to the module with requests, for the tests after this one
    return text


def test_without_requests_the_import_says_how_to_install_the_extra(monkeypatch, caplog):
    text = _reimport_contrib_utils_without_requests(monkeypatch, caplog)
    assert "import of requests halted" in text
    assert "required to use neos_swift.contrib.utils.download" in text
    assert "python -m pip install 'neos_swift[contrib]'" in text


def test_under_an_alias_the_advice_names_the_alias(monkeypatch, caplog):
    text = _reimport_contrib_utils_without_requests(monkeypatch, caplog, alias="an_alias_of_neos")
    assert "required to use an_alias_of_neos.contrib.utils.download" in text
    assert "'an_alias_of_neos[contrib]'" in text

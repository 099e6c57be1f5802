"""A seeded generator of random, valid pyhf workspaces for the pyhf comparison tests.

``random_workspace(seed)`` returns ``(spec, modifier_settings)``: a HistFactory workspace (schema 1.0.0) that pyhf
0.7.6 accepts, and the ``modifier_settings`` to build its model with (``None`` means pyhf's defaults). The corpus
covers every modifier type, every interpolation code and the ordering / sharing / masking rules of
docs/pyhf.md §1–4:

- 1–3 channels (names chosen so that the order in the spec differs from the sorted order), 1–6 bins each, 1–4
  samples per channel drawn from one pool, so that some samples are absent from some channels (pyhf masks them);
- normfactor and shapefactor (names shared across channels; a shared shapefactor only among channels with the same
  bin count), lumi (with the measurement parameter entry pyhf's XML importer writes: auxdata, inits, sigmas,
  bounds), normsys and histosys (names shared across channels and samples, and occasionally one name used by both
  a normsys and a histosys, which pyhf turns into one parameter), shapesys (one per channel and sample, occasionally
  with a zero-uncertainty bin or a zero-nominal bin, whose γ pyhf fixes), staterror (one per channel, carried by
  several samples, occasionally with a bin of zero uncertainty, whose γ pyhf fixes);
- random measurement overrides (inits / bounds / fixed, always with the init inside the bounds), occasionally an
  entry for a parameter the model does not have (pyhf ignores it), occasionally a second measurement;
- observations that are integers or, sometimes, non-integer;
- a random ``modifier_settings`` among pyhf's defaults, partial settings (the missing type falls back to normsys
  code1 / histosys code0), full settings and ``{}``.

Every sample yield stays strictly positive (and every bin total is positive) for any parameter point inside the
model's suggested bounds, whatever interpolation code is used: the histosys variations are scaled down per bin
until the worst case over each parameter's bounds, for every additive code, keeps at least 20 % of the nominal, and
normsys factors are drawn so that code1 and code4 stay above 0.2 everywhere in the bounds. The interpolation
formulas used for that check are written from the maths in pyhf.md §4 (they only guard positivity; the tests
compare against pyhf itself).

``random_points(model, rng, n)`` draws parameter points inside a model's suggested bounds (works with a pyhf model
or a neos_swift model), holding fixed parameters at their init.

Run ``python workspaces.py [count]`` for a self-check against pyhf (needs pyhf 0.7.6).
"""

from __future__ import annotations

import copy
import math

import numpy as np

CHANNEL_POOL = ["SR", "CR_ttbar", "b_region", "Zcontrol", "alpha", "VR1", "ch0"]
SAMPLE_POOL = ["signal", "ttbar", "Wjets", "diboson", "fakes", "zz"]
NORMFACTOR_POOL = ["k_ttbar", "norm_bkg", "Xsec"]
SHAPEFACTOR_POOL = ["sf_shape", "bkg_shape"]
NORMSYS_POOL = ["syst_jes", "syst_eff", "xsec", "shared_np", "a_syst"]
HISTOSYS_POOL = ["hs_model", "shared_np", "jer", "z_shape"]

DEFAULT_ALPHA_BOUNDS = (-5.0, 5.0)
MODIFIER_TYPES = ("normfactor", "shapefactor", "lumi", "normsys", "histosys", "shapesys", "staterror")

# (weight, modifier_settings); None = pyhf's defaults (normsys code4, histosys code4p)
SETTINGS_CHOICES = [
    (6, None),
    (2, {"normsys": {"interpcode": "code1"}}),
    (2, {"histosys": {"interpcode": "code0"}}),
    (2, {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code2"}}),
    (2, {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code4p"}}),
    (2, {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}),
    (1, {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}),
    (1, {"normsys": {"interpcode": "code4"}}),
    (1, {"histosys": {"interpcode": "code2"}}),
    (1, {"histosys": {"interpcode": "code4p"}}),
    (1, {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code2"}}),
    (1, {}),
]


def effective_codes(modifier_settings):
    """(normsys code, histosys code) that pyhf 0.7.6 uses for these settings (pyhf.md §4)."""
    if modifier_settings is None:
        return "code4", "code4p"
    return (
        modifier_settings.get("normsys", {}).get("interpcode", "code1"),
        modifier_settings.get("histosys", {}).get("interpcode", "code0"),
    )


# ---------------------------------------------------------------------------------------------------------------
# Interpolation maths (pyhf.md §4), vectorised over alpha, used only for the positivity guard


_CODE4_INVERSE = np.array(
    [
        [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
        [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
        [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
        [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
        [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
        [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
    ]
)


def _multiplicative(code, alpha, lo, hi):
    up, down = hi**alpha, lo ** (-alpha)
    exponential = np.where(alpha >= 0, up, down)
    if code == "code1":
        return exponential
    log_up, log_down = math.log(hi), math.log(lo)
    rhs = np.array([hi - 1, lo - 1, log_up * hi, -log_down * lo, log_up**2 * hi, log_down**2 * lo])
    coefficients = _CODE4_INVERSE @ rhs
    polynomial = 1 + sum(c * alpha ** (i + 1) for i, c in enumerate(coefficients))
    return np.where(np.abs(alpha) >= 1, exponential, polynomial)


def _additive(code, alpha, lo, nom, hi):
    if code == "code0":
        return np.where(alpha > 0, alpha * (hi - nom), alpha * (nom - lo))
    if code == "code2":
        a, b = 0.5 * (hi + lo) - nom, 0.5 * (hi - lo)
        # both of pyhf's code2 forms for alpha < -1 (pyhf.md §4), to be safe
        below = np.minimum((b - 2 * a) * alpha, (b - 2 * a) * (alpha + 1))
        return np.where(alpha > 1, (b + 2 * a) * (alpha - 1), np.where(alpha < -1, below, a * alpha**2 + b * alpha))
    delta_up, delta_down = hi - nom, nom - lo
    s, a = 0.5 * (delta_up + delta_down), (delta_up - delta_down) / 16
    inner = alpha * s + alpha**2 * a * (15 - 10 * alpha**2 + 3 * alpha**4)
    return np.where(alpha > 1, alpha * delta_up, np.where(alpha < -1, alpha * delta_down, inner))


def _alpha_grid(bounds):
    lo, hi = bounds
    grid = np.linspace(lo, hi, 801)
    extra = [x for x in (-1.0, 0.0, 1.0) if lo <= x <= hi]
    return np.concatenate([grid, extra, np.nextafter(np.array(extra), np.inf), np.nextafter(np.array(extra), -np.inf)])


def worst_additive_delta(bounds, lo, nom, hi):
    """The most negative histosys delta over alpha in bounds, over all additive codes."""
    alpha = _alpha_grid(bounds)
    return min(float(np.min(_additive(code, alpha, lo, nom, hi))) for code in ("code0", "code2", "code4p"))


def smallest_normsys_factor(bounds, lo, hi):
    alpha = _alpha_grid(bounds)
    return min(float(np.min(_multiplicative(code, alpha, lo, hi))) for code in ("code1", "code4"))


# ---------------------------------------------------------------------------------------------------------------
# The generator


def _pick(rng, pool, k):
    return [pool[i] for i in rng.choice(len(pool), size=k, replace=False)]


def _weighted_settings(rng):
    weights = np.array([w for w, _ in SETTINGS_CHOICES], dtype=float)
    index = rng.choice(len(SETTINGS_CHOICES), p=weights / weights.sum())
    return copy.deepcopy(SETTINGS_CHOICES[index][1])


def _round(x, digits=6):
    return float(f"{x:.{digits}g}")


def _normsys_factors(rng, bounds):
    while True:
        style = rng.random()
        if style < 0.7:  # usual: up above 1, down below 1
            hi, lo = 1 + rng.uniform(0.01, 0.45), 1 - rng.uniform(0.01, 0.35)
        elif style < 0.8:  # anti-correlated
            hi, lo = 1 - rng.uniform(0.01, 0.3), 1 + rng.uniform(0.01, 0.3)
        elif style < 0.9:  # one-sided: both above or both below 1
            sign = 1 if rng.random() < 0.5 else -1
            hi, lo = 1 + sign * rng.uniform(0.05, 0.3), 1 + sign * rng.uniform(0.01, 0.1)
        else:  # symmetric
            d = rng.uniform(0.01, 0.3)
            hi, lo = 1 + d, 1 - d
        hi, lo = _round(hi), _round(lo)
        if smallest_normsys_factor(bounds, lo, hi) > 0.2:
            return hi, lo


def random_workspace(seed, for_inference=False):
    """A random valid pyhf workspace and the modifier_settings to build it with (None = pyhf defaults).

    ``for_inference=True`` draws from a corpus where a hypothesis test is defined, as pyhf needs it too: every bin
    keeps a positive background when the POI is 0 (otherwise the background-only fit sees λ = 0 with n > 0), the
    POI's bounds include 0, the signal is a minority of each bin, and histosys code2 (discontinuous) is replaced
    by code0.
    """
    rng = np.random.default_rng([20261130, seed] if not for_inference else [20261130, 1, seed])

    n_channels = int(rng.integers(1, 4))
    channel_names = _pick(rng, CHANNEL_POOL, n_channels)
    nbins = {c: int(rng.integers(1, 7)) for c in channel_names}
    if n_channels > 1 and rng.random() < 0.3:  # equal bin counts, so that a shapefactor can be shared
        nbins = dict.fromkeys(channel_names, int(rng.integers(1, 5)))
    n_pool = int(rng.integers(1, 5))
    sample_pool = _pick(rng, SAMPLE_POOL, n_pool)

    # which modifier types this workspace uses
    use = {
        t: rng.random() < p
        for t, p in dict(
            normfactor=0.5, shapefactor=0.35, lumi=0.45, normsys=0.7, histosys=0.6, shapesys=0.45, staterror=0.55
        ).items()
    }

    # parameter-level decisions first, so that the positivity guard knows each alpha's bounds
    alpha_bounds = {}
    parameters = []  # measurement config entries
    alpha_names = sorted(set(NORMSYS_POOL) | set(HISTOSYS_POOL))
    for name in alpha_names:
        bounds = DEFAULT_ALPHA_BOUNDS
        if rng.random() < 0.2:
            b = float(rng.choice([2.0, 3.0, 4.0]))
            bounds = (-b, b) if rng.random() < 0.7 else (-b, _round(rng.uniform(1.5, 5.0)))
        alpha_bounds[name] = bounds

    # the samples in each channel (each channel takes a non-empty subset of the pool, in random order)
    channel_samples = {}
    for c in channel_names:
        k = int(rng.integers(1, len(sample_pool) + 1))
        channel_samples[c] = _pick(rng, sample_pool, k)

    # nominal yields, with occasional zero-nominal bins (never a whole bin at zero)
    nominal = {}
    for c in channel_names:
        for s in channel_samples[c]:
            scale = float(rng.choice([2.0, 20.0, 200.0]))
            nominal[c, s] = [_round(scale * rng.uniform(0.2, 1.5)) for _ in range(nbins[c])]
        if len(channel_samples[c]) > 1 and rng.random() < 0.25:
            s = channel_samples[c][int(rng.integers(0, len(channel_samples[c])))]
            b = int(rng.integers(0, nbins[c]))
            nominal[c, s][b] = 0.0

    used_samples = sorted({s for c in channel_names for s in channel_samples[c]})
    poi_sample = "signal" if "signal" in used_samples else used_samples[int(rng.integers(0, len(used_samples)))]
    if for_inference:
        for c in channel_names:
            backgrounds = [s for s in channel_samples[c] if s != poi_sample]
            if not backgrounds:
                channel_samples[c] = channel_samples[c] + ["background"]
                nominal[c, "background"] = [_round(20 * rng.uniform(0.5, 1.5)) for _ in range(nbins[c])]
                backgrounds = ["background"]
            for b in range(nbins[c]):
                if all(nominal[c, s][b] == 0 for s in backgrounds):
                    nominal[c, backgrounds[0]][b] = _round(20 * rng.uniform(0.5, 1.5))
                # A signal that is a minority of each bin, as in an analysis: a background-only hypothesis
                # the data cannot rule out by hundreds of units of 2NLL keeps the μ = 0 fits inside one basin.
                background_total = sum(nominal[c, s][b] for s in backgrounds)
                if poi_sample in channel_samples[c] and nominal[c, poi_sample][b] > 0.3 * background_total:
                    nominal[c, poi_sample][b] = _round(0.3 * background_total * rng.uniform(0.2, 1.0))
        used_samples = sorted({s for c in channel_names for s in channel_samples[c]})
    modifiers = {key: [] for key in nominal}
    poi_name = "mu"
    shapefactor_name = SHAPEFACTOR_POOL[int(rng.integers(0, 2))]

    for c in channel_names:
        samples = channel_samples[c]
        for s in samples:
            mods = modifiers[c, s]
            if s == poi_sample:
                mods.append({"name": poi_name, "type": "normfactor", "data": None})
            if use["normfactor"] and rng.random() < 0.4:
                mods.append({"name": NORMFACTOR_POOL[int(rng.integers(0, 2))], "type": "normfactor", "data": None})
            if use["lumi"] and rng.random() < 0.7:
                mods.append({"name": "lumi", "type": "lumi", "data": None})
            if use["normsys"]:
                for name in _pick(rng, NORMSYS_POOL, int(rng.integers(0, 3))):
                    hi, lo = _normsys_factors(rng, alpha_bounds[name])
                    mods.append({"name": name, "type": "normsys", "data": {"hi": hi, "lo": lo}})
            if use["histosys"]:
                for name in _pick(rng, HISTOSYS_POOL, int(rng.integers(0, 3))):
                    mods.append({"name": name, "type": "histosys", "data": None})  # data filled below
            if use["shapesys"] and rng.random() < 0.5:
                nom = nominal[c, s]
                unc = [_round(x * rng.uniform(0.02, 0.3)) for x in nom]
                if rng.random() < 0.3:
                    unc[int(rng.integers(0, len(unc)))] = 0.0  # zero uncertainty: fixed gamma
                for b, x in enumerate(nom):
                    if x == 0.0:
                        unc[b] = _round(rng.uniform(0.1, 2.0)) if rng.random() < 0.5 else 0.0  # zero nominal: fixed
                mods.append({"name": f"shapesys_{c}_{s}", "type": "shapesys", "data": unc})
        if use["shapefactor"] and rng.random() < 0.6:
            name = shapefactor_name if rng.random() < 0.8 else SHAPEFACTOR_POOL[int(rng.integers(0, 2))]
            # a name shared across channels only among channels with the same bin count
            name = f"{name}_{nbins[c]}bins"
            for s in _pick(rng, samples, int(rng.integers(1, len(samples) + 1))):
                modifiers[c, s].append({"name": name, "type": "shapefactor", "data": None})
        if use["staterror"] and rng.random() < 0.8:
            carriers = _pick(rng, samples, int(rng.integers(1, len(samples) + 1)))
            zero_bin = int(rng.integers(0, nbins[c])) if rng.random() < 0.3 else None
            for s in carriers:
                unc = [_round(x * rng.uniform(0.01, 0.2)) for x in nominal[c, s]]
                if zero_bin is not None:
                    unc[zero_bin] = 0.0
                modifiers[c, s].append({"name": f"staterror_{c}", "type": "staterror", "data": unc})

    # occasionally make one name a normsys on one sample and a histosys on another (or the same) sample
    if use["normsys"] and use["histosys"] and rng.random() < 0.35:
        keys = list(modifiers)
        for key in _pick(rng, keys, min(len(keys), 2)):
            kind = "normsys" if rng.random() < 0.5 else "histosys"
            if any(m["name"] == "shared_np" and m["type"] == kind for m in modifiers[key]):
                continue
            if kind == "normsys":
                hi, lo = _normsys_factors(rng, alpha_bounds["shared_np"])
                modifiers[key].append({"name": "shared_np", "type": "normsys", "data": {"hi": hi, "lo": lo}})
            else:
                modifiers[key].append({"name": "shared_np", "type": "histosys", "data": None})

    # histosys data: random per-bin relative variations, scaled down until positive everywhere in the bounds
    for key, mods in modifiers.items():
        nom = np.array(nominal[key])
        histos = [m for m in mods if m["type"] == "histosys"]
        if not histos:
            continue
        rel = []
        for _ in histos:
            style = rng.random()
            up = rng.uniform(0.01, 0.15, size=nom.size)
            down = rng.uniform(0.01, 0.15, size=nom.size)
            if style < 0.15:  # same side
                down = -rng.uniform(0.0, 0.05, size=nom.size)
            elif style < 0.25:  # flipped shape in some bins
                flip = rng.random(nom.size) < 0.5
                up, down = np.where(flip, -up, up), np.where(flip, -down, down)
            rel.append((up, down))
        for b in range(nom.size):
            factor = 1.0
            while True:
                worst = 0.0
                for m, (up, down) in zip(histos, rel):
                    x = nom[b]
                    worst += worst_additive_delta(
                        alpha_bounds[m["name"]], x * (1 - factor * down[b]), x, x * (1 + factor * up[b])
                    )
                if nom[b] + worst >= 0.2 * nom[b]:
                    break
                factor *= 0.7
            for up, down in rel:
                up[b] *= factor
                down[b] *= factor
        for m, (up, down) in zip(histos, rel):
            hi = [_round(x * (1 + u), 9) for x, u in zip(nom, up)]
            lo = [_round(x * (1 - d), 9) for x, d in zip(nom, down)]
            m["data"] = {"hi_data": hi, "lo_data": lo}

    # rounding of hi/lo could in principle break the guard; recheck exactly on what is written
    for key, mods in modifiers.items():
        nom = np.array(nominal[key])
        for b in range(nom.size):
            worst = sum(
                worst_additive_delta(alpha_bounds[m["name"]], m["data"]["lo_data"][b], nom[b], m["data"]["hi_data"][b])
                for m in mods
                if m["type"] == "histosys"
            )
            assert nom[b] + worst >= 0.19 * nom[b], (seed, key, b)

    # measurement parameters
    present = {(m["name"], m["type"]) for mods in modifiers.values() for m in mods}
    present_names = {n for n, _ in present}
    if ("lumi", "lumi") in present or (use["lumi"] and rng.random() < 0.3):  # the latter: unused entry, ignored
        lumi = 1.0 if rng.random() < 0.6 else _round(rng.uniform(0.5, 3.0))
        relerr = _round(rng.uniform(0.01, 0.1))
        sigma = _round(lumi * relerr, 9)
        bounds = [[_round(lumi - 5 * sigma, 9), _round(lumi + 5 * sigma, 9)]]
        entry = {"name": "lumi", "auxdata": [lumi], "bounds": bounds, "inits": [lumi], "sigmas": [sigma]}
        if rng.random() < 0.15:
            entry["fixed"] = True
        parameters.append(entry)

    for name in alpha_names:
        if name not in present_names:
            continue
        entry = {}
        if alpha_bounds[name] != DEFAULT_ALPHA_BOUNDS:
            entry["bounds"] = [list(alpha_bounds[name])]
        if rng.random() < 0.2:
            lo, hi = alpha_bounds[name]
            entry["inits"] = [_round(rng.uniform(max(lo, -1.5), min(hi, 1.5)))]
        if rng.random() < 0.1:
            entry["fixed"] = True
        if entry:
            parameters.append({"name": name, **entry})

    normfactors = sorted({n for n, t in present if t == "normfactor"})
    for name in normfactors:
        entry = {}
        if rng.random() < 0.3:
            upper = float(rng.choice([3.0, 5.0, 20.0]))
            lower = 0.0 if rng.random() < 0.7 else _round(rng.uniform(0.01, 0.5))
            if for_inference and name == poi_name:
                lower = 0.0
            entry["bounds"] = [[lower, upper]]
            entry["inits"] = [_round(rng.uniform(max(lower, 0.2), min(upper, 2.0)))]
        elif rng.random() < 0.2:
            entry["inits"] = [_round(rng.uniform(0.2, 3.0))]
        if name != poi_name and rng.random() < 0.15:
            entry["fixed"] = True
        if entry:
            parameters.append({"name": name, **entry})

    shapefactors = sorted({n for n, t in present if t == "shapefactor"})
    for name in shapefactors:
        n = int(name.split("_")[-1].removesuffix("bins"))
        if rng.random() < 0.3:
            parameters.append(
                {
                    "name": name,
                    "inits": [_round(rng.uniform(0.5, 2.0)) for _ in range(n)],
                    "bounds": [[0.0, float(rng.choice([5.0, 10.0, 15.0]))] for _ in range(n)],
                }
            )
        elif rng.random() < 0.1:
            parameters.append({"name": name, "fixed": True})

    for c in channel_names:
        name = f"staterror_{c}"
        if (name, "staterror") in present and rng.random() < 0.15:
            if rng.random() < 0.5:
                parameters.append({"name": name, "inits": [_round(rng.uniform(0.9, 1.1)) for _ in range(nbins[c])]})
            else:
                parameters.append({"name": name, "fixed": True})
        for s in channel_samples[c]:
            name = f"shapesys_{c}_{s}"
            if (name, "shapesys") in present and rng.random() < 0.15:
                parameters.append({"name": name, "inits": [_round(rng.uniform(0.9, 1.1)) for _ in range(nbins[c])]})

    if rng.random() < 0.1:  # an entry for a parameter the model does not have: pyhf ignores it
        parameters.append({"name": "not_in_model", "inits": [0.5], "bounds": [[0.0, 1.0]]})

    rng.shuffle(parameters)

    # assemble the spec; channels in generation order (not sorted), samples in random order
    channels = []
    for c in channel_names:
        samples = []
        for s in channel_samples[c]:
            mods = modifiers[c, s]
            order = rng.permutation(len(mods))
            samples.append({"name": s, "data": nominal[c, s], "modifiers": [mods[i] for i in order]})
        channels.append({"name": c, "samples": samples})

    observations = []
    integer_data = rng.random() < 0.7
    for c in channel_names:
        totals = np.sum([nominal[c, s] for s in channel_samples[c]], axis=0)
        if integer_data:
            counts = rng.poisson(totals)
            data = [int(x) for x in counts] if rng.random() < 0.5 else [float(x) for x in counts]
        else:
            data = [_round(x * rng.uniform(0.7, 1.3)) for x in totals]
        observations.append({"name": c, "data": data})
    rng.shuffle(observations)

    measurements = [{"name": "meas", "config": {"poi": poi_name, "parameters": parameters}}]
    if rng.random() < 0.15:
        # a second measurement: different POI (another normfactor if any), keeping only the lumi entry and the
        # α bounds (which the positivity guard relied on); no other overrides
        second_poi = normfactors[-1] if normfactors else poi_name
        kept = [copy.deepcopy(p) for p in parameters if p["name"] == "lumi"]
        kept += [
            {"name": p["name"], "bounds": p["bounds"]} for p in parameters if p["name"] in alpha_names and "bounds" in p
        ]
        measurements.append({"name": "alt_meas", "config": {"poi": second_poi, "parameters": kept}})

    spec = {"channels": channels, "observations": observations, "measurements": measurements, "version": "1.0.0"}
    settings = _weighted_settings(rng)
    if for_inference and effective_codes(settings)[1] == "code2":
        # pyhf's code2 jumps at |α| = 1 (refdata pyhf.md §4), so its likelihood has local minima on the jumps and
        # which one a fit ends in depends on the optimiser's path; fits are compared on the continuous codes.
        settings = {**(settings or {}), "histosys": {"interpcode": "code0"}}
    return spec, settings


def random_patch(spec, rng, avoid=()):
    """A jsonpatch (list of operations) on the *model spec* of ``spec``: adds a positive sample to one channel.

    The paths index the model spec's channel list, which is the workspace's channel list in spec order. The new
    sample's name is neither in the spec nor in ``avoid`` (names added by earlier patches applied before this one).
    """
    index = int(rng.integers(0, len(spec["channels"])))
    channel = spec["channels"][index]
    nbins = len(channel["samples"][0]["data"])
    taken = {s["name"] for s in channel["samples"]} | set(avoid)
    name = next(n for n in ("patched_sig", "a_patched", "zz_patched") if n not in taken)
    sample = {
        "name": name,
        "data": [_round(rng.uniform(0.5, 10.0)) for _ in range(nbins)],
        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
    }
    return [{"op": "add", "path": f"/channels/{index}/samples/0", "value": sample}]


def random_points(model, rng, n, scale=1.0):
    """n parameter points inside the model's suggested bounds (fixed parameters at their init).

    Each free coordinate is, at random, uniform over the bounds, close to the init, or (for parameters whose init
    is 0, i.e. normsys/histosys α) exactly on an interpolation branch point -1, 0 or +1. ``scale`` < 1 shrinks the
    box towards the init (used for published workspaces whose yields are not guaranteed positive everywhere).
    Coordinates stay a hair inside the bounds, so that a normfactor or γ is never exactly 0.
    """
    init = np.asarray(model.config.suggested_init(), dtype=float)
    bounds = np.asarray(model.config.suggested_bounds(), dtype=float).reshape(-1, 2)
    fixed = np.asarray(model.config.suggested_fixed(), dtype=bool)
    low = init - scale * (init - bounds[:, 0])
    high = init + scale * (bounds[:, 1] - init)
    margin = 1e-6 * (high - low)
    points = []
    for _ in range(n):
        uniform = rng.uniform(low, high)
        near = np.clip(init + 0.05 * (high - low) * rng.standard_normal(init.size), low + margin, high - margin)
        choice = rng.random(init.size)
        point = np.where(choice < 0.5, uniform, near)
        branch = (init == 0.0) & (low <= -1.0) & (high >= 1.0) & (rng.random(init.size) < 0.15)
        point[branch] = rng.choice([-1.0, 0.0, 1.0], size=int(branch.sum()))
        point = np.clip(point, np.minimum(low + margin, init), np.maximum(high - margin, init))
        point[fixed] = init[fixed]
        points.append(point)
    return points


# ---------------------------------------------------------------------------------------------------------------
# Self-check against pyhf


def _self_check(count=300):
    import collections
    import logging
    import time
    import warnings

    import pyhf

    logging.getLogger("pyhf").setLevel(logging.ERROR)  # "multiple measurements defined" for two-measurement specs
    pyhf.set_backend("numpy", precision="64b")
    start = time.perf_counter()
    modifier_counts = collections.Counter()
    workspaces_with = collections.Counter()
    code_counts = collections.Counter()
    settings_counts = collections.Counter()
    features = collections.Counter()
    rng = np.random.default_rng(7)
    n_points = 0
    for seed in range(count):
        spec, settings = random_workspace(seed)
        ws = pyhf.Workspace(spec)  # validates against the schema
        kwargs = {} if settings is None else {"modifier_settings": settings}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models = [ws.model(measurement_name=m["name"], **kwargs) for m in spec["measurements"]]
        model = models[0]
        normsys_code, histosys_code = effective_codes(settings)
        types = collections.Counter(m["type"] for ch in spec["channels"] for s in ch["samples"] for m in s["modifiers"])
        modifier_counts.update(types)
        workspaces_with.update(types.keys())
        settings_counts[repr(settings)] += 1
        if "normsys" in types:
            code_counts["normsys " + normsys_code] += 1
        if "histosys" in types:
            code_counts["histosys " + histosys_code] += 1
        names_by_type = collections.defaultdict(set)
        for ch in spec["channels"]:
            for s in ch["samples"]:
                for m in s["modifiers"]:
                    names_by_type[m["type"]].add(m["name"])
        if names_by_type["normsys"] & names_by_type["histosys"]:
            features["normsys+histosys share a name"] += 1
        fixed = model.config.suggested_fixed()
        for name in model.config.par_order:
            sl = model.config.par_slice(name)
            if name.startswith("shapesys") and any(fixed[sl]):
                features["shapesys with fixed gamma"] += 1
            if name.startswith("staterror") and any(fixed[sl]):
                features["staterror with fixed gamma"] += 1
        for ch in spec["channels"]:
            for s in ch["samples"]:
                for m in s["modifiers"]:
                    if m["type"] == "shapesys" and any(u == 0 for u in m["data"]):
                        features["shapesys zero-uncertainty bin"] += 1
                    if m["type"] == "shapesys" and any(x == 0 for x in s["data"]):
                        features["shapesys on a zero-nominal bin"] += 1
                    if m["type"] == "staterror" and any(u == 0 for u in m["data"]):
                        features["staterror zero-uncertainty bin"] += 1
            carriers = collections.Counter(
                m["name"] for s in ch["samples"] for m in s["modifiers"] if m["type"] == "staterror"
            )
            if any(k > 1 for k in carriers.values()):
                features["staterror carried by several samples"] += 1
        all_samples = {s["name"] for ch in spec["channels"] for s in ch["samples"]}
        if any({s["name"] for s in ch["samples"]} != all_samples for ch in spec["channels"]):
            features["sample absent from a channel"] += 1
        if len(spec["channels"]) > 1:
            counts = collections.Counter(
                (m["name"], m["type"])
                for ch in spec["channels"]
                for m in {(m["name"], m["type"]): m for s in ch["samples"] for m in s["modifiers"]}.values()
            )
            for (_name, kind), k in counts.items():
                if k > 1 and kind in ("normsys", "histosys", "normfactor", "shapefactor"):
                    features[f"{kind} shared across channels"] += 1
        if any(isinstance(x, float) and x != int(x) for o in spec["observations"] for x in o["data"]):
            features["non-integer observations"] += 1
        if len(spec["measurements"]) > 1:
            features["two measurements"] += 1
        params = spec["measurements"][0]["config"]["parameters"]
        if any(p.get("fixed") for p in params):
            features["measurement fixes a parameter"] += 1
        if any("bounds" in p and p["name"] != "lumi" for p in params):
            features["measurement overrides bounds"] += 1
        if any(p["name"] == "not_in_model" for p in params):
            features["unused measurement entry"] += 1
        for model in models:
            if model.config.poi_index is None:
                raise AssertionError(f"seed {seed}: no POI")
            fixed = np.asarray(model.config.suggested_fixed())
            data = np.asarray(ws.data(model))
            init = np.asarray(model.config.suggested_init())
            points = [init] + random_points(model, rng, 5)
            bounds = np.asarray(model.config.suggested_bounds(), dtype=float)
            for point in points:
                assert np.all(point >= bounds[:, 0]) and np.all(point <= bounds[:, 1]), (seed, point)
                value = model.logpdf(point, data)
                assert value.shape == (1,) and np.isfinite(value[0]), (seed, point, value)
                rates = np.asarray(model.expected_actualdata(point))
                assert np.all(rates > 0), (seed, point, rates)
                n_points += 1
            # positivity at the corners of the alpha box, the harshest points for the additive codes
            for corner in (bounds[:, 0], bounds[:, 1]):
                point = init.copy()
                alpha = (init == 0.0) & ~fixed
                point[alpha] = corner[alpha]
                assert np.all(np.asarray(model.expected_actualdata(point)) > 0), (seed, "corner")
                assert np.isfinite(model.logpdf(point, data)[0])
    elapsed = time.perf_counter() - start

    print(
        f"{count} random workspaces: all validated by pyhf {pyhf.__version__}; for every measurement's model, "
        f"logpdf finite and every bin positive at suggested init + 5 random points ({n_points} points) and at "
        f"the alpha-box corners"
    )
    print("modifiers (total count / workspaces using the type):")
    for kind in MODIFIER_TYPES:
        print(f"  {kind:12s} {modifier_counts[kind]:6d} / {workspaces_with[kind]}")
    print("effective interpolation codes (workspaces having that modifier type):")
    for key in ("normsys code1", "normsys code4", "histosys code0", "histosys code2", "histosys code4p"):
        print(f"  {key:16s} {code_counts[key]}")
    print("modifier_settings choices:")
    for key, value in sorted(settings_counts.items(), key=lambda kv: -kv[1]):
        print(f"  {value:4d}  {key}")
    print("features:")
    for key, value in sorted(features.items()):
        print(f"  {value:4d}  {key}")
    print(f"elapsed {elapsed:.1f} s")
    missing_types = [t for t in MODIFIER_TYPES if not workspaces_with[t]]
    missing_codes = [
        k
        for k in ("normsys code1", "normsys code4", "histosys code0", "histosys code2", "histosys code4p")
        if not code_counts[k]
    ]
    assert not missing_types and not missing_codes, (missing_types, missing_codes)


if __name__ == "__main__":
    import sys

    _self_check(int(sys.argv[1]) if len(sys.argv) > 1 else 300)

"""A HistFactory likelihood written directly in jax — the reference model of ``bench_losses.py``.

pyhf cannot build a model from traced yields under current jax, so to differentiate a loss with respect to the
numbers a model is built from, the likelihood is written here by hand, from the formulas of pyhf's documentation
(``docs/pyhf.md`` §1–4), and checked against pyhf 0.7.6's ``logpdf`` numerically (``bench_losses.py``).
No pyhf code is used.

``build_model(spec, poi_name, modifier_settings)`` takes a pyhf model spec (``{"channels": [...], "parameters":
[...]}``, e.g. from :func:`workspace_model_spec`) and returns a :class:`Structure` — the static part: channel, sample
and parameter order, index tables, interpolation codes — and the model's **inputs**: every number the spec holds
that the likelihood depends on, flattened (sample nominal yields, histosys ``hi_data``/``lo_data``, normsys
``hi``/``lo``, staterror and shapesys uncertainties), with names in neos-swift's ``model.inputs()`` convention
(``channel/sample/nominal[i]``, ``channel/sample/histosys/NAME/hi[i]``, ``channel/sample/normsys/NAME/lo``,
``channel/sample/staterror/NAME[i]``, ...). ``HistFactoryModel(structure, inputs)`` is an equinox Module whose
only array leaf is the inputs vector, with

* ``logpdf(data=..., pars=...)`` → scalar (relaxed 0.4.0's model protocol); ``pars`` is a dict {parameter name:
  value} (parameters missing from it — the fixed ones — take their init value), a packed dict
  {poi: μ, ``NUISANCE``: vector of the other free parameters} (``packed=True``), or a flat vector in pyhf's
  ``par_order``;
* ``expected_data(pars)``, ``main_rates(pars)``, ``auxdata()``.

Supported: normfactor, shapefactor, lumi, normsys (code1, code4), histosys (code0, code4p), staterror (σ from the
inputs, so its derivative with respect to the nominal yields is included), shapesys (τ from the inputs).
pyhf's ordering rules (channels sorted, samples sorted, parameters grouped by type, auxdata in parameter order) and
its defaults (no ``modifier_settings``: normsys code4 / histosys code4p; a type missing from given settings: code1 /
code0) are followed.

:func:`expected_cls_loss` is neos's ``"cls"`` loss on such a model with relaxed 0.4.0: ``relaxed.infer.hypotest(1,
asimov_bkg_only_data, model, init_pars, bounds, test_stat="q", expected_pars=bkg_only_pars)`` as a function of the
inputs vector. relaxed 0.4.0's ``fixed_poi_fit`` writes the POI into the parameter dict that jaxopt's LBFGSB is still
using as its iterate (the line search then fails with a pytree-structure error); importing this module replaces
``relaxed.infer.fixed_poi_fit`` with a version whose objective copies the dict first (otherwise identical).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)

import equinox as eqx  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import relaxed  # noqa: E402
from jax.scipy.special import gammaln, xlogy  # noqa: E402

TYPE_ORDER = ("histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror")
DEFAULT_CODES = {"normsys": "code4", "histosys": "code4p"}  # no modifier_settings at all
FALLBACK_CODES = {"normsys": "code1", "histosys": "code0"}  # a type missing from the given settings
NUISANCE = "__nuisance__"  # key of the packed nuisance vector
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)

# code4 (α₀ = 1): polynomial coefficients c = A⁻¹ b for b = [δ⁺−1, δ⁻−1, ln δ⁺·δ⁺, −ln δ⁻·δ⁻, ln² δ⁺·δ⁺, ln² δ⁻·δ⁻]
CODE4_AINV = np.array(
    [
        [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
        [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
        [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
        [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
        [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
        [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
    ]
)


# ---- spec helpers -----------------------------------------------------------------------------------------------


def workspace_model_spec(workspace: dict, patches=(), measurement_name: str | None = None) -> tuple[dict, str]:
    """``({"channels", "parameters"}, poi_name)`` of a workspace's measurement, with JSON patches applied to that
    model spec (as pyhf's ``Workspace.model`` does)."""
    import jsonpatch

    measurements = workspace["measurements"]
    measurement = (
        measurements[0] if measurement_name is None else next(m for m in measurements if m["name"] == measurement_name)
    )
    spec = {
        "channels": copy.deepcopy(workspace["channels"]),
        "parameters": copy.deepcopy(measurement["config"].get("parameters", [])),
    }
    for patch in patches:
        spec = jsonpatch.JsonPatch(getattr(patch, "patch", patch)).apply(spec)
    return spec, measurement["config"]["poi"]


def workspace_observed_main(workspace: dict, structure: Structure) -> np.ndarray:
    """The observed main-bin data in the model's channel order."""
    observations = {o["name"]: o["data"] for o in workspace["observations"]}
    return np.concatenate([np.asarray(observations[c], dtype=np.float64) for c in structure.channels])


# ---- the static structure ---------------------------------------------------------------------------------------


class _Paramset:
    def __init__(self, name, kind, n, inits, bounds, constraint, auxdata=None, sigmas=None, fixed=None):
        self.name, self.kind, self.n = name, kind, n
        self.inits, self.bounds = list(inits), [tuple(b) for b in bounds]
        self.constraint = constraint  # None, "gauss", "poisson"
        self.auxdata = None if auxdata is None else list(auxdata)
        self.sigmas = None if sigmas is None else list(sigmas)
        self.fixed = [False] * n if fixed is None else list(fixed)
        self.slot = -1  # first slot in the flat parameter vector


class Structure:
    """Everything about a model except its input numbers: orders, index tables (numpy), codes. Hashed by
    identity, so it can be a static field of an equinox Module."""

    def __init__(self, spec: dict, poi_name: str, modifier_settings: dict | None = None):
        channels = spec["channels"]
        self.poi_name = poi_name
        if modifier_settings is None:
            codes = dict(DEFAULT_CODES)
        else:
            codes = {
                kind: modifier_settings.get(kind, {}).get("interpcode", FALLBACK_CODES[kind]) for kind in FALLBACK_CODES
            }
        if codes["normsys"] not in ("code1", "code4") or codes["histosys"] not in ("code0", "code4p"):
            raise NotImplementedError(f"interpolation codes {codes}")
        self.codes = codes

        by_name = {c["name"]: c for c in channels}
        self.channels = sorted(by_name)
        self.nbins = {c: len(by_name[c]["samples"][0]["data"]) for c in self.channels}
        self.offset = {}
        total = 0
        for c in self.channels:
            self.offset[c] = total
            total += self.nbins[c]
        self.n_main = total
        self.samples = sorted({s["name"] for c in channels for s in c["samples"]})
        sample_index = {s: i for i, s in enumerate(self.samples)}
        S, B = len(self.samples), self.n_main

        # (channel, sample) → sample dict with modifiers sorted by (name, type)
        cells = {}
        for c in self.channels:
            for s in by_name[c]["samples"]:
                cells[(c, s["name"])] = {
                    **s,
                    "modifiers": sorted(s.get("modifiers", []), key=lambda m: (m["name"], m["type"])),
                }
        self.cells = cells

        # ---- inputs: names, values, and where each lives
        names: list[str] = []
        values: list[float] = []

        def add(name, value):
            names.append(name)
            values.append(float(value))
            return len(names) - 1

        nominal_index = {}  # (c, sample) → list of input indices
        modifier_inputs = {}  # (c, sample, name, type) → dict
        for c in self.channels:
            for sname in self.samples:
                cell = cells.get((c, sname))
                if cell is None:
                    continue
                nominal_index[(c, sname)] = [add(f"{c}/{sname}/nominal[{i}]", v) for i, v in enumerate(cell["data"])]
                for m in cell["modifiers"]:
                    key = (c, sname, m["name"], m["type"])
                    prefix = f"{c}/{sname}/{m['type']}/{m['name']}"
                    if m["type"] == "histosys":
                        modifier_inputs[key] = {
                            "hi": [add(f"{prefix}/hi[{i}]", v) for i, v in enumerate(m["data"]["hi_data"])],
                            "lo": [add(f"{prefix}/lo[{i}]", v) for i, v in enumerate(m["data"]["lo_data"])],
                        }
                    elif m["type"] == "normsys":
                        modifier_inputs[key] = {
                            "hi": add(f"{prefix}/hi", m["data"]["hi"]),
                            "lo": add(f"{prefix}/lo", m["data"]["lo"]),
                        }
                    elif m["type"] in ("staterror", "shapesys"):
                        modifier_inputs[key] = {"unc": [add(f"{prefix}[{i}]", v) for i, v in enumerate(m["data"])]}
        self.input_names = names
        self.input_values = np.asarray(values, dtype=np.float64)
        N = len(names)
        ZERO = N  # x_ext = [inputs..., 0.0]

        # ---- parameters (pyhf's ordering: type groups, first met over channels → samples → modifiers)
        paramsets: dict[str, _Paramset] = {}
        order: list[str] = []
        config = {p["name"]: p for p in spec.get("parameters", [])}
        nominal_values = {k: np.asarray(cells[k]["data"], dtype=np.float64) for k in nominal_index}

        def staterror_sigmas(name):
            per_channel = [
                c
                for c in self.channels
                if any(
                    m["name"] == name and m["type"] == "staterror"
                    for s in self.samples
                    if (c, s) in cells
                    for m in cells[(c, s)]["modifiers"]
                )
            ]
            if len(per_channel) != 1:
                raise NotImplementedError(f"staterror {name} spans channels {per_channel}")
            c = per_channel[0]
            total = np.zeros(self.nbins[c])
            carriers = []
            for s in self.samples:
                if (c, s) in cells and any(
                    m["name"] == name and m["type"] == "staterror" for m in cells[(c, s)]["modifiers"]
                ):
                    total += nominal_values[(c, s)]
                    m = next(m for m in cells[(c, s)]["modifiers"] if m["name"] == name and m["type"] == "staterror")
                    carriers.append((s, np.asarray(m["data"], dtype=np.float64)))
            sq = np.zeros(self.nbins[c])
            for _, unc in carriers:
                sq += np.where(total > 0, (unc / np.where(total > 0, total, 1.0)) ** 2, 0.0)
            return c, np.sqrt(sq)

        def make(name, kind, c, sname, m):
            n_c = self.nbins[c]
            if kind == "normfactor":
                return _Paramset(name, kind, 1, [1.0], [(0.0, 10.0)], None)
            if kind == "shapefactor":
                return _Paramset(name, kind, n_c, [1.0] * n_c, [(0.0, 10.0)] * n_c, None)
            if kind == "lumi":
                cfg = config.get(name, {})
                return _Paramset(name, kind, 1, cfg["inits"], cfg["bounds"], "gauss", cfg["auxdata"], cfg["sigmas"])
            if kind in ("normsys", "histosys"):
                return _Paramset(name, kind, 1, [0.0], [(-5.0, 5.0)], "gauss", [0.0], [1.0])
            if kind == "shapesys":
                nom = nominal_values[(c, sname)]
                unc = np.asarray(m["data"], dtype=np.float64)
                valid = (nom > 0) & (unc > 0)
                tau = np.where(valid, (nom / np.where(valid, unc, 1.0)) ** 2, 1.0)
                ps = _Paramset(
                    name,
                    kind,
                    n_c,
                    [1.0] * n_c,
                    [(1e-10, 10.0)] * n_c,
                    "poisson",
                    list(tau),
                    None,
                    [not v for v in valid],
                )
                ps.valid = list(valid)  # invalid bins: τ = 1, aux 1, γ fixed
                return ps
            if kind == "staterror":
                _, sigma = staterror_sigmas(name)
                zero = sigma == 0
                ps = _Paramset(
                    name,
                    kind,
                    n_c,
                    [1.0] * n_c,
                    [(1e-10, 10.0)] * n_c,
                    "gauss",
                    [1.0] * n_c,
                    list(np.where(zero, 1.0, sigma)),
                    list(zero),
                )
                ps.sigma_zero = list(zero)  # σ = 0: γ fixed, σ reset to 1
                return ps
            raise NotImplementedError(f"modifier type {kind}")

        for kind in TYPE_ORDER:
            met = []
            for c in self.channels:
                for sname in self.samples:
                    if (c, sname) not in cells:
                        continue
                    for m in cells[(c, sname)]["modifiers"]:
                        if m["type"] == kind and m["name"] not in paramsets and m["name"] not in [x[0] for x in met]:
                            met.append((m["name"], c, sname, m))
            if kind == "staterror":
                met.sort(key=lambda item: item[0])
            for name, c, sname, m in met:
                ps = make(name, kind, c, sname, m)
                cfg = config.get(name)
                if cfg is not None:
                    for key in ("inits", "bounds", "auxdata", "sigmas", "fixed"):
                        if key in cfg:
                            if key == "fixed":
                                ps.fixed = [bool(cfg["fixed"])] * ps.n
                            elif key == "bounds":
                                ps.bounds = [tuple(b) for b in cfg["bounds"]]
                            else:
                                setattr(ps, key, list(cfg[key]))
                paramsets[name] = ps
                order.append(name)
        slot = 0
        for name in order:
            paramsets[name].slot = slot
            slot += paramsets[name].n
        self.par_order = order
        self.paramsets = paramsets
        self.n_pars = slot
        if poi_name not in paramsets or paramsets[poi_name].n != 1:
            raise ValueError(f"POI {poi_name!r} must be a scalar parameter")
        P = slot
        ONE_PAR = P  # theta_ext = [theta..., 1.0]

        # ---- main-rate tables
        nom_idx = np.full((S, B), ZERO, dtype=np.int64)
        for (c, sname), idx in nominal_index.items():
            nom_idx[sample_index[sname], self.offset[c] : self.offset[c] + self.nbins[c]] = idx
        self.nom_idx = nom_idx

        hist_rows = {"code0": [], "code4p": []}  # per entry: (param slot, s, hi[B], lo[B], nom_pos[B])
        norm_rows = []  # per entry: (param slot, s, c, hi, lo)
        mult = [[[] for _ in range(B)] for _ in range(S)]  # per (s, b): parameter slots multiplying it
        for c in self.channels:
            o, n_c = self.offset[c], self.nbins[c]
            for sname in self.samples:
                if (c, sname) not in cells:
                    continue
                s = sample_index[sname]
                for m in cells[(c, sname)]["modifiers"]:
                    kind, ps = m["type"], paramsets[m["name"]]
                    key = (c, sname, m["name"], kind)
                    if kind == "histosys":
                        hi = np.full(B, ZERO)
                        lo = np.full(B, ZERO)
                        pos = np.full(B, S * B)  # position in flat nominal ext (zero)
                        hi[o : o + n_c] = modifier_inputs[key]["hi"]
                        lo[o : o + n_c] = modifier_inputs[key]["lo"]
                        pos[o : o + n_c] = s * B + np.arange(o, o + n_c)
                        hist_rows[codes["histosys"]].append((ps.slot, s, hi, lo, pos))
                    elif kind == "normsys":
                        norm_rows.append((ps.slot, s, c, modifier_inputs[key]["hi"], modifier_inputs[key]["lo"]))
                    elif kind in ("normfactor", "lumi"):
                        for b in range(o, o + n_c):
                            mult[s][b].append(ps.slot)
                    elif kind in ("shapefactor", "shapesys", "staterror"):
                        for i, b in enumerate(range(o, o + n_c)):
                            mult[s][b].append(ps.slot + i)
                    else:
                        raise NotImplementedError(f"modifier type {kind}")

        self.hist = {}
        hist_sum = [[[] for _ in range(B)] for _ in range(S)]  # per (s, b): positions in the flat delta vector
        offset = 0
        for code in ("code0", "code4p"):
            rows = hist_rows[code]
            if not rows:
                continue
            self.hist[code] = {
                "slot": np.array([r[0] for r in rows]),
                "hi": np.stack([r[2] for r in rows]),
                "lo": np.stack([r[3] for r in rows]),
                "nom": np.stack([r[4] for r in rows]),
                "offset": offset,
            }
            for k, (_, s, _, _, pos) in enumerate(rows):
                for b in range(B):
                    if pos[b] != S * B:
                        hist_sum[s][b].append(offset + k * B + b)
            offset += len(rows) * B
        self.n_hist_flat = offset
        self.hist_sum_idx = _pad(hist_sum, offset)  # pad → zero slot of the delta vector

        self.norm = None
        norm_prod = [[[] for _ in range(B)] for _ in range(S)]
        if norm_rows:
            self.norm = {
                "slot": np.array([r[0] for r in norm_rows]),
                "hi": np.array([r[3] for r in norm_rows]),
                "lo": np.array([r[4] for r in norm_rows]),
            }
            for k, (_, s, c, _, _) in enumerate(norm_rows):
                for b in range(self.offset[c], self.offset[c] + self.nbins[c]):
                    norm_prod[s][b].append(k)
        self.norm_prod_idx = _pad(norm_prod, len(norm_rows))  # pad → factor 1
        self.mult_idx = _pad(mult, ONE_PAR)  # pad → 1.0

        # ---- constraints and auxdata (constrained parameters in par_order)
        gauss_slot, gauss_aux, gauss_sigma = [], [], []
        stat_slot, stat_aux, stat_nom, stat_unc, stat_fixed = [], [], [], [], []
        pois_slot, pois_aux, pois_nom, pois_unc, pois_valid = [], [], [], [], []
        aux_default: list[Any] = []  # float, or ("tau", k) for shapesys
        aux_pos = self.n_main
        for name in order:
            ps = paramsets[name]
            if ps.constraint is None:
                continue
            for i in range(ps.n):
                if ps.kind == "staterror":
                    c, _ = staterror_sigmas(name)
                    noms, uncs = [], []
                    for sname in self.samples:
                        if (c, sname) in cells and (c, sname, name, "staterror") in modifier_inputs:
                            noms.append(nominal_index[(c, sname)][i])
                            uncs.append(modifier_inputs[(c, sname, name, "staterror")]["unc"][i])
                    stat_slot.append(ps.slot + i)
                    stat_aux.append(aux_pos)
                    stat_nom.append(noms)
                    stat_unc.append(uncs)
                    stat_fixed.append(bool(ps.sigma_zero[i]))
                    aux_default.append(float(ps.auxdata[i]))
                elif ps.constraint == "gauss":
                    gauss_slot.append(ps.slot + i)
                    gauss_aux.append(aux_pos)
                    gauss_sigma.append(float(ps.sigmas[i]))
                    aux_default.append(float(ps.auxdata[i]))
                else:  # shapesys
                    key = next(k for k in modifier_inputs if k[2] == name and k[3] == "shapesys")
                    c, sname = key[0], key[1]
                    pois_slot.append(ps.slot + i)
                    pois_aux.append(aux_pos)
                    pois_nom.append(nominal_index[(c, sname)][i])
                    pois_unc.append(modifier_inputs[key]["unc"][i])
                    pois_valid.append(bool(ps.valid[i]))
                    aux_default.append(("tau", len(pois_slot) - 1))
                aux_pos += 1
        self.n_data = aux_pos
        self.gauss = {
            "slot": np.array(gauss_slot, dtype=np.int64),
            "aux": np.array(gauss_aux, dtype=np.int64),
            "sigma": np.array(gauss_sigma),
        }
        self.stat = {
            "slot": np.array(stat_slot, dtype=np.int64),
            "aux": np.array(stat_aux, dtype=np.int64),
            "nom": _pad(stat_nom, ZERO),
            "unc": _pad(stat_unc, ZERO),
            "fixed": np.array(stat_fixed, dtype=bool),
        }
        self.pois = {
            "slot": np.array(pois_slot, dtype=np.int64),
            "aux": np.array(pois_aux, dtype=np.int64),
            "nom": np.array(pois_nom, dtype=np.int64),
            "unc": np.array(pois_unc, dtype=np.int64),
            "valid": np.array(pois_valid, dtype=bool),
        }
        self.aux_default = aux_default

    # ---- parameter helpers (numpy, pyhf's par_order) ----------------------------------------------------------

    def suggested_init(self) -> np.ndarray:
        return np.concatenate([self.paramsets[n].inits for n in self.par_order]).astype(np.float64)

    def suggested_bounds(self) -> np.ndarray:
        return np.array([b for n in self.par_order for b in self.paramsets[n].bounds], dtype=np.float64)

    def suggested_fixed(self) -> np.ndarray:
        return np.array([f for n in self.par_order for f in self.paramsets[n].fixed], dtype=bool)

    def free_names(self) -> list[str]:
        """Parameters that are fitted (none of their entries fixed)."""
        out = []
        for name in self.par_order:
            fixed = self.paramsets[name].fixed
            if any(fixed) and not all(fixed):
                raise NotImplementedError(
                    f"parameter {name} is partly fixed; relaxed's dict fits need whole parameters"
                )
            if not any(fixed):
                out.append(name)
        return out

    def _value(self, name, vector):
        ps = self.paramsets[name]
        v = jnp.asarray(vector[ps.slot : ps.slot + ps.n], dtype=jnp.float64)
        return v[0] if ps.n == 1 else v

    def pars_dict(self, vector=None, packed=False) -> dict[str, jax.Array]:
        """Free parameters as relaxed's dict, from a flat vector in par_order (default: the suggested init).
        ``packed``: {poi: μ, NUISANCE: the other free parameters concatenated in par_order}."""
        vector = self.suggested_init() if vector is None else np.asarray(vector, dtype=np.float64)
        names = self.free_names()
        if not packed:
            return {n: self._value(n, vector) for n in names}
        rest = [n for n in names if n != self.poi_name]
        return {
            self.poi_name: self._value(self.poi_name, vector),
            NUISANCE: jnp.concatenate([jnp.atleast_1d(self._value(n, vector)) for n in rest]),
        }

    def bounds_dict(self, packed=False) -> dict[str, jax.Array]:
        names = self.free_names()

        def bounds(n):
            ps = self.paramsets[n]
            return jnp.asarray(ps.bounds[0] if ps.n == 1 else ps.bounds, dtype=jnp.float64)

        if not packed:
            return {n: bounds(n) for n in names}
        rest = [n for n in names if n != self.poi_name]
        return {
            self.poi_name: bounds(self.poi_name),
            NUISANCE: jnp.asarray([b for n in rest for b in self.paramsets[n].bounds], dtype=jnp.float64),
        }

    def theta(self, pars) -> jax.Array:
        """The flat parameter vector (par_order) from a relaxed dict (per-name or packed) or a flat vector."""
        if not isinstance(pars, dict):
            return jnp.asarray(pars, dtype=jnp.float64).reshape(self.n_pars)
        init = self.suggested_init()
        if NUISANCE in pars:
            rest = [n for n in self.free_names() if n != self.poi_name]
            nuisance = pars[NUISANCE]
            unpacked = {self.poi_name: pars[self.poi_name]}
            start = 0
            for n in rest:
                k = self.paramsets[n].n
                unpacked[n] = nuisance[start] if k == 1 else nuisance[start : start + k]
                start += k
            pars = unpacked
        parts = []
        for name in self.par_order:
            ps = self.paramsets[name]
            value = pars[name] if name in pars else init[ps.slot : ps.slot + ps.n]
            parts.append(jnp.reshape(jnp.asarray(value, dtype=jnp.float64), (ps.n,)))
        return jnp.concatenate(parts)


def _pad(lists, fill) -> np.ndarray:
    """Nested lists whose innermost level is ragged (e.g. [S][B][ragged] or [J][ragged]) → a dense int array
    padded with ``fill`` (at least one column)."""
    shape = []
    level = lists
    while level and isinstance(level[0], list) and level[0] and isinstance(level[0][0], list):
        shape.append(len(level))
        level = level[0]
    shape.append(len(level))
    flat = lists
    for _ in range(len(shape) - 1):
        flat = [item for sub in flat for item in sub]
    width = max([1] + [len(x) for x in flat])
    out = np.full((len(flat), width), fill, dtype=np.int64)
    for i, x in enumerate(flat):
        out[i, : len(x)] = x
    return out.reshape(*shape, width)


# ---- interpolation ----------------------------------------------------------------------------------------------


def _code0(alpha, nom, hi, lo):
    return jnp.where(alpha > 0, alpha * (hi - nom), alpha * (nom - lo))


def _code4p(alpha, nom, hi, lo):
    up, down = hi - nom, nom - lo
    s = 0.5 * (up + down)
    a = 0.0625 * (up - down)
    inner = alpha * (s + alpha * a * (15.0 + alpha * alpha * (3.0 * alpha * alpha - 10.0)))
    return jnp.where(alpha > 1.0, alpha * up, jnp.where(alpha < -1.0, alpha * down, inner))


def _code1(alpha, hi, lo):
    return jnp.where(alpha > 0, hi**alpha, lo ** (-alpha))


def _code4(alpha, hi, lo):
    log_hi, log_lo = jnp.log(hi), jnp.log(lo)
    b = jnp.stack([hi - 1.0, lo - 1.0, log_hi * hi, -log_lo * lo, log_hi**2 * hi, log_lo**2 * lo])
    c = jnp.asarray(CODE4_AINV) @ b  # (6, K)
    powers = jnp.stack([alpha**i for i in range(1, 7)])  # (6, K)
    inner = 1.0 + jnp.sum(c * powers, axis=0)
    # the exponential branches with a safe exponent inside the polynomial region (finite gradients everywhere)
    up = jnp.exp(jnp.where(alpha >= 1.0, alpha, 1.0) * log_hi)
    down = jnp.exp(-jnp.where(alpha <= -1.0, alpha, -1.0) * log_lo)
    return jnp.where(alpha >= 1.0, up, jnp.where(alpha <= -1.0, down, inner))


# ---- the model --------------------------------------------------------------------------------------------------


class HistFactoryModel(eqx.Module):
    """A HistFactory model as a function of its inputs vector; ``logpdf(data=..., pars=...)`` returns a scalar."""

    structure: Structure = eqx.field(static=True)
    inputs: jax.Array

    def _x(self):
        return jnp.concatenate([jnp.asarray(self.inputs, dtype=jnp.float64), jnp.zeros(1)])

    def nominal(self) -> jax.Array:
        """(samples, bins) nominal yields (zero where a sample is absent)."""
        return self._x()[self.structure.nom_idx]

    def main_rates(self, pars) -> jax.Array:
        st = self.structure
        theta = st.theta(pars)
        x = self._x()
        nominal = x[st.nom_idx]  # (S, B)
        nominal_flat = jnp.concatenate([nominal.reshape(-1), jnp.zeros(1)])
        deltas = []
        for code, h in st.hist.items():
            fn = _code0 if code == "code0" else _code4p
            alpha = theta[h["slot"]][:, None]
            deltas.append(fn(alpha, nominal_flat[h["nom"]], x[h["hi"]], x[h["lo"]]).reshape(-1))
        delta_flat = jnp.concatenate(deltas + [jnp.zeros(1)])
        shifted = nominal + jnp.sum(delta_flat[st.hist_sum_idx], axis=-1)
        factor = jnp.prod(jnp.concatenate([theta, jnp.ones(1)])[st.mult_idx], axis=-1)
        if st.norm is not None:
            n = st.norm
            fn = _code4 if st.codes["normsys"] == "code4" else _code1
            f = fn(theta[n["slot"]], x[n["hi"]], x[n["lo"]])
            factor = factor * jnp.prod(jnp.concatenate([f, jnp.ones(1)])[st.norm_prod_idx], axis=-1)
        return jnp.sum(factor * shifted, axis=0)

    def _staterror_sigma(self):
        st = self.structure
        x = self._x()
        total = jnp.sum(x[st.stat["nom"]], axis=-1)
        unc = x[st.stat["unc"]]
        safe_total = jnp.where(st.stat["fixed"], 1.0, total)
        sigma = jnp.sqrt(jnp.sum((unc / safe_total[:, None]) ** 2, axis=-1))
        return jnp.where(st.stat["fixed"], 1.0, sigma)

    def _tau(self):
        st = self.structure
        x = self._x()
        valid = st.pois["valid"]
        unc = jnp.where(valid, x[st.pois["unc"]], 1.0)
        return jnp.where(valid, (x[st.pois["nom"]] / unc) ** 2, 1.0)

    def auxdata(self) -> jax.Array:
        """The model's own auxiliary data (Gaussian: the configured aux; Poisson: τ)."""
        st = self.structure
        tau = self._tau() if len(st.pois["slot"]) else None
        return (
            jnp.stack(
                [tau[a[1]] if isinstance(a, tuple) else jnp.asarray(a, dtype=jnp.float64) for a in st.aux_default]
            )
            if st.aux_default
            else jnp.zeros(0)
        )

    def expected_auxdata(self, pars) -> jax.Array:
        st = self.structure
        theta = st.theta(pars)
        aux = jnp.zeros(st.n_data - st.n_main)
        base = st.n_main
        if len(st.gauss["slot"]):
            aux = aux.at[st.gauss["aux"] - base].set(theta[st.gauss["slot"]])
        if len(st.stat["slot"]):
            aux = aux.at[st.stat["aux"] - base].set(theta[st.stat["slot"]])
        if len(st.pois["slot"]):
            aux = aux.at[st.pois["aux"] - base].set(theta[st.pois["slot"]] * self._tau())
        return aux

    def expected_data(self, pars, include_auxdata=True) -> jax.Array:
        main = self.main_rates(pars)
        return jnp.concatenate([main, self.expected_auxdata(pars)]) if include_auxdata else main

    def logpdf(self, data, pars) -> jax.Array:
        st = self.structure
        theta = st.theta(pars)
        data = jnp.asarray(data, dtype=jnp.float64)
        observed = data[: st.n_main]
        rates = self.main_rates(theta)
        total = jnp.sum(xlogy(observed, rates) - rates - gammaln(observed + 1.0))
        if len(st.gauss["slot"]):
            a, mu, sigma = data[st.gauss["aux"]], theta[st.gauss["slot"]], jnp.asarray(st.gauss["sigma"])
            total += jnp.sum(-0.5 * ((a - mu) / sigma) ** 2 - jnp.log(sigma) - LOG_SQRT_2PI)
        if len(st.stat["slot"]):
            a, mu, sigma = data[st.stat["aux"]], theta[st.stat["slot"]], self._staterror_sigma()
            total += jnp.sum(-0.5 * ((a - mu) / sigma) ** 2 - jnp.log(sigma) - LOG_SQRT_2PI)
        if len(st.pois["slot"]):
            a = data[st.pois["aux"]]
            rate = theta[st.pois["slot"]] * self._tau()
            total += jnp.sum(xlogy(a, rate) - rate - gammaln(a + 1.0))
        return total


def build_model(spec: dict, poi_name: str = "mu", modifier_settings: dict | None = None):
    """``(structure, inputs)``: the static structure and the inputs vector (numpy) of a pyhf model spec."""
    structure = Structure(spec, poi_name, modifier_settings)
    return structure, structure.input_values.copy()


# ---- relaxed 0.4.0: the fixed_poi_fit fix and neos's "cls" loss -------------------------------------------------

from relaxed_fixes import fixed_poi_fit  # noqa: E402,F401  (installs relaxed 0.4.0's fix)


def expected_cls_loss(structure: Structure, test_poi: float = 1.0, packed: bool = False):
    """neos's "cls" loss as a function of the inputs vector: CLs of the "q" test at ``test_poi`` on the
    background-only Asimov data (free parameters at their init, POI 0), with relaxed 0.4.0's hypotest — only the
    constrained fit runs, the background-only parameters are the unconstrained MLE by construction."""
    poi = structure.poi_name
    init = structure.pars_dict(packed=packed)
    bounds = structure.bounds_dict(packed=packed)
    bkg_only = {**init, poi: jnp.asarray(0.0)}

    def loss(inputs):
        model = HistFactoryModel(structure, inputs)
        data = model.expected_data(bkg_only)
        return relaxed.infer.hypotest(
            test_poi, data, model, dict(init), dict(bounds), poi_name=poi, test_stat="q", expected_pars=dict(bkg_only)
        )

    return loss

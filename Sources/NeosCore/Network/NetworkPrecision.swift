/// The floating-point type a ``MultilayerPerceptron``'s layers are evaluated in (the trainer's `precision` key).
///
/// Only the network is affected: its inputs and weights are rounded to the layers' type on the way in, its
/// output and parameter gradient are widened to Double on the way out, and everything after it (histograms, the
/// HistFactory model, fits, CLs) and the optimiser's parameters and moments stay float64. In float32 the dense
/// layers run through sgemm, which moves half the bytes of dgemm and does twice the multiply-adds per vector
/// instruction, at float32's rounding (2⁻²⁴ ≈ 6e-8 relative per operation) in the network's activations and
/// gradient.
public enum NetworkPrecision: String, Sendable, CaseIterable {
    /// Every layer in Double (the default; dgemm).
    case float64
    /// Every layer in Float (sgemm), converted to and from Double at the network's boundary.
    case float32
}

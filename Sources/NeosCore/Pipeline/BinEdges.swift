/// neos's ordering guard for trainable bin edges: e′_0 = e_0 and e′_i = e_i if e_i > e_{i−1}, else
/// e_{i−1} + gap, where the comparison and the replacement use the *unguarded* previous edge (as neos does).
/// The histogram then always sees increasing edges, even after an optimiser step swaps two of them.
public enum BinEdgeGuard {
    /// The guarded edges, as many as `edges`: an edge not above its raw predecessor becomes that predecessor plus `gap`.
    public static func apply(_ edges: [Double], gap: Double = 1e-4) -> [Double] {
        var out = edges
        for i in 1..<max(edges.count, 1) where !(edges[i] > edges[i - 1]) { out[i] = edges[i - 1] + gap }
        return out
    }

    /// The cotangent on the raw edges from one on the guarded edges: a replaced edge passes its cotangent to
    /// the previous raw edge instead of its own.
    public static func vjp(_ cotangent: [Double], edges: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: edges.count)
        for i in 0..<edges.count {
            if i == 0 || edges[i] > edges[i - 1] { out[i] += cotangent[i] } else { out[i - 1] += cotangent[i] }
        }
        return out
    }
}

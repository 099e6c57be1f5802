/// What inference needs from a statistical model. HistFactory's `Model` conforms; so can any hand-written
/// likelihood (tests use small closed-form ones).
///
/// Conventions follow pyhf: `data` is the main bins followed by the auxiliary data; NLL = −logpdf.
public protocol LikelihoodModel: Sendable {
    var parameterCount: Int { get }
    /// pyhf's par_names (name[i] for vector parameters); used in messages.
    var parameterNames: [String] { get }
    var poiIndex: Int? { get }
    var suggestedInit: [Double] { get }
    var suggestedBounds: [(lower: Double, upper: Double)] { get }
    var suggestedFixed: [Bool] { get }
    func logpdf(_ pars: [Double], data: [Double]) throws -> Double
    /// ∇_θ NLL.
    func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double]
    /// ∇²_θ NLL, row-major.
    func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double]
    /// Expected main data followed, when `includeAuxdata`, by the expected auxiliary data.
    func expectedData(_ pars: [Double], includeAuxdata: Bool) throws -> [Double]
    /// Per parameter, the sorted values where the likelihood is not smooth (kinks or jumps of an interpolation).
    var parameterBreakpoints: [[Double]] { get }
    /// log L along coordinates: for each parameter p, with p replaced by each of `values[p]` (the others as in
    /// `pars`); the fits' probes for lower basins. The default evaluates `logpdf` once per value; a model can
    /// recompute only what depends on each parameter.
    func logpdfAlongCoordinates(_ pars: [Double], data: [Double], values: [[Double]]) throws -> [[Double]]
    /// logpdf(a) − logpdf(b), the quantity test statistics are made of. The default subtracts the two values; a
    /// model can sum the difference term by term and keep the precision that √q needs near q = 0.
    func logpdfDifference(_ a: [Double], _ b: [Double], data: [Double]) throws -> Double
    /// The iteration cap and EDM tolerance of every fit of this model whose configuration names none
    /// (FitOptions.swift); the default is `FitOptions.defaults`.
    var fitOptions: FitOptions { get }
}

extension LikelihoodModel {
    /// No breakpoints: the likelihood is smooth in every parameter.
    public var parameterBreakpoints: [[Double]] { [] }
    /// `logpdf` once per value.
    public func logpdfAlongCoordinates(_ pars: [Double], data: [Double], values: [[Double]]) throws -> [[Double]] {
        try values.enumerated().map { index, list in
            try list.map { value in
                var point = pars
                point[index] = value
                return try logpdf(point, data: data)
            }
        }
    }
    /// `par0`, `par1`, … .
    public var parameterNames: [String] { (0..<parameterCount).map { "par\($0)" } }
    /// The plain difference of the two `logpdf` values.
    public func logpdfDifference(_ a: [Double], _ b: [Double], data: [Double]) throws -> Double {
        try logpdf(a, data: data) - logpdf(b, data: data)
    }
}

extension Model: LikelihoodModel {}

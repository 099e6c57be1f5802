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
}

extension LikelihoodModel {
    public var parameterBreakpoints: [[Double]] { [] }
    public var parameterNames: [String] { (0..<parameterCount).map { "par\($0)" } }
}

extension Model: LikelihoodModel {}

/// How the network's outputs become each event set's histogram (the `summary` key of ``TrainerConfiguration``).
public enum PipelineSummary: Sendable, Equatable {
    /// neos's summary: one network output per event, binned by a KDE with (trainable) edges at the pipeline's
    /// bandwidth in training, and at the evaluation bandwidth (0: an ordinary histogram) for the test metrics.
    case kde
    /// INFERNO's summary (de Castro & Dorigo, CPC 244 (2019) 170): one network output per bin, soft counts
    /// ``SoftmaxHistogram/counts(logits:bins:temperature:weights:)`` at this temperature in training, and the
    /// argmax histogram ``SoftmaxHistogram/hardCounts(logits:bins:weights:)`` for the test metrics. Bin edges and
    /// bandwidths have no meaning here.
    case softmax(temperature: Double)

    /// The configuration name: "kde" or "softmax".
    public var name: String {
        switch self {
        case .kde: return "kde"
        case .softmax: return "softmax"
        }
    }

    /// The network outputs per event this summary reads for `bins` bins.
    public func outputCount(bins: Int) -> Int {
        switch self {
        case .kde: return 1
        case .softmax: return bins
        }
    }
}

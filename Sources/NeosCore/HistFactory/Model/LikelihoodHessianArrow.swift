// ∇²_θ NLL in block-arrow form (Math/ArrowMatrix.swift), for fits of models with many bin-local parameters.
//
// A parameter whose entries all lie in one bin (a shapesys, staterror or shapefactor γ, or anything on a one-bin
// channel) is *local* to that bin: its Hessian row is non-zero only at the other parameters of that bin, and its
// constraint is its own. The others are *global*. Locals are grouped by bin; each group couples to the globals that
// touch its bin. The accumulation is that of `nllHessian` (LikelihoodHessian.swift), term for term, with each
// (p, q) contribution stored where the arrow form keeps it instead of at p·n + q: the cost and memory are linear in
// the entries, where the dense matrix is quadratic in the parameters.

/// Which parameters of a model are bin-local, and the zero block-arrow matrix of its NLL Hessian, computed once
/// per fit.
struct ArrowHessianLayout: Sendable {
    /// The zero matrix with the model's structure.
    let template: ArrowMatrix
    /// The group of each main bin's local parameters, −1 where the bin has none.
    let groupOfBin: [Int]
}

extension ModelStructure {
    /// Fewer bin-local parameters than this keep the dense Hessian: its LAPACK factorisation is then fast (128³/3
    /// flops is well under a millisecond), and the fits of such models stay exactly what they were.
    static let arrowHessianMinimumLocals = 128

    /// The block-arrow layout of the NLL Hessian, or nil when the model has fewer than `minimumLocals` bin-local
    /// parameters (by default `arrowHessianMinimumLocals`: below it the arrow form does not pay; tests ask for 0).
    func arrowHessianLayout(minimumLocals: Int = arrowHessianMinimumLocals) -> ArrowHessianLayout? {
        let unseen = -2
        let shared = -1
        // binOf[p]: the one bin p's entries lie in, `shared` for several bins, `unseen` for none.
        var binOf = [Int](repeating: unseen, count: parameterCount)
        for p in 0..<parameterCount {
            for e in parameterEntries[parameterEntryStart[p]..<parameterEntryStart[p + 1]] {
                if binOf[p] == unseen {
                    binOf[p] = entryBin[e]
                } else if binOf[p] != entryBin[e] {
                    binOf[p] = shared
                    break
                }
            }
        }
        let globals = (0..<parameterCount).filter { binOf[$0] == shared }
        guard parameterCount - globals.count >= minimumLocals else { return nil }
        var globalPosition = [Int](repeating: -1, count: parameterCount)
        for (position, p) in globals.enumerated() { globalPosition[p] = position }

        var localsOfBin = [[Int]](repeating: [], count: mainBinCount)
        var untouched: [Int] = []
        for p in 0..<parameterCount where binOf[p] != shared {
            if binOf[p] == unseen { untouched.append(p) } else { localsOfBin[binOf[p]].append(p) }
        }
        var groupStart = [0]
        var locals: [Int] = []
        var columnStart = [0]
        var couplingColumns: [Int] = []
        var groupOfBin = [Int](repeating: -1, count: mainBinCount)
        var marked = [Bool](repeating: false, count: globals.count)
        var columns: [Int] = []
        for b in 0..<mainBinCount where !localsOfBin[b].isEmpty {
            groupOfBin[b] = groupStart.count - 1
            locals.append(contentsOf: localsOfBin[b])
            groupStart.append(locals.count)
            // The globals that move this bin's rate: its entries' factor and additive parameters.
            columns.removeAll(keepingCapacity: true)
            for e in binEntryStart[b]..<binEntryStart[b + 1] {
                let parameters =
                    factorParam[entryFactorStart[e]..<entryFactorStart[e + 1]]
                    + addParam[entryAddStart[e]..<entryAddStart[e + 1]]
                for p in parameters where globalPosition[p] >= 0 && !marked[globalPosition[p]] {
                    marked[globalPosition[p]] = true
                    columns.append(globalPosition[p])
                }
            }
            columns.sort()
            for column in columns { marked[column] = false }
            couplingColumns.append(contentsOf: columns)
            columnStart.append(couplingColumns.count)
        }
        // Parameters no entry depends on (their rows hold at most their own constraint): one group each.
        for p in untouched {
            locals.append(p)
            groupStart.append(locals.count)
            columnStart.append(couplingColumns.count)
        }
        let template = ArrowMatrix(
            size: parameterCount, globals: globals, groupStart: groupStart, locals: locals, columnStart: columnStart,
            couplingColumns: couplingColumns)
        return ArrowHessianLayout(template: template, groupOfBin: groupOfBin)
    }

    /// ∇²_θ NLL in the block-arrow form of `layout`.
    ///
    /// With `gradient` (zeros, length parameterCount) it also adds ∇_θ NLL there, bit for bit `nllGradient`'s.
    func nllHessianArrow(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        layout: ArrowHessianLayout, gradient: UnsafeMutableBufferPointer<Double>? = nil
    ) -> ArrowMatrix {
        var matrix = layout.template
        let g = matrix.globals.count
        let place = matrix.place
        let localGroup = matrix.localGroup
        let groupStart = matrix.groupStart
        let blockStart = matrix.blockStart
        let columnStart = matrix.columnStart
        let couplingColumns = matrix.couplingColumns
        let couplingStart = matrix.couplingStart
        var global = matrix.global
        var blocks = matrix.blocks
        var coupling = matrix.coupling
        matrix.global = []
        matrix.blocks = []
        matrix.coupling = []
        // columnOf[a]: the coupling column of global a in the current bin's group.
        var columnOf = [Int](repeating: -1, count: g)
        /// Adds v at (p, q) for p and q of one bin (or p = q); a global row against a local column is skipped,
        /// since the symmetric (local, global) contribution is the one stored.
        func add(_ p: Int, _ q: Int, _ v: Double) {
            let (pp, pq) = (place[p], place[q])
            if pp >= 0 {
                if pq >= 0 { global[pp * g + pq] += v }
                return
            }
            let a = -1 - pp
            let group = localGroup[a]
            let row = a - groupStart[group]
            if pq < 0 {
                let k = groupStart[group + 1] - groupStart[group]
                blocks[blockStart[group] + row * k + (-1 - pq - groupStart[group])] += v
            } else {
                let c = columnStart[group + 1] - columnStart[group]
                coupling[couplingStart[group] + row * c + columnOf[pq]] += v
            }
        }
        accumulateNLLHessian(
            pars, data, numbers, gradient: gradient,
            beginBin: { b in
                let group = layout.groupOfBin[b]
                if group >= 0 {
                    for (t, column) in couplingColumns[columnStart[group]..<columnStart[group + 1]].enumerated() {
                        columnOf[column] = t
                    }
                }
            }, add: add)
        matrix.global = global
        matrix.blocks = blocks
        matrix.coupling = coupling
        return matrix
    }
}

extension Model {
    /// The block-arrow layout of this model's NLL Hessian, nil when a dense Hessian is the better choice (few
    /// bin-local parameters).
    func arrowHessianLayout(minimumLocals: Int = ModelStructure.arrowHessianMinimumLocals) -> ArrowHessianLayout? {
        structure.arrowHessianLayout(minimumLocals: minimumLocals)
    }

    /// ∇²_θ NLL in block-arrow form (exact; equal to `nllHessian` up to the rounding of the symmetric entries).
    func nllHessianArrow(_ pars: [Double], data: [Double], layout: ArrowHessianLayout) throws -> ArrowMatrix {
        try evaluate(pars, data) { pars, data in structure.nllHessianArrow(pars, data, numbers, layout: layout) }
    }

    /// ∇_θ NLL and ∇²_θ NLL in block-arrow form from one pass over the bins; the gradient is bit for bit
    /// `nllGradient`'s and the matrix `nllHessianArrow`'s.
    func nllGradientAndHessianArrow(_ pars: [Double], data: [Double], layout: ArrowHessianLayout) throws -> (
        gradient: [Double], hessian: ArrowMatrix
    ) {
        try evaluate(pars, data) { pars, data in
            var gradient = [Double](repeating: 0, count: parameterCount)
            let matrix = gradient.withUnsafeMutableBufferPointer { gradient in
                structure.nllHessianArrow(pars, data, numbers, layout: layout, gradient: gradient)
            }
            return (try finiteResult(gradient, "∇NLL", pars, data, .parameterDerivatives), matrix)
        }
    }
}

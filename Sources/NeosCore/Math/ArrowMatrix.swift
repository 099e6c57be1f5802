/// A symmetric matrix with block-arrow structure: a few *global* rows coupled to everything, and many *local* rows
/// in small groups that couple only within their group and to the global rows. Ordered locals first,
///
///     H = | D   C |     D = diag(D_1, …, D_K) (group blocks, k_g × k_g),
///         | Cᵀ  A |     C = (C_1; …; C_K) (group g against the global rows it touches), A global (G × G).
///
/// A HistFactory Hessian has this shape: a shapesys, staterror or shapefactor γ of one bin moves only that bin's
/// rate, so it couples only with the other parameters of that bin, while normalisations and shapes shared by many
/// bins are the global rows. With n bin-local parameters a dense Hessian costs n² memory and n³ to factorise; this
/// form costs Σ k_g² + Σ k_g c_g + G² memory and Σ (k_g³ + k_g c_g²) + G³ to factorise (block Cholesky of D, then of
/// the Schur complement S = A − Cᵀ D⁻¹ C), so a fit's linear algebra is linear in the number of bins.
///
/// Rows are numbered 0..<size as in the vector the matrix acts on; `globals` and `locals` say which row is which.
struct ArrowMatrix: Sendable {
    /// The order of the matrix.
    let size: Int
    /// The global rows (ascending) and their dense block A, G × G row-major.
    var globals: [Int]
    var global: [Double]
    /// Group g's rows are locals[groupStart[g]..<groupStart[g + 1]] (ascending within a group).
    var groupStart: [Int]
    var locals: [Int]
    /// Group g's block D_g, k × k row-major from blockStart[g].
    var blockStart: [Int]
    var blocks: [Double]
    /// Group g's coupling C_g: the global rows it touches, as positions in `globals` (ascending),
    /// couplingColumns[columnStart[g]..<columnStart[g + 1]], and the values k × c row-major from couplingStart[g].
    var columnStart: [Int]
    var couplingColumns: [Int]
    var couplingStart: [Int]
    var coupling: [Double]
    /// Where row i lives: place[i] ≥ 0 is its position in `globals`, otherwise −1 − its position in `locals`.
    var place: [Int]
    /// The group of each position in `locals`.
    var localGroup: [Int]

    var groupCount: Int { groupStart.count - 1 }

    /// A zero matrix of this structure. `groupStart`/`locals` and `columnStart`/`couplingColumns` are the groups
    /// and their couplings in the CSR form of the stored properties; every row of 0..<size is global or in one group.
    init(size: Int, globals: [Int], groupStart: [Int], locals: [Int], columnStart: [Int], couplingColumns: [Int]) {
        precondition(globals.count + locals.count == size, "ArrowMatrix: rows are not partitioned")
        self.size = size
        self.globals = globals
        self.global = [Double](repeating: 0, count: globals.count * globals.count)
        self.groupStart = groupStart
        self.locals = locals
        self.columnStart = columnStart
        self.couplingColumns = couplingColumns
        var place = [Int](repeating: 0, count: size)
        for (position, row) in globals.enumerated() { place[row] = position }
        var localGroup = [Int](repeating: 0, count: locals.count)
        var blockStart = [0]
        var couplingStart = [0]
        let groups = groupStart.count - 1
        blockStart.reserveCapacity(groups + 1)
        couplingStart.reserveCapacity(groups + 1)
        for g in 0..<groups {
            let k = groupStart[g + 1] - groupStart[g]
            let c = columnStart[g + 1] - columnStart[g]
            for position in groupStart[g]..<groupStart[g + 1] {
                localGroup[position] = g
                place[locals[position]] = -1 - position
            }
            blockStart.append(blockStart[g] + k * k)
            couplingStart.append(couplingStart[g] + k * c)
        }
        self.place = place
        self.localGroup = localGroup
        self.blockStart = blockStart
        self.couplingStart = couplingStart
        self.blocks = [Double](repeating: 0, count: blockStart[groups])
        self.coupling = [Double](repeating: 0, count: couplingStart[groups])
    }

    /// Entry (i, j); zero outside the structure.
    func entry(_ i: Int, _ j: Int) -> Double {
        let (pi, pj) = (place[i], place[j])
        let g = globals.count
        if pi >= 0 && pj >= 0 { return global[pi * g + pj] }
        if pi < 0 && pj < 0 {
            let (a, b) = (-1 - pi, -1 - pj)
            let group = localGroup[a]
            guard localGroup[b] == group else { return 0 }
            let k = groupStart[group + 1] - groupStart[group]
            return blocks[blockStart[group] + (a - groupStart[group]) * k + (b - groupStart[group])]
        }
        let (local, globalPosition) = pi < 0 ? (-1 - pi, pj) : (-1 - pj, pi)
        let group = localGroup[local]
        let columns = couplingColumns[columnStart[group]..<columnStart[group + 1]]
        guard let column = columns.firstIndex(of: globalPosition) else { return 0 }
        let c = columns.count
        return coupling[couplingStart[group] + (local - groupStart[group]) * c + (column - columnStart[group])]
    }

    /// Whether every stored entry is finite.
    var isFinite: Bool {
        global.allSatisfy(\.isFinite) && blocks.allSatisfy(\.isFinite) && coupling.allSatisfy(\.isFinite)
    }

    /// Every stored entry multiplied by `factor`.
    func scaled(by factor: Double) -> ArrowMatrix {
        var result = self
        for i in result.global.indices { result.global[i] *= factor }
        for i in result.blocks.indices { result.blocks[i] *= factor }
        for i in result.coupling.indices { result.coupling[i] *= factor }
        return result
    }

    /// The dense matrix, row-major size × size.
    var dense: [Double] {
        let n = size
        let g = globals.count
        var result = [Double](repeating: 0, count: n * n)
        for (a, i) in globals.enumerated() {
            for (b, j) in globals.enumerated() { result[i * n + j] = global[a * g + b] }
        }
        for group in 0..<groupCount {
            let rows = groupStart[group]..<groupStart[group + 1]
            let k = rows.count
            let columns = columnStart[group]..<columnStart[group + 1]
            let c = columns.count
            for (r, a) in rows.enumerated() {
                let i = locals[a]
                for (s, b) in rows.enumerated() { result[i * n + locals[b]] = blocks[blockStart[group] + r * k + s] }
                for (t, column) in columns.enumerated() {
                    let j = globals[couplingColumns[column]]
                    let value = coupling[couplingStart[group] + r * c + t]
                    result[i * n + j] = value
                    result[j * n + i] = value
                }
            }
        }
        return result
    }

    /// The rows and columns `indices` (ascending), renumbered 0..<indices.count in that order; the structure is
    /// kept (groups left without rows are dropped).
    func restricted(to indices: [Int]) -> ArrowMatrix {
        var newIndex = [Int](repeating: -1, count: size)
        for (position, i) in indices.enumerated() { newIndex[i] = position }
        let keptGlobals = globals.indices.filter { newIndex[globals[$0]] >= 0 }
        var newGlobalPosition = [Int](repeating: -1, count: globals.count)
        for (position, old) in keptGlobals.enumerated() { newGlobalPosition[old] = position }
        var newGroupStart = [0]
        var newLocals: [Int] = []
        var newColumnStart = [0]
        var newCouplingColumns: [Int] = []
        var keptGroups: [(group: Int, rows: [Int], columns: [Int])] = []
        for group in 0..<groupCount {
            let rows = (groupStart[group]..<groupStart[group + 1]).filter { newIndex[locals[$0]] >= 0 }
            guard !rows.isEmpty else { continue }
            let columns = (columnStart[group]..<columnStart[group + 1]).filter {
                newGlobalPosition[couplingColumns[$0]] >= 0
            }
            for a in rows { newLocals.append(newIndex[locals[a]]) }
            newGroupStart.append(newLocals.count)
            for column in columns { newCouplingColumns.append(newGlobalPosition[couplingColumns[column]]) }
            newColumnStart.append(newCouplingColumns.count)
            keptGroups.append((group, rows, columns))
        }
        var result = ArrowMatrix(
            size: indices.count, globals: keptGlobals.map { newIndex[globals[$0]] }, groupStart: newGroupStart,
            locals: newLocals, columnStart: newColumnStart, couplingColumns: newCouplingColumns)
        let g = globals.count
        let newG = keptGlobals.count
        for (a, oldA) in keptGlobals.enumerated() {
            for (b, oldB) in keptGlobals.enumerated() { result.global[a * newG + b] = global[oldA * g + oldB] }
        }
        for (newGroup, kept) in keptGroups.enumerated() {
            let oldK = groupStart[kept.group + 1] - groupStart[kept.group]
            let oldC = columnStart[kept.group + 1] - columnStart[kept.group]
            let k = kept.rows.count
            let c = kept.columns.count
            for (r, a) in kept.rows.enumerated() {
                let oldR = a - groupStart[kept.group]
                for (s, b) in kept.rows.enumerated() {
                    result.blocks[result.blockStart[newGroup] + r * k + s] =
                        blocks[blockStart[kept.group] + oldR * oldK + (b - groupStart[kept.group])]
                }
                for (t, column) in kept.columns.enumerated() {
                    result.coupling[result.couplingStart[newGroup] + r * c + t] =
                        coupling[couplingStart[kept.group] + oldR * oldC + (column - columnStart[kept.group])]
                }
            }
        }
        return result
    }

    /// H x.
    func multiply(_ x: [Double]) -> [Double] {
        precondition(x.count == size, "ArrowMatrix.multiply: wrong size")
        let g = globals.count
        var y = [Double](repeating: 0, count: size)
        for a in 0..<g {
            var sum = 0.0
            for b in 0..<g { sum += global[a * g + b] * x[globals[b]] }
            y[globals[a]] = sum
        }
        for group in 0..<groupCount {
            let first = groupStart[group]
            let k = groupStart[group + 1] - first
            let columns = columnStart[group]
            let c = columnStart[group + 1] - columns
            for r in 0..<k {
                var sum = 0.0
                for s in 0..<k { sum += blocks[blockStart[group] + r * k + s] * x[locals[first + s]] }
                let xr = x[locals[first + r]]
                for t in 0..<c {
                    let value = coupling[couplingStart[group] + r * c + t]
                    let j = globals[couplingColumns[columns + t]]
                    sum += value * x[j]
                    y[j] += value * xr
                }
                y[locals[first + r]] += sum
            }
        }
        return y
    }

    /// The Cholesky factorisation of H + diag(shift) (shift indexed by row), or nil if that is not numerically
    /// positive definite (a pivot that is not positive, or a non-finite factor): block by block, then the Schur
    /// complement of the global rows through LAPACK.
    func cholesky(shift: [Double]) -> ArrowCholesky? {
        precondition(shift.count == size, "ArrowMatrix.cholesky: wrong shift size")
        let g = globals.count
        var blockFactors = blocks
        var w = coupling
        var schur = global
        for a in 0..<g { schur[a * g + a] += shift[globals[a]] }
        for group in 0..<groupCount {
            let first = groupStart[group]
            let k = groupStart[group + 1] - first
            let block = blockStart[group]
            for r in 0..<k { blockFactors[block + r * k + r] += shift[locals[first + r]] }
            guard Self.factorInPlace(&blockFactors, at: block, order: k) else { return nil }
            let columns = columnStart[group]
            let c = columnStart[group + 1] - columns
            guard c > 0 else { continue }
            let start = couplingStart[group]
            // W_g = L_g⁻¹ C_g (forward substitution, column by column), then S −= W_gᵀ W_g.
            for t in 0..<c {
                for r in 0..<k {
                    var value = w[start + r * c + t]
                    for s in 0..<r { value -= blockFactors[block + r * k + s] * w[start + s * c + t] }
                    w[start + r * c + t] = value / blockFactors[block + r * k + r]
                }
            }
            for t in 0..<c {
                let row = couplingColumns[columns + t]
                for u in 0..<c {
                    var sum = 0.0
                    for r in 0..<k { sum += w[start + r * c + t] * w[start + r * c + u] }
                    schur[row * g + couplingColumns[columns + u]] -= sum
                }
            }
        }
        guard w.allSatisfy(\.isFinite), let schurFactor = DenseLinearAlgebra.cholesky(schur, size: g) else {
            return nil
        }
        return ArrowCholesky(matrix: self, blockFactors: blockFactors, w: w, schurFactor: schurFactor)
    }

    /// Cholesky of the k × k row-major block at `start` in place (lower factor, upper triangle left as it was);
    /// false if a pivot is not positive or an entry of the factor is not finite.
    private static func factorInPlace(_ values: inout [Double], at start: Int, order k: Int) -> Bool {
        for j in 0..<k {
            var pivot = values[start + j * k + j]
            for t in 0..<j { pivot -= values[start + j * k + t] * values[start + j * k + t] }
            guard pivot > 0, pivot.isFinite else { return false }
            let root = pivot.squareRoot()
            values[start + j * k + j] = root
            for i in (j + 1)..<max(k, j + 1) {
                var value = values[start + i * k + j]
                for t in 0..<j { value -= values[start + i * k + t] * values[start + j * k + t] }
                value /= root
                guard value.isFinite else { return false }
                values[start + i * k + j] = value
            }
        }
        return true
    }

    /// The group block D_g as a dense k × k matrix.
    private func block(_ group: Int) -> [Double] {
        let k = groupStart[group + 1] - groupStart[group]
        return Array(blocks[blockStart[group]..<(blockStart[group] + k * k)])
    }

    /// A direction of negative curvature, as `DenseLinearAlgebra.negativeCurvatureDirection` computes it for the
    /// matrix ordered locals first (the blocks do not interact, so each is factorised alone, then the Schur
    /// complement of the global rows over the pivots the blocks took): the most negative skipped pivot relative to
    /// its scale gives the direction. A block's pivot gives a direction inside its group; a global pivot j gives
    /// d_G from the Schur complement and, for each group, the locals that minimise dᵀHd with d_G fixed,
    /// d_g = −D_T⁻¹ C_T d_G over the block's taken pivots T, so that dᵀHd is the pivot itself, as in the dense case.
    func negativeCurvatureDirection(scale: [Double], tolerance: Double = 1e-8) -> [Double]? {
        precondition(scale.count == size, "ArrowMatrix.negativeCurvatureDirection: wrong scale size")
        let g = globals.count
        var schur = global
        var factorisations: [DenseLinearAlgebra.PivotSkippingCholesky] = []
        factorisations.reserveCapacity(groupCount)
        var w = coupling
        var most: (group: Int, row: Int, relative: Double)? = nil
        for group in 0..<groupCount {
            let first = groupStart[group]
            let k = groupStart[group + 1] - first
            let blockScale = (0..<k).map { scale[locals[first + $0]] }
            guard
                let factorisation = DenseLinearAlgebra.pivotSkippingCholesky(
                    block(group), size: k, scale: blockScale, tolerance: tolerance)
            else { return nil }
            if let (row, relative) = factorisation.mostNegative, relative < (most?.relative ?? 0) {
                most = (group, row, relative)
            }
            let columns = columnStart[group]
            let c = columnStart[group + 1] - columns
            let start = couplingStart[group]
            let factor = factorisation.factor
            for t in 0..<c {
                for r in 0..<k {
                    guard factorisation.taken[r] else {
                        w[start + r * c + t] = 0
                        continue
                    }
                    var value = w[start + r * c + t]
                    for s in 0..<r where factorisation.taken[s] { value -= factor[r * k + s] * w[start + s * c + t] }
                    w[start + r * c + t] = value / factor[r * k + r]
                }
            }
            for t in 0..<c {
                let row = couplingColumns[columns + t]
                for u in 0..<c {
                    var sum = 0.0
                    for r in 0..<k { sum += w[start + r * c + t] * w[start + r * c + u] }
                    schur[row * g + couplingColumns[columns + u]] -= sum
                }
            }
            factorisations.append(factorisation)
        }
        guard
            let schurFactorisation = DenseLinearAlgebra.pivotSkippingCholesky(
                schur, size: g, scale: globals.map { scale[$0] }, tolerance: tolerance)
        else { return nil }
        var direction = [Double](repeating: 0, count: size)
        if let (j, relative) = schurFactorisation.mostNegative, relative < (most?.relative ?? 0) {
            let globalDirection = DenseLinearAlgebra.negativeCurvatureDirection(schurFactorisation, size: g, pivot: j)
            for a in 0..<g { direction[globals[a]] = globalDirection[a] }
            for group in 0..<groupCount {
                let first = groupStart[group]
                let k = groupStart[group + 1] - first
                let columns = columnStart[group]
                let c = columnStart[group + 1] - columns
                guard c > 0 else { continue }
                let start = couplingStart[group]
                let factorisation = factorisations[group]
                // u = W_T d_G, then L_Tᵀ v = u by back substitution over the taken rows; d_g = −v.
                var v = [Double](repeating: 0, count: k)
                for r in 0..<k where factorisation.taken[r] {
                    for t in 0..<c { v[r] += w[start + r * c + t] * globalDirection[couplingColumns[columns + t]] }
                }
                for r in stride(from: k - 1, through: 0, by: -1) where factorisation.taken[r] {
                    var value = v[r]
                    for s in (r + 1)..<max(k, r + 1) where factorisation.taken[s] {
                        value -= factorisation.factor[s * k + r] * v[s]
                    }
                    v[r] = value / factorisation.factor[r * k + r]
                }
                for r in 0..<k { direction[locals[first + r]] = -v[r] }
            }
            return direction
        }
        guard let (group, row, _) = most else { return nil }
        let first = groupStart[group]
        let k = groupStart[group + 1] - first
        let local = DenseLinearAlgebra.negativeCurvatureDirection(factorisations[group], size: k, pivot: row)
        for r in 0..<k { direction[locals[first + r]] = local[r] }
        return direction
    }
}

/// The factorisation of `ArrowMatrix.cholesky`: each group's factor L_g, W_g = L_g⁻¹ C_g and the Cholesky factor
/// of the Schur complement S = A − Σ W_gᵀ W_g, so H = | L 0 ; Wᵀ L_S | · | Lᵀ W ; 0 L_Sᵀ |.
struct ArrowCholesky: Sendable {
    let matrix: ArrowMatrix
    let blockFactors: [Double]
    let w: [Double]
    let schurFactor: [Double]

    /// x with (H + diag(shift)) x = rhs: forward through the blocks, the Schur system, back through the blocks.
    func solve(_ rhs: [Double]) -> [Double] {
        let m = matrix
        precondition(rhs.count == m.size, "ArrowCholesky.solve: wrong size")
        let g = m.globals.count
        var x = [Double](repeating: 0, count: m.size)
        var globalRHS = m.globals.map { rhs[$0] }
        // y_g = L_g⁻¹ b_g (kept in x), z = b_G − Σ W_gᵀ y_g.
        for group in 0..<m.groupCount {
            let first = m.groupStart[group]
            let k = m.groupStart[group + 1] - first
            let block = m.blockStart[group]
            for r in 0..<k {
                var value = rhs[m.locals[first + r]]
                for s in 0..<r { value -= blockFactors[block + r * k + s] * x[m.locals[first + s]] }
                x[m.locals[first + r]] = value / blockFactors[block + r * k + r]
            }
            let columns = m.columnStart[group]
            let c = m.columnStart[group + 1] - columns
            let start = m.couplingStart[group]
            for r in 0..<k {
                let y = x[m.locals[first + r]]
                for t in 0..<c { globalRHS[m.couplingColumns[columns + t]] -= w[start + r * c + t] * y }
            }
        }
        let globalSolution = DenseLinearAlgebra.choleskySolve(factor: schurFactor, size: g, globalRHS)
        for a in 0..<g { x[m.globals[a]] = globalSolution[a] }
        // x_g = L_g⁻ᵀ (y_g − W_g x_G).
        for group in 0..<m.groupCount {
            let first = m.groupStart[group]
            let k = m.groupStart[group + 1] - first
            let block = m.blockStart[group]
            let columns = m.columnStart[group]
            let c = m.columnStart[group + 1] - columns
            let start = m.couplingStart[group]
            for r in 0..<k {
                var value = x[m.locals[first + r]]
                for t in 0..<c { value -= w[start + r * c + t] * globalSolution[m.couplingColumns[columns + t]] }
                x[m.locals[first + r]] = value
            }
            for r in stride(from: k - 1, through: 0, by: -1) {
                var value = x[m.locals[first + r]]
                for s in (r + 1)..<k { value -= blockFactors[block + s * k + r] * x[m.locals[first + s]] }
                x[m.locals[first + r]] = value / blockFactors[block + r * k + r]
            }
        }
        return x
    }
}

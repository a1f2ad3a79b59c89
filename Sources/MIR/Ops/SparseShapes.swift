/// Shape rule of sparse_matmul: y[..., n] = x[..., k] x W[k, n] with W stored compressed by
/// output column (CSC of W, i.e. CSR of W^T):
///  - values f32[nnz]: the nonzeros, column after column;
///  - rows i32[nnz]: each nonzero's input row r in [0, k), ascending within a column;
///  - col_ptr i32[n + 1]: column j's nonzeros are values[col_ptr[j] ..< col_ptr[j + 1]].
/// Column-major (not the input-row CSR y[:, cols] += x[:, r] * vals) because each output is then
/// one dot product: a gather from the x row plus a register reduction that LLVM vectorizes with
/// AVX-512 gathers, with no scattered read-modify-write of y (whose column indices the
/// vectorizer cannot prove distinct), and output columns split across threads without sharing.
/// The result type is written explicitly in the text form (like reshape's) and checked against
/// the one implied by x and col_ptr.
extension OpKind {
    func inferSparseMatmul(_ ops: [TensorType], explicit: TensorType?) throws(ShapeError) -> TensorType {
        let (x, values, rows, colPtr) = (ops[0], ops[1], ops[2], ops[3])
        guard x.dtype == .f32, x.rank >= 1, x.shape[x.rank - 1].constantValue != nil else {
            throw ShapeError("'sparse_matmul' expects x f32[..., k] with a static k, got \(x)")
        }
        guard values.dtype == .f32, values.rank == 1, let nnz = values.shape[0].constantValue else {
            throw ShapeError("'sparse_matmul' expects static values f32[nnz], got \(values)")
        }
        guard rows.dtype == .i32, rows.staticShape == [nnz] else {
            throw ShapeError("'sparse_matmul' expects row indices i32[\(nnz)], got \(rows)")
        }
        guard colPtr.dtype == .i32, colPtr.rank == 1, let c = colPtr.shape[0].constantValue, c >= 1 else {
            throw ShapeError("'sparse_matmul' expects column pointers i32[n + 1], got \(colPtr)")
        }
        let result = TensorType(.f32, Array(x.shape.dropLast()) + [.constant(c - 1)])
        if let explicit, explicit != result {
            throw ShapeError("'sparse_matmul' result \(explicit) differs from \(result) implied by x and the column pointers")
        }
        return result
    }
}

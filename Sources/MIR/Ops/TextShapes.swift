/// tfidf_vectorizer: counts the n-grams of a pool in each row of token ids.
///
/// The pool is grouped by length: `ngram_counts[k]` is the offset in `pool` of the (k+1)-grams
/// and `ngram_indexes[j]` the output column of the j-th pool n-gram. The result is f32
/// [columns] for a [tokens] input, [rows, columns] for [rows, tokens], with
/// columns = max(ngram_indexes) + 1.
public struct TfIdfParams: Sendable {
    public var mode: String, minGram: Int, maxGram: Int, maxSkip: Int, columns: Int
    /// Per n-gram length n (1...maxGram): the flattened n-grams and their output columns.
    public var groups: [(n: Int, grams: [Int], columns: [Int])]
    /// One weight per pool n-gram (the spec's order, which onnxruntime follows), if given.
    public var weights: [Double]?

    /// The weight of each output column (1 where no weights are given or no n-gram maps there).
    public var columnWeights: [Double] {
        var out = [Double](repeating: 1, count: columns)
        guard let weights else { return out }
        for (j, column) in groups.flatMap(\.columns).enumerated() { out[column] = weights[j] }
        return out
    }

    public init(_ attrs: Attributes) throws(ShapeError) {
        mode = attrs["mode"]?.stringValue ?? "TF"
        guard ["TF", "IDF", "TFIDF"].contains(mode) else { throw ShapeError("'tfidf_vectorizer' mode must be TF, IDF or TFIDF, got '\(mode)'") }
        minGram = attrs["min_gram_length"]?.intValue ?? 1
        maxGram = attrs["max_gram_length"]?.intValue ?? 1
        maxSkip = attrs["max_skip_count"]?.intValue ?? 0
        guard minGram >= 1, maxGram >= minGram, maxSkip >= 0 else {
            throw ShapeError("'tfidf_vectorizer' needs 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0")
        }
        let pool = attrs["pool"]?.intsValue ?? [], counts = attrs["ngram_counts"]?.intsValue ?? []
        let indexes = attrs["ngram_indexes"]?.intsValue ?? []
        guard counts.count >= maxGram, counts.first == 0 else {
            throw ShapeError("'tfidf_vectorizer' ngram_counts must start at 0 and cover n-grams up to max_gram_length (\(maxGram)), got \(counts)")
        }
        groups = []
        var ngram = 0
        for (k, start) in counts.enumerated() {
            let n = k + 1, end = k + 1 < counts.count ? counts[k + 1] : pool.count
            guard start <= end, end <= pool.count, (end - start) % n == 0 else {
                throw ShapeError("'tfidf_vectorizer' ngram_counts \(counts) do not split a pool of \(pool.count) into whole \(n)-grams")
            }
            let count = (end - start) / n
            guard ngram + count <= indexes.count else {
                throw ShapeError("'tfidf_vectorizer' has \(indexes.count) ngram_indexes for more pool n-grams")
            }
            groups.append((n, Array(pool[start..<end]), Array(indexes[ngram..<(ngram + count)])))
            ngram += count
        }
        guard ngram == indexes.count, indexes.allSatisfy({ $0 >= 0 }) else {
            throw ShapeError("'tfidf_vectorizer' needs one non-negative ngram_index per pool n-gram (\(ngram)), got \(indexes.count)")
        }
        columns = (indexes.max() ?? -1) + 1
        weights = attrs["weights"]?.floatsValue
        if let weights, weights.count != indexes.count {
            throw ShapeError("'tfidf_vectorizer' has \(weights.count) weights for \(indexes.count) pool n-grams")
        }
    }
}

extension OpKind {
    func inferTfIdf(_ x: TensorType, _ attrs: Attributes) throws(ShapeError) -> TensorType {
        guard x.dtype == .i64 || x.dtype == .i32, x.rank == 1 || x.rank == 2 else {
            throw ShapeError("'tfidf_vectorizer' expects i32 or i64 token ids of rank 1 or 2, got \(x)")
        }
        let p = try TfIdfParams(attrs)
        return TensorType(.f32, x.rank == 1 ? [.constant(p.columns)] : [x.shape[0], .constant(p.columns)])
    }
}

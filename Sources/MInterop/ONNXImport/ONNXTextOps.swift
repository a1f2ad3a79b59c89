import MIR

extension ONNXImporter {
    /// TfIdfVectorizer over integer token ids (string pools need string tensors, which MIR lacks).
    mutating func tfidfVectorizer(_ n: ONNXNode) throws(NodeError) -> ValueID {
        if n.has("pool_strings") { throw .unsupported("TfIdfVectorizer with pool_strings (string tensors are not supported)") }
        guard let pool = n.ints("pool_int64s") else { throw NodeError("TfIdfVectorizer needs pool_int64s") }
        let x = try tensorInput(n, 0)
        var attrs: Attributes = [
            "mode": .string(n.string("mode", "TF")), "min_gram_length": .int(n.int("min_gram_length", 1)),
            "max_gram_length": .int(n.int("max_gram_length", 1)), "max_skip_count": .int(n.int("max_skip_count", 0)),
            "pool": .ints(pool), "ngram_counts": .ints(n.ints("ngram_counts") ?? []),
            "ngram_indexes": .ints(n.ints("ngram_indexes") ?? [])]
        if let w = n.floats("weights") { attrs["weights"] = .floats(w) }
        return try emit(.tfidfVectorizer, [x], attributes: attrs)
    }
}

/// Why a data set could not be read or transformed; the message names the file (and line).
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a data set predicts: class indices (classification) or float values (regression).
public enum Targets: Sendable, Equatable {
    case classes([Int])
    /// `shape` is per sample (`[1]` for one value per row).
    case values([Float], shape: [Int])
    case none

    func rows(_ indices: [Int]) -> Targets {
        switch self {
        case .classes(let c): return .classes(indices.map { c[$0] })
        case .values(let v, let shape):
            let n = shape.reduce(1, *)
            var out: [Float] = []
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: v[i * n ..< (i + 1) * n]) }
            return .values(out, shape: shape)
        case .none: return .none
        }
    }
}

/// One batch: `x` is `[b] + featureShape` f32; `y` is i64 `[b]` (classes) or f32 `[b] + shape`.
public struct Batch: Sendable {
    public var x: HostTensor
    public var y: HostTensor?
}

/// A table of samples in memory: features (f32, one row per sample) and targets, plus how to
/// iterate it (batch size, seeded shuffling).
public struct Dataset: Sendable, Equatable {
    public var features: [Float]
    /// Shape of one sample's features: `[64]`, `[1, 8, 8]`, `[24, 1]`.
    public var featureShape: [Int]
    public var targets: Targets
    public var featureNames: [String] = []
    /// Names of the classes (CSV label values, image folder names), index = class.
    public var classNames: [String] = []
    public var batchSize = 32
    /// When set, every pass over the data set visits the samples in a new order drawn from this seed.
    public var shuffleSeed: UInt64? = nil
    /// Features and targets are values of one series (windows): normalization scales both.
    public var targetsShareFeatureScale = false

    public init(features: [Float], featureShape: [Int], targets: Targets) {
        self.features = features; self.featureShape = featureShape; self.targets = targets
    }

    public var featureCount: Int { featureShape.reduce(1, *) }
    public var count: Int { featureCount == 0 ? 0 : features.count / featureCount }
    public var classCount: Int {
        guard case .classes(let c) = targets else { return 0 }
        return max(classNames.count, (c.max() ?? -1) + 1)
    }

    /// The samples at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Dataset {
        var d = self
        let n = featureCount
        var f: [Float] = []
        f.reserveCapacity(indices.count * n)
        for i in indices { f.append(contentsOf: features[i * n ..< (i + 1) * n]) }
        d.features = f
        d.targets = targets.rows(indices)
        return d
    }

    /// The batches of pass number `pass` (0-based): shuffled per pass when a seed is set.
    public func batches(pass: Int) -> [Batch] {
        var order = Array(0..<count)
        if let seed = shuffleSeed {
            var rng = SplitMix64(seed: seed &+ UInt64(pass) &* 0x9E37_79B9_7F4A_7C15)
            rng.shuffle(&order)
        }
        var out: [Batch] = []
        var start = 0
        while start < order.count {
            let idx = Array(order[start ..< min(start + batchSize, order.count)])
            out.append(batch(idx))
            start += batchSize
        }
        return out
    }

    func batch(_ idx: [Int]) -> Batch {
        let part = rows(idx)
        let x = HostTensor(shape: [idx.count] + featureShape, data: .f32(part.features))
        switch part.targets {
        case .classes(let c): return Batch(x: x, y: HostTensor(shape: [idx.count], data: .i64(c.map(Int64.init))))
        case .values(let v, let shape): return Batch(x: x, y: HostTensor(shape: [idx.count] + shape, data: .f32(v)))
        case .none: return Batch(x: x, y: nil)
        }
    }

    public var batchCount: Int { (count + batchSize - 1) / max(batchSize, 1) }

    // MARK: transformations

    /// Splits into train / validation / test fractions (test takes the rest), shuffled with
    /// `seed` unless `shuffle` is false (time series keep their order: the test part is the end).
    public func split(train: Double, validation: Double = 0, seed: UInt64 = 0, shuffle: Bool = true) throws(DataError) -> DatasetSplit {
        guard train > 0, validation >= 0, train + validation < 1 else {
            throw DataError("split fractions must be positive and leave room for a test part (train = \(train), validation = \(validation))")
        }
        var order = Array(0..<count)
        if shuffle {
            var rng = SplitMix64(seed: seed)
            rng.shuffle(&order)
        }
        let nTrain = Int((Double(count) * train).rounded())
        let nVal = Int((Double(count) * validation).rounded())
        guard nTrain > 0, nTrain + nVal < count else {
            throw DataError("split(train = \(train)) of \(count) samples leaves an empty part")
        }
        let trainPart = rows(Array(order[0..<nTrain]))
        let valPart = nVal > 0 ? rows(Array(order[nTrain..<(nTrain + nVal)])) : nil
        let testPart = rows(Array(order[(nTrain + nVal)...]))
        return DatasetSplit(train: trainPart, validation: valPart, test: testPart)
    }

    /// `(x - mean) / std` on the features (and on the targets of a windowed series).
    public func normalized(mean: [Float], std: [Float]) throws(DataError) -> Dataset {
        let n = featureCount
        guard mean.count == 1 || mean.count == n, std.count == mean.count else {
            throw DataError("normalize: mean and std need 1 or \(n) values each (got \(mean.count) and \(std.count))")
        }
        if let bad = std.first(where: { $0 == 0 || !$0.isFinite }) { throw DataError("normalize: std \(bad) is not a positive number") }
        var d = self
        for i in d.features.indices {
            let j = mean.count == 1 ? 0 : i % n
            d.features[i] = (d.features[i] - mean[j]) / std[j]
        }
        if targetsShareFeatureScale, mean.count == 1, case .values(let v, let shape) = targets {
            d.targets = .values(v.map { ($0 - mean[0]) / std[0] }, shape: shape)
        }
        return d
    }

    /// Per-feature mean and standard deviation (one pair over all values for a windowed series);
    /// a constant feature gets std 1 so that normalizing leaves it at zero.
    public func featureStatistics() -> (mean: [Float], std: [Float]) {
        let n = targetsShareFeatureScale ? 1 : featureCount
        var sum = [Double](repeating: 0, count: n), sq = [Double](repeating: 0, count: n)
        for (i, v) in features.enumerated() { sum[i % n] += Double(v); sq[i % n] += Double(v) * Double(v) }
        let m = Double(features.count / n)
        let mean = sum.map { $0 / max(m, 1) }
        let std = zip(sq, mean).map { s, mu in (max(s / max(m, 1) - mu * mu, 0)).squareRoot() }
        return (mean.map(Float.init), std.map { $0 < 1e-12 ? 1 : Float($0) })
    }

    /// Keeps the samples of the listed classes and renumbers them 0..<k in the listed order.
    public func filtered(classes: [Int]) throws(DataError) -> Dataset {
        guard case .classes(let c) = targets else { throw DataError("filter(labels =) needs a data set with class labels") }
        let index = Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let keep = c.indices.filter { index[c[$0]] != nil }
        var d = rows(keep)
        d.targets = .classes(keep.map { index[c[$0]]! })
        d.classNames = classes.map { $0 < classNames.count ? classNames[$0] : String($0) }
        return d
    }

    /// Sliding windows over a one-column series: x = `size` consecutive values (`[size, 1]`),
    /// y = the value `horizon` steps after the window.
    public func windows(size: Int, horizon: Int = 1) throws(DataError) -> Dataset {
        guard featureCount == 1 else {
            throw DataError("windows: the data set has \(featureCount) feature columns; select one with load_csv(..., columns = [\"name\"])")
        }
        guard size > 0, horizon > 0, count >= size + horizon else {
            throw DataError("windows(size = \(size)): the series has only \(count) values")
        }
        let n = count - size - horizon + 1
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(n * size)
        for i in 0..<n {
            x.append(contentsOf: features[i ..< i + size])
            y.append(features[i + size + horizon - 1])
        }
        var d = Dataset(features: x, featureShape: [size, 1], targets: .values(y, shape: [1]))
        d.batchSize = batchSize
        d.targetsShareFeatureScale = true
        return d
    }
}

/// The parts of `Dataset.split`.
public struct DatasetSplit: Sendable, Equatable {
    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset

    /// Standardizes every part with statistics fitted on the training part only.
    public func standardized() throws(DataError) -> DatasetSplit {
        let (mean, std) = train.featureStatistics()
        return DatasetSplit(train: try train.normalized(mean: mean, std: std),
                            validation: try validation?.normalized(mean: mean, std: std),
                            test: try test.normalized(mean: mean, std: std))
    }
}

/// SplitMix64: a small, fast, seedable generator (the same one the front end uses for weights).
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Fisher-Yates with this generator (independent of the standard library's algorithm).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}

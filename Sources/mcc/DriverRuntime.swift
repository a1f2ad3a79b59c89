import Foundation
import MHost

/// Failures of the optimizing driver's runs (`--calibrate`, `--eval`, `--finetune`): a data file it
/// cannot use, or a library call that failed.
enum RunnerError: Error, CustomStringConvertible {
    case library(String)
    case data(String)
    var description: String {
        switch self {
        case .library(let m): return m
        case .data(let m): return m
        }
    }
}

// The driver calls the libraries it builds through MHost's wrapper of the C ABI, the same code
// `mcc run` uses: one place holds dlopen and the DLTensor layout.

extension HostTensor {
    init(values: [Float], shape: [Int]) { self.init(shape: shape, data: .f32(values)) }

    var values: [Float] { floats }

    /// Rows `range` of the leading dim.
    func rows(_ range: Range<Int>) -> HostTensor {
        let per = shape.dropFirst().reduce(1, *)
        let slice = (range.lowerBound * per)..<(range.upperBound * per)
        let rowShape = [range.count] + shape.dropFirst()
        switch data {
        case .f32(let v): return HostTensor(shape: rowShape, data: .f32(Array(v[slice])))
        case .i64(let v): return HostTensor(shape: rowShape, data: .i64(Array(v[slice])))
        }
    }
}

/// A `.npy` file as an f32 tensor (MHost's reader: every numpy dtype).
func readNPYFile(_ path: String) throws(RunnerError) -> HostTensor {
    do {
        let a = try NumpyLoader.array(npy: path)
        return HostTensor(values: a.values.map(Float.init), shape: a.shape)
    } catch { throw .data(error.message) }
}

/// Every array of an `.npz` archive (stored or compressed) as f32 tensors.
func readNPZFile(_ path: String) throws(RunnerError) -> [String: HostTensor] {
    do {
        return try NumpyLoader.arrays(npz: path).mapValues { HostTensor(values: $0.values.map(Float.init), shape: $0.shape) }
    } catch { throw .data(error.message) }
}

/// An instance of `model` (nil: the default one) in a library the driver just built, on one thread:
/// the driver's results must not depend on the machine's core count.
func openBuiltModel(_ path: String, model: String? = nil) throws(RunnerError) -> ModelInstance {
    do {
        let instance = try CompiledLibrary(path: path).makeInstance(model: model)
        try instance.setThreads(1)
        return instance
    } catch { throw .library(error.message) }
}

extension ModelInstance {
    /// Runs on one input; every output.
    func callAsFunction(_ x: HostTensor) throws(RunnerError) -> [HostTensor] {
        do { return try run([x]) } catch { throw .library(error.message) }
    }

    /// Top-1 class of output 0 for each row of `x`, run in batches of `batch`.
    func top1(_ x: HostTensor, batch: Int) throws(RunnerError) -> [Int] {
        let samples = x.shape.first ?? 0
        var out: [Int] = []
        for start in stride(from: 0, to: samples, by: batch) {
            let y = try self(x.rows(start..<min(start + batch, samples)))[0]
            guard y.shape.count == 2 else { throw .library("output 0 is not a [batch, classes] tensor") }
            let values = y.values, classes = y.shape[1]
            for r in 0..<y.shape[0] {
                var best = 0
                for c in 1..<max(classes, 1) where values[r * classes + c] > values[r * classes + best] { best = c }
                out.append(best)
            }
        }
        return out
    }

    /// Adam (PyTorch defaults) with a constant rate, or cosine decay to zero over `totalSteps`.
    func useAdam(learningRate: Double, totalSteps: Int, seed: UInt64) throws(RunnerError) {
        var settings = OptimizerSettings(kind: .adam, learningRate: learningRate)
        if totalSteps > 1 { settings.schedule = .cosine(totalSteps: totalSteps, minLR: 0) }
        do {
            try setOptimizer(settings)
            try setSeed(seed)
        } catch { throw .library(error.message) }
    }

    /// One optimizer step on a batch with class labels; the batch loss.
    func step(_ x: HostTensor, labels: [Int64]) throws(RunnerError) -> Float {
        do { return try trainStep([x], target: HostTensor(shape: [labels.count], data: .i64(labels))) }
        catch { throw .library(error.message) }
    }
}

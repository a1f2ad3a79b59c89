import Foundation
import MIR

/// STFT as a gather of frames and a DFT by matmul. The frame step and (without a window) the
/// frame length may be data: the frame count, the frame length and the bin count are then
/// value symbols, the frame indices `f * step + j` and the DFT matrices cos/sin(2 pi j k / n)
/// are computed at run time from iotas of those lengths.
extension ONNXImporter {
    mutating func stft(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let signal = try tensorInput(n, 0)
        let t = function.type(of: signal)
        guard t.dtype.isFloat, t.rank == 3, let parts = t.shape[2].constantValue, parts == 1 || parts == 2 else {
            throw NodeError("STFT expects a float [batch, length, 1 or 2] signal, got \(t)")
        }
        let onesided = n.int("onesided", 1) != 0
        if onesided && parts == 2 { throw NodeError("STFT onesided output needs a real signal ([batch, length, 1])") }
        guard let step = try shapeData(n, 1), step.count == 1 else { throw NodeError("STFT needs a scalar frame_step") }
        let window = try input(n, 2).map { v throws(NodeError) in try tensor(v) }
        var length: SymExpr
        if let window {
            let wt = function.type(of: window)
            guard wt.rank == 1 else { throw NodeError("STFT window must have rank 1, got \(wt)") }
            length = SymExpr(wt.shape[0])
            if let l = try shapeData(n, 3) {
                guard l.count == 1 else { throw NodeError("STFT frame_length must be a scalar") }
                try require(call(.eq, l[0], length), "STFT: frame_length differs from the window's length")
            }
        } else {
            guard let l = try shapeData(n, 3), l.count == 1 else {
                throw NodeError("STFT needs a window or a frame_length to know its frame length")
            }
            length = l[0]
        }
        try require(call(.gt, step[0], .int(0)), "STFT: frame_step is not positive")
        try require(call(.and, call(.gt, length, .int(0)), call(.le, length, SymExpr(t.shape[1]))),
                    "STFT: the frame length is not in 1...signal length")
        let frameLength = valueDim(length)
        let frames = valueDim(call(.add, call(.div, call(.sub, SymExpr(t.shape[1]), length), step[0]), .int(1)))
        let bins = onesided ? valueDim(call(.add, call(.div, length, .int(2)), .int(1))) : frameLength
        let batch = t.shape[0]

        // Frame indices [frames, length]: f * step + j (step as an i64 tensor, broadcast).
        let stepTensor = try emit(.cast, [try tensorInput(n, 1)], attributes: ["to": .string("i64")])
        let starts = try emit(.mul, [try iota(frames, axis: 0, rank: 2), stepTensor])
        let indices = try emit(.add, [starts, try iota(frameLength, axis: 1, rank: 2)])
        func component(_ i: Int) throws(NodeError) -> ValueID {
            let part = try emit(.slice, [signal], attributes: ["starts": .ints([i]), "ends": .ints([i + 1]), "axes": .ints([2]), "steps": .ints([1])])
            let flat = try emit(.reshape, [part], explicit: TensorType(t.dtype, [batch, t.shape[1]]))
            var framed = try emit(.gather, [flat, indices], attributes: ["axis": .int(1)])
            if let window { framed = try emit(.mul, [framed, try emit(.cast, [window], attributes: ["to": .string(t.dtype.rawValue)])]) }
            return framed
        }
        // theta[j, k] = 2 pi (j k mod n) / n in f64 (the mod keeps the angle small and exact).
        let nTensor = try frameLengthTensor(n, window: window)
        let jk = try emit(.mod, [try emit(.mul, [try iota(frameLength, axis: 0, rank: 2), try iota(bins, axis: 1, rank: 2)]), nTensor],
                          attributes: ["fmod": .int(0)])
        let theta = try emit(.div, [try emit(.mul, [try emit(.cast, [jk], attributes: ["to": .string("f64")]), try scalar(2 * Double.pi, .f64)]),
                                    try emit(.cast, [nTensor], attributes: ["to": .string("f64")])])
        func matrix(_ k: OpKind) throws(NodeError) -> ValueID {
            try emit(.cast, [try emit(k, [theta])], attributes: ["to": .string(t.dtype.rawValue)])
        }
        let cosM = try matrix(.cos), sinM = try matrix(.sin)
        let re = try component(0)
        var yRe = try emit(.matmul, [re, cosM])
        var yIm = try emit(.neg, [try emit(.matmul, [re, sinM])])
        if parts == 2 {
            // (a + ib)(cos - i sin) = a cos + b sin + i (b cos - a sin).
            let im = try component(1)
            yRe = try emit(.add, [yRe, try emit(.matmul, [im, sinM])])
            yIm = try emit(.add, [yIm, try emit(.matmul, [im, cosM])])
        }
        let shape = [batch, frames, bins, .constant(1)]
        return try emit(.concat, [try emit(.reshape, [yRe], explicit: TensorType(t.dtype, shape)),
                                  try emit(.reshape, [yIm], explicit: TensorType(t.dtype, shape))], attributes: ["axis": .int(3)])
    }

    /// The frame length as an i64 scalar tensor: the window's static length or the frame_length input.
    private mutating func frameLengthTensor(_ n: ONNXNode, window: ValueID?) throws(NodeError) -> ValueID {
        if let window, let l = function.type(of: window).shape[0].constantValue { return try scalar(Double(l), .i64) }
        return try emit(.cast, [try tensorInput(n, 3)], attributes: ["to": .string("i64")])
    }
}

/// MelWeightMatrix [dft_length / 2 + 1, num_mel_bins], the reference's triangles: mel-spaced
/// edges b (integer spectrogram bins), then column i rises over [b[i], b[i+1]] and falls over
/// [b[i+1], b[i+2]). Both counts may be data (value symbols); the edges are computed in f64.
extension ONNXImporter {
    mutating func melWeightMatrix(_ n: ONNXNode) throws(NodeError) -> ValueID {
        guard let mels = try shapeData(n, 0), mels.count == 1, let dft = try shapeData(n, 1), dft.count == 1 else {
            throw NodeError("MelWeightMatrix needs scalar num_mel_bins and dft_length")
        }
        try require(call(.gt, mels[0], .int(0)), "MelWeightMatrix: num_mel_bins is not positive")
        try require(call(.gt, dft[0], .int(0)), "MelWeightMatrix: dft_length is not positive")
        guard let out = mirDType(n.int("output_datatype", 1)), out.isFloat || out.isInteger else {
            throw .unsupported("MelWeightMatrix output_datatype \(onnxTypeName(n.int("output_datatype", 1)))")
        }
        let m = valueDim(mels[0]), bins = valueDim(call(.add, call(.div, dft[0], .int(2)), .int(1)))
        func f64(_ i: Int) throws(NodeError) -> ValueID {
            try emit(.cast, [try tensorInput(n, i)], attributes: ["to": .string("f64")])
        }
        func c(_ v: Double) throws(NodeError) -> ValueID { try scalar(v, .f64) }
        func op(_ k: OpKind, _ a: ValueID, _ b: ValueID) throws(NodeError) -> ValueID { try emit(k, [a, b]) }
        let (mTensor, dftTensor, rate, lower, upper) = (try f64(0), try f64(1), try f64(2), try f64(3), try f64(4))
        // mel(f) = 2595 log10(1 + f / 700); edges are num_mel_bins + 2 mels spaced by
        // (high - low) / (num_mel_bins + 2), as the reference does (the top edge stays below high).
        func mel(_ hz: ValueID) throws(NodeError) -> ValueID {
            try op(.mul, try emit(.log, [try op(.add, try op(.div, hz, try c(700)), try c(1))]), try c(2595 / log(10)))
        }
        let lowMel = try mel(lower), highMel = try mel(upper)
        let stepMel = try op(.div, try op(.sub, highMel, lowMel), try op(.add, mTensor, try c(2)))
        let k = try emit(.cast, [try iota(valueDim(call(.add, mels[0], .int(2))), axis: 0, rank: 1)], attributes: ["to": .string("f64")])
        let melEdges = try op(.add, try op(.mul, k, stepMel), lowMel)
        let hz = try op(.mul, try op(.sub, try emit(.exp, [try op(.mul, melEdges, try c(log(10) / 2595))]), try c(1)), try c(700))
        let edges = try emit(.floor, [try op(.div, try op(.mul, try op(.add, dftTensor, try c(1)), hz), rate)])
        // l, c, h: [1, num_mel_bins] (edges i, i + 1, i + 2); j: [bins, 1].
        func edge(_ shift: Int) throws(NodeError) -> ValueID {
            let i = try op(.add, try iota(m, axis: 1, rank: 2), try scalar(Double(shift), .i64))
            return try emit(.gather, [edges, i], attributes: ["axis": .int(0)])
        }
        let (l, ctr, h) = (try edge(0), try edge(1), try edge(2))
        let j = try emit(.cast, [try iota(bins, axis: 0, rank: 2)], attributes: ["to": .string("f64")])
        let one = try c(1), zero = try c(0)
        let falling = try op(.div, try op(.sub, h, j), try op(.maximum, try op(.sub, h, ctr), one))
        let inFalling = try op(.logicalAnd, try op(.lessEqual, ctr, j), try op(.less, j, h))
        let rising = try op(.div, try op(.sub, j, l), try op(.maximum, try op(.sub, ctr, l), one))
        let inRising = try op(.logicalAnd, try op(.lessEqual, l, j), try op(.lessEqual, j, ctr))
        // A zero-width rise (l == c) puts 1 at c: (j - l) / 1 there is 0, so select it.
        let rise = try emit(.select, [try op(.equal, ctr, l), one, rising])
        let w = try emit(.select, [inFalling, falling, try emit(.select, [inRising, rise, zero])])
        return try emit(.cast, [w], attributes: ["to": .string(out.rawValue)])
    }
}

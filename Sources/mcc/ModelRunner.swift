import Foundation

/// A float tensor on the host: row-major values and their shape.
struct HostTensor {
    var values: [Float]
    var shape: [Int]

    /// Rows `range` of the leading dim.
    func rows(_ range: Range<Int>) -> HostTensor {
        let per = shape.dropFirst().reduce(1, *)
        return HostTensor(values: Array(values[(range.lowerBound * per)..<(range.upperBound * per)]),
                          shape: [range.count] + shape.dropFirst())
    }
}

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

/// Loads a library mcc built and runs its default model through the C ABI (include/mcc.h):
/// what calibration and `--eval` need to execute a model without another language.
final class ModelRunner {
    private let handle: UnsafeMutableRawPointer
    private var model: OpaquePointer?
    private typealias Create = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Destroy = @convention(c) (OpaquePointer?) -> Void
    private typealias Run = @convention(c) (OpaquePointer?, UnsafeRawPointer, Int32) -> Int32
    private typealias Output = @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer) -> Int32
    private typealias Count = @convention(c) (OpaquePointer?) -> Int32
    private typealias Threads = @convention(c) (OpaquePointer?, Int32) -> Int32
    private typealias LastError = @convention(c) () -> UnsafePointer<CChar>?
    private let run: Run, output: Output, numOutputs: Count, destroy: Destroy, lastError: LastError

    init(path: String, threads: Int = 1) throws {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw RunnerError.library("cannot load \(path): \(String(cString: dlerror()))")
        }
        handle = h
        func symbol<T>(_ name: String, _: T.Type) throws -> T {
            guard let s = dlsym(h, name) else { throw RunnerError.library("\(path) has no \(name)") }
            return unsafeBitCast(s, to: T.self)
        }
        let create = try symbol("mcc_model_create", Create.self)
        run = try symbol("mcc_model_run", Run.self)
        output = try symbol("mcc_model_output", Output.self)
        numOutputs = try symbol("mcc_model_num_outputs", Count.self)
        destroy = try symbol("mcc_model_destroy", Destroy.self)
        lastError = try symbol("mcc_last_error", LastError.self)
        let setThreads = try symbol("mcc_model_set_num_threads", Threads.self)
        guard create(nil, &model) == 0 else { throw RunnerError.library("mcc_model_create: \(errorText())") }
        _ = setThreads(model, Int32(threads))
    }

    deinit {
        destroy(model)
        dlclose(handle)
    }

    private func errorText() -> String { lastError().map { String(cString: $0) } ?? "unknown error" }

    // DLTensor (dlpack.h): data@0, device@8, ndim@16, dtype@20 {code u8, bits u8, lanes u16},
    // shape@24, strides@32, byte_offset@40; 48 bytes.
    private static let tensorBytes = 48

    /// Runs the model on an input prepared once; reads no outputs. Timed runs use it, so
    /// they measure the model call, not building DLTensors and copying results into arrays.
    func run(_ input: PreparedInput) throws {
        guard run(model, UnsafeRawPointer(input.tensor), 1) == 0 else { throw RunnerError.library("mcc_model_run: \(errorText())") }
    }

    /// Runs the model on one f32 input; returns every output (f32) in order.
    func callAsFunction(_ input: HostTensor) throws -> [HostTensor] {
        var values = input.values
        var shape = input.shape.map(Int64.init)
        let tensor = UnsafeMutableRawPointer.allocate(byteCount: Self.tensorBytes, alignment: 8)
        defer { tensor.deallocate() }
        tensor.initializeMemory(as: UInt8.self, repeating: 0, count: Self.tensorBytes)
        let status: Int32 = values.withUnsafeMutableBytes { data in
            shape.withUnsafeMutableBufferPointer { dims in
                tensor.storeBytes(of: data.baseAddress, toByteOffset: 0, as: UnsafeMutableRawPointer?.self)
                tensor.storeBytes(of: Int32(1), toByteOffset: 8, as: Int32.self)  // kDLCPU
                tensor.storeBytes(of: Int32(dims.count), toByteOffset: 16, as: Int32.self)
                tensor.storeBytes(of: UInt8(2), toByteOffset: 20, as: UInt8.self)  // kDLFloat
                tensor.storeBytes(of: UInt8(32), toByteOffset: 21, as: UInt8.self)
                tensor.storeBytes(of: UInt16(1), toByteOffset: 22, as: UInt16.self)
                tensor.storeBytes(of: dims.baseAddress, toByteOffset: 24, as: UnsafeMutablePointer<Int64>?.self)
                return run(model, UnsafeRawPointer(tensor), 1)
            }
        }
        guard status == 0 else { throw RunnerError.library("mcc_model_run: \(errorText())") }
        var outs: [HostTensor] = []
        for i in 0..<Int(numOutputs(model)) {
            tensor.initializeMemory(as: UInt8.self, repeating: 0, count: Self.tensorBytes)
            guard output(model, Int32(i), tensor) == 0 else { throw RunnerError.library("mcc_model_output: \(errorText())") }
            let ndim = Int(tensor.load(fromByteOffset: 16, as: Int32.self))
            guard tensor.load(fromByteOffset: 20, as: UInt8.self) == 2, tensor.load(fromByteOffset: 21, as: UInt8.self) == 32,
                  let dims = tensor.load(fromByteOffset: 24, as: UnsafePointer<Int64>?.self),
                  let data = tensor.load(fromByteOffset: 0, as: UnsafeRawPointer?.self) else {
                throw RunnerError.library("output \(i) is not an f32 tensor")
            }
            let outShape = (0..<ndim).map { Int(dims[$0]) }
            let offset = Int(tensor.load(fromByteOffset: 40, as: UInt64.self))
            let count = outShape.reduce(1, *)
            let p = (data + offset).assumingMemoryBound(to: Float.self)
            outs.append(HostTensor(values: Array(UnsafeBufferPointer(start: p, count: count)), shape: outShape))
        }
        return outs
    }
}

/// An f32 input with its DLTensor built once (layout as in ModelRunner).
final class PreparedInput {
    let tensor: UnsafeMutableRawPointer
    private let data: UnsafeMutableBufferPointer<Float>
    private let dims: UnsafeMutableBufferPointer<Int64>

    init(_ x: HostTensor) {
        data = .allocate(capacity: max(x.values.count, 1))
        _ = data.initialize(from: x.values)
        dims = .allocate(capacity: max(x.shape.count, 1))
        _ = dims.initialize(from: x.shape.map(Int64.init))
        tensor = .allocate(byteCount: 48, alignment: 8)
        tensor.initializeMemory(as: UInt8.self, repeating: 0, count: 48)
        tensor.storeBytes(of: UnsafeMutableRawPointer(data.baseAddress), toByteOffset: 0, as: UnsafeMutableRawPointer?.self)
        tensor.storeBytes(of: Int32(1), toByteOffset: 8, as: Int32.self)  // kDLCPU
        tensor.storeBytes(of: Int32(x.shape.count), toByteOffset: 16, as: Int32.self)
        tensor.storeBytes(of: UInt8(2), toByteOffset: 20, as: UInt8.self)  // kDLFloat
        tensor.storeBytes(of: UInt8(32), toByteOffset: 21, as: UInt8.self)
        tensor.storeBytes(of: UInt16(1), toByteOffset: 22, as: UInt16.self)
        tensor.storeBytes(of: dims.baseAddress, toByteOffset: 24, as: UnsafeMutablePointer<Int64>?.self)
    }

    deinit {
        tensor.deallocate()
        data.deallocate()
        dims.deallocate()
    }
}

/// Reads a `.npy` array (numpy format 1.0-3.0, little-endian f4/f8/i8/i4, C order) as f32.
func readNPY(_ bytes: [UInt8], name: String) throws -> HostTensor {
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
        throw RunnerError.data("\(name) is not a .npy file")
    }
    let major = bytes[6]
    let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
        : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let start = major == 1 ? 10 : 12
    guard bytes.count >= start + headerLength, let header = String(bytes: bytes[start..<(start + headerLength)], encoding: .ascii) else {
        throw RunnerError.data("\(name): truncated .npy header")
    }
    func field(_ key: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
    guard let descr = field("descr")?.split(separator: "'").first.map(String.init),
          let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
        throw RunnerError.data("\(name): cannot read the .npy header \(header)")
    }
    if field("fortran_order")?.hasPrefix("True") == true { throw RunnerError.data("\(name): Fortran-ordered arrays are not supported") }
    let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap {
        Int($0.trimmingCharacters(in: .whitespaces))
    }
    let count = shape.reduce(1, *)
    let body = Array(bytes[(start + headerLength)...])
    let size: Int
    switch descr {
    case "<f4", "<i4": size = 4
    case "<f8", "<i8": size = 8
    default: throw RunnerError.data("\(name): dtype \(descr) is not supported (use float32)")
    }
    guard body.count >= count * size else { throw RunnerError.data("\(name): \(body.count) data bytes for \(count) elements") }
    let values: [Float] = body.withUnsafeBytes { raw in
        (0..<count).map { i in
            switch descr {
            case "<f4": return Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
            case "<i4": return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
            case "<i8": return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
            default: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian))
            }
        }
    }
    return HostTensor(values: values, shape: shape)
}

/// The arrays of an uncompressed `.npz` (numpy.savez): a zip of stored `.npy` members.
func readNPZ(_ bytes: [UInt8], name: String) throws -> [String: HostTensor] {
    var out: [String: HostTensor] = [:]
    var at = 0
    func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
    func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
    while at + 30 <= bytes.count, u32(at) == 0x0403_4b50 {
        let method = u16(at + 8), nameLength = u16(at + 26), extraLength = u16(at + 28)
        var size = u32(at + 18)
        let member = String(decoding: bytes[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
        let dataStart = at + 30 + nameLength + extraLength
        guard method == 0 else { throw RunnerError.data("\(name): member \(member) is compressed (use numpy.savez, not savez_compressed)") }
        if size == 0xFFFF_FFFF, extraLength >= 20 { size = u32(at + 30 + nameLength + 12) }  // zip64 extra: sizes
        guard dataStart + size <= bytes.count else { throw RunnerError.data("\(name): truncated member \(member)") }
        let key = member.hasSuffix(".npy") ? String(member.dropLast(4)) : member
        out[key] = try readNPY(Array(bytes[dataStart..<(dataStart + size)]), name: "\(name):\(member)")
        at = dataStart + size
    }
    guard !out.isEmpty else { throw RunnerError.data("\(name) is not an .npz archive") }
    return out
}

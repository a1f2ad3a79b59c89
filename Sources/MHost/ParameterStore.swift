import MCodegenLLVM
import MInterop
import MIR

/// Materializes parameter data as packed bytes: seeded initializers directly, file-backed
/// ones from safetensors (each file opened once), `external` ones from data the importer
/// registered (ONNX initializers). Used by `mcc FILE -o` and by `mcc run`.
public final class ParameterStore {
    private var files: [String: SafetensorsFile] = [:]
    public var external: [String: [UInt8]] = [:]
    /// Values that replace a parameter's initializer (a trained model's current weights), packed.
    public var overrides: [String: [UInt8]] = [:]

    public init() {}

    public func bytes(for p: Parameter) throws(CodegenError) -> [UInt8] {
        if let data = overrides[p.name] { return data }
        guard let shape = p.type.staticShape else { throw .parameterData("parameter '\(p.name)' has a symbolic shape") }
        let count = shape.reduce(1, *)
        switch p.initializer {
        case .external(let key):
            guard let data = external[key] else { throw .parameterData("parameter '\(p.name)': no data for '\(key)'") }
            return data
        case .safetensors:
            return packValues(try floats(for: p).map(Double.init), as: p.type.dtype)
        case .values(let vs):
            guard vs.count == count else { throw .parameterData("parameter '\(p.name)': \(vs.count) values for \(count) elements") }
            return packValues(vs, as: p.type.dtype)
        case .zeros: return packValues([Double](repeating: 0, count: count), as: p.type.dtype)
        case .constant(let v):
            // Packed from the Double: an f64 constant (e.g. a gradient's 2/sqrt(pi)) keeps its precision.
            return packValues([Double](repeating: v, count: count), as: p.type.dtype)
        case .uniform:
            return packValues(try floats(for: p).map(Double.init), as: p.type.dtype)
        }
    }

    /// Values as f32 (for --save-weights and float initializers).
    public func floats(for p: Parameter) throws(CodegenError) -> [Float] {
        guard let shape = p.type.staticShape else { throw .parameterData("parameter '\(p.name)' has a symbolic shape") }
        let count = shape.reduce(1, *)
        switch p.initializer {
        case .safetensors(let path, let key):
            do {
                if files[path] == nil { files[path] = try SafetensorsFile(path: path) }
                guard let file = files[path] else { throw CodegenError.parameterData("cannot open \(path)") }
                return try file.floats(key, shape: shape)
            } catch let e as SafetensorsError {
                throw .parameterData("weights for '\(p.name)': \(e)")
            } catch let e as CodegenError {
                throw e
            } catch {
                throw .parameterData("weights for '\(p.name)': \(error)")
            }
        case .external:
            let data = try bytes(for: p)
            guard p.type.dtype == .f32 else { throw .parameterData("parameter '\(p.name)' is \(p.type.dtype), not f32") }
            return stride(from: 0, to: data.count, by: 4).map { i in
                Float(bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24)
            }
        case .zeros, .constant, .uniform, .values:
            do {
                let v = try p.initializer.materialize(count: count)
                guard v.count == count else { throw CodegenError.parameterData("parameter '\(p.name)': \(v.count) values for \(count) elements") }
                return v
            } catch let e as CodegenError { throw e } catch { throw .parameterData("parameter '\(p.name)': \(error)") }
        }
    }
}

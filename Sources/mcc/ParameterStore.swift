import MCodegenLLVM
import MInterop
import MIR

/// Materializes parameter values: seeded initializers directly, file-backed ones from
/// safetensors (each file opened once).
final class ParameterStore {
    private var files: [String: SafetensorsFile] = [:]

    func values(for p: Parameter) throws(CodegenError) -> [Float] {
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
        case .zeros, .constant, .uniform, .values:
            do {
                let v = try p.initializer.materialize(count: count)
                guard v.count == count else { throw CodegenError.parameterData("parameter '\(p.name)': \(v.count) values for \(count) elements") }
                return v
            } catch let e as CodegenError { throw e } catch { throw .parameterData("parameter '\(p.name)': \(error)") }
        }
    }
}

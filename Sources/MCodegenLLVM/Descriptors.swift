internal import CLLVM
import MIR

/// Constant tables the C runtime reads (layouts mirror Runtime/mcc_runtime_internal.h):
///   mcc_desc_tensor { const char *name; const int64_t *dims; const char *const *dim_names;
///                     const int32_t *dim_symbols; int32_t dtype_code, dtype_bits, ndim, reserved; }
///   mcc_desc_model  { const char *name; tensors *inputs, *outputs, *params; const char *const *symbols;
///                     const uint64_t *param_offsets; const void *param_data; fn workspace_size, dims,
///                     forward; int32_t n_inputs, n_outputs, n_params, n_symbols;
///                     const char *const *kernel_names; fn kernel_flops; int64_t n_kernels;
///                     const int64_t *symbol_program; const char *const *check_messages;
///                     int32_t n_value_symbols, n_checks; }
extension IRGen {
    var tensorDescType: LLVMTypeRef { structType([i8Ptr, i8Ptr, i8Ptr, i8Ptr, i32, i32, i32, i32]) }
    var modelDescType: LLVMTypeRef { structType([LLVMTypeRef](repeating: i8Ptr, count: 10) + [i32, i32, i32, i32, i8Ptr, i8Ptr, i64, i8Ptr, i8Ptr, i32, i32]) }

    func structType(_ fields: [LLVMTypeRef]) -> LLVMTypeRef {
        var f: [LLVMTypeRef?] = fields
        return f.withUnsafeMutableBufferPointer { LLVMStructTypeInContext(context, $0.baseAddress, UInt32($0.count), 0)! }
    }
    func constStruct(_ type: LLVMTypeRef, _ values: [LLVMValueRef]) -> LLVMValueRef {
        var v: [LLVMValueRef?] = values
        return v.withUnsafeMutableBufferPointer { LLVMConstNamedStruct(type, $0.baseAddress, UInt32($0.count))! }
    }
    func constArray(_ element: LLVMTypeRef, _ values: [LLVMValueRef]) -> LLVMValueRef {
        var v: [LLVMValueRef?] = values
        return v.withUnsafeMutableBufferPointer { LLVMConstArray(element, $0.baseAddress, UInt32($0.count))! }
    }

    /// A private constant global holding `value`, returned as an `i8*`.
    func privateGlobal(_ value: LLVMValueRef, name: String = ".mcc", alignment: UInt32 = 8) -> LLVMValueRef {
        let g = LLVMAddGlobal(module, LLVMTypeOf(value), name)!
        LLVMSetInitializer(g, value)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetLinkage(g, LLVMPrivateLinkage)
        LLVMSetAlignment(g, alignment)
        return LLVMConstBitCast(g, i8Ptr)
    }

    func cString(_ s: String) -> LLVMValueRef {
        let bytes = Array(s.utf8)
        let v = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { LLVMConstStringInContext(context, $0.baseAddress, UInt32($0.count), 0)! }
        }
        return privateGlobal(v, name: ".str", alignment: 1)
    }

    /// Raw bytes (parameter data) as a 64-byte aligned constant.
    func blob(_ bytes: [UInt8], name: String) -> LLVMValueRef {
        let v = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { LLVMConstStringInContext(context, $0.baseAddress, UInt32($0.count), 1)! }
        }
        return privateGlobal(v, name: name, alignment: 64)
    }

    var null: LLVMValueRef { LLVMConstNull(i8Ptr) }

    func tensorDesc(name: String, type: TensorType, symbols: [String]) -> LLVMValueRef {
        let dims = type.shape.map { int($0.constantValue ?? -1) }
        let names = type.shape.map { $0.isStatic ? null : cString($0.description) }
        let syms = type.shape.map { d -> LLVMValueRef in int32(d.symbolName.flatMap { symbols.firstIndex(of: $0) } ?? -1) }
        return constStruct(tensorDescType, [
            cString(name),
            dims.isEmpty ? null : privateGlobal(constArray(i64, dims)),
            names.isEmpty ? null : privateGlobal(constArray(i8Ptr, names)),
            syms.isEmpty ? null : privateGlobal(constArray(i32, syms)),
            int32(type.dtype.dlpackCode), int32(type.dtype.bits), int32(type.rank), int32(0),
        ])
    }

    func tensorTable(_ entries: [LLVMValueRef]) -> LLVMValueRef {
        entries.isEmpty ? null : privateGlobal(constArray(tensorDescType, entries))
    }

    /// An exported (hidden-visibility) global the runtime object links against.
    func exportedGlobal(_ name: String, _ value: LLVMValueRef) {
        let g = LLVMAddGlobal(module, LLVMTypeOf(value), name)!
        LLVMSetInitializer(g, value)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetVisibility(g, LLVMHiddenVisibility)
    }
}

extension ModelEmitter {
    func descriptor(workspaceSize: LLVMValueRef, dims: LLVMValueRef, forward: LLVMValueRef,
                    kernelNames: [String], flops: LLVMValueRef) throws(CodegenError) -> LLVMValueRef {
        let syms = symbols
        let inputs = function.arguments.map { gen.tensorDesc(name: $0.name, type: $0.type, symbols: syms) }
        let outputs = function.results.map { gen.tensorDesc(name: $0.name, type: function.type(of: $0.value), symbols: syms) }
        var paramNames: [String] = []
        var paramTypes: [String: TensorType] = [:]
        for op in function.ops where op.kind == .param {
            if let n = op.attributes["name"]?.stringValue, paramTypes[n] == nil {
                paramNames.append(n); paramTypes[n] = function.type(of: op.result)
            }
        }
        let params = paramNames.map { gen.tensorDesc(name: $0, type: paramTypes[$0] ?? TensorType(.f32, []), symbols: syms) }
        let offsets = paramNames.map { gen.int(parameterOffsets[$0] ?? 0) }
        let symbolNames = syms.map { gen.cString($0) }
        let paramData = LLVMGetNamedGlobal(gen.module, "mcc_param_data").map { LLVMConstBitCast($0, gen.i8Ptr)! } ?? gen.null
        return gen.constStruct(gen.modelDescType, [
            gen.cString(function.name),
            gen.tensorTable(inputs), gen.tensorTable(outputs), gen.tensorTable(params),
            symbolNames.isEmpty ? gen.null : gen.privateGlobal(gen.constArray(gen.i8Ptr, symbolNames)),
            offsets.isEmpty ? gen.null : gen.privateGlobal(gen.constArray(gen.i64, offsets)),
            paramData,
            LLVMConstBitCast(workspaceSize, gen.i8Ptr), LLVMConstBitCast(dims, gen.i8Ptr), LLVMConstBitCast(forward, gen.i8Ptr),
            gen.int32(function.arguments.count), gen.int32(function.results.count), gen.int32(paramNames.count), gen.int32(syms.count),
            kernelNames.isEmpty ? gen.null : gen.privateGlobal(gen.constArray(gen.i8Ptr, kernelNames.map { gen.cString($0) })),
            LLVMConstBitCast(flops, gen.i8Ptr), gen.int(kernelNames.count),
            program.isEmpty ? gen.null : gen.privateGlobal(gen.constArray(gen.i64, program.map { gen.int($0) })),
            function.symbolChecks.isEmpty ? gen.null
                : gen.privateGlobal(gen.constArray(gen.i8Ptr, function.symbolChecks.map { gen.cString($0.message) })),
            gen.int32(function.valueSymbols.count), gen.int32(function.symbolChecks.count),
        ])
    }

    /// The value symbols and checks as the runtime's statement words (mcc_value_symbols.c).
    var program: [Int] {
        guard !function.valueSymbols.isEmpty || !function.symbolChecks.isEmpty else { return [] }
        let syms = symbols
        let argIndex = Dictionary(function.arguments.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func encode(_ e: SymExpr) -> [Int] {
            switch e {
            case .int(let v): return [1, v]
            case .float(let v): return [2, Int(Int64(bitPattern: v.bitPattern))]
            case .symbol(let s): return [3, syms.firstIndex(of: s) ?? 0]
            case .element(let a, let i): return [4, argIndex[a] ?? 0, i]
            case .countNonzero(let a): return [6, argIndex[a] ?? 0]
            case .countUnique(let a, let axis): return [8, argIndex[a] ?? 0, axis ?? -1]
            case .countNMS(let b, let s, let xs): return xs.flatMap(encode) + [7, argIndex[b] ?? 0, argIndex[s] ?? 0]
            case .call(let f, let args):
                return args.flatMap(encode) + [5, SymFunction.allCases.firstIndex(of: f) ?? 0]
            }
        }
        // A check runs as soon as the value symbols it reads are defined, so that invalid
        // data (a zero step) fails with the check's message before a later symbol divides by it.
        let position = Dictionary(function.valueSymbols.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var checksAfter = [[Int]](repeating: [], count: function.valueSymbols.count + 1)
        for (i, c) in function.symbolChecks.enumerated() {
            checksAfter[(c.expr.symbols.compactMap { position[$0] }.max() ?? -1) + 1].append(i)
        }
        var words: [Int] = []
        func emitChecks(_ slot: Int) {
            for i in checksAfter[slot] {
                let body = encode(function.symbolChecks[i].expr)
                words += [2, i, body.count] + body
            }
        }
        emitChecks(0)
        for (k, v) in function.valueSymbols.enumerated() {
            let body = encode(v.expr)
            words += [1, syms.firstIndex(of: v.name) ?? 0, body.count] + body
            emitChecks(k + 1)
        }
        return words + [0]
    }
}

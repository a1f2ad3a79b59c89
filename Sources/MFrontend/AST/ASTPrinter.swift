import MIR

// Canonical M text for AST nodes. Expressions print fully parenthesized so tests can check
// grouping (`((a + b) * c)`); declarations print one member or statement per line. Printing,
// re-parsing and printing again gives the same text, which the tests use as a round-trip check.

extension Expr: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .identifier(let name): return name
        case .int(let value): return String(value)
        case .float(let value): return String(value)
        case .string(let value): return quoted(value)
        case .bool(let value): return value ? "true" : "false"
        case .call(let callee, let arguments):
            return "\(callee)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .member(let base, let name): return "\(base).\(name.name)"
        case .subscript(let base, let indices):
            return "\(base)[\(indices.map(\.description).joined(separator: ", "))]"
        case .binary(let op, let lhs, let rhs): return "(\(lhs) \(op.spelling) \(rhs))"
        case .unary(let op, let operand):
            return op == .not ? "(not \(operand))" : "(-\(operand))"
        case .tuple(let elements):
            if elements.count == 1, let only = elements.first { return "(\(only),)" }
            return "(\(elements.map(\.description).joined(separator: ", ")))"
        case .list(let elements): return "[\(elements.map(\.description).joined(separator: ", "))]"
        }
    }
}

extension Argument: CustomStringConvertible {
    public var description: String {
        if let label { return "\(label.name) = \(value)" }
        return value.description
    }
}

extension TypeExpr: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .int: return "Int"
        case .float: return "Float"
        case .bool: return "Bool"
        case .string: return "String"
        case .named(let name): return name
        case .tensor(let dtype, let dims):
            return "\(dtype.rawValue)[\(dims.map(\.description).joined(separator: ", "))]"
        case .tuple(let elements): return "(\(elements.map(\.description).joined(separator: ", ")))"
        case .list(let element): return "[\(element)]"
        case .function(let parameters, let result):
            return "(\(parameters.map(\.description).joined(separator: ", "))) -> \(result)"
        }
    }
}

extension DimExpr: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .constant(let value): return String(value)
        case .symbol(let name): return name
        case .binary(let op, let lhs, let rhs): return "(\(lhs) \(op.rawValue) \(rhs))"
        }
    }
}

extension Parameter: CustomStringConvertible {
    public var description: String {
        var text = name.name
        if let type { text += ": \(type)" }
        if let defaultValue { text += " = \(defaultValue)" }
        return text
    }
}

extension SourceUnit {
    /// The whole file as canonical M text, one declaration per line (blocks indented by 4).
    public func dump() -> String {
        var out = ""
        for decl in declarations { decl.dump(into: &out) }
        return out
    }
}

extension Decl {
    func dump(into out: inout String) {
        switch self {
        case .import(let d): out += "import \(quoted(d.path))\n"
        case .importONNX(let d): out += "import onnx \(quoted(d.path)) as \(d.alias.name)\n"
        case .model(let d):
            var header = "model \(d.name.name)"
            switch d.kind {
            case .body: break
            case .instantiation(let value): header += " = \(value)"
            case .extends(let base, let arguments):
                header += " extends \(base.name)"
                if !arguments.isEmpty { header += "(\(arguments.map(\.description).joined(separator: ", ")))" }
            case .custom(let builder): header += " = \(builder.name)"
            }
            if d.bodyRange == nil { out += header + "\n" } else { dumpMembers(d.members, header: header, into: &out) }
        case .metamodel(let d):
            let header = "metamodel \(d.name.name)(\(d.parameters.map(\.description).joined(separator: ", ")))"
            dumpMembers(d.members, header: header, into: &out)
        case .func(let d):
            var header = "func \(d.name.name)(\(d.parameters.map(\.description).joined(separator: ", ")))"
            if let returnType = d.returnType { header += " -> \(returnType)" }
            out += header + " "
            d.body.dump(indent: "", into: &out)
            out += "\n"
        case .statement(let s): s.dump(indent: "", into: &out)
        }
    }
}

private func dumpMembers(_ members: [ModelMember], header: String, into out: inout String) {
    out += header + " {\n"
    for member in members {
        let indent = "    "
        switch member.kind {
        case .input(let name, let type): out += "\(indent)input \(name.name): \(type)\n"
        case .output(let name, let type, let value):
            out += "\(indent)output \(name.name)"
            if let type { out += ": \(type)" }
            if let value { out += " = \(value)" }
            out += "\n"
        case .binding(let name, let value): out += "\(indent)\(name.name) = \(value)\n"
        case .forward(let body):
            out += "\(indent)forward "
            body.dump(indent: indent, into: &out)
            out += "\n"
        }
    }
    out += "}\n"
}

extension Block {
    /// Prints `{`, the statements indented one level deeper than `indent`, then `}` (no newline).
    func dump(indent: String, into out: inout String) {
        out += "{\n"
        for statement in statements { statement.dump(indent: indent + "    ", into: &out) }
        out += indent + "}"
    }
}

extension Stmt {
    func dump(indent: String, into out: inout String) {
        out += indent
        switch kind {
        case .assign(let targets, let value):
            out += "\(targets.map(\.description).joined(separator: ", ")) = \(value)"
        case .expression(let e): out += e.description
        case .for(let variables, let sequence, let body):
            out += "for \(variables.map(\.name).joined(separator: ", ")) in \(sequence) "
            body.dump(indent: indent, into: &out)
        case .while(let condition, let body):
            out += "while \(condition) "
            body.dump(indent: indent, into: &out)
        case .if(let condition, let then, let orElse):
            out += "if \(condition) "
            then.dump(indent: indent, into: &out)
            if let orElse {
                out += " else "
                orElse.dump(indent: indent, into: &out)
            }
        case .return(let value): out += value.map { "return \($0)" } ?? "return"
        case .variable(let isMutable, let name, let type, let value):
            out += (isMutable ? "var " : "let ") + name.name
            if let type { out += ": \(type)" }
            if let value { out += " = \(value)" }
        }
        out += "\n"
    }
}

/// A double-quoted M string literal whose escapes re-lex to `value`.
func quoted(_ value: String) -> String {
    var out = "\""
    for ch in value.unicodeScalars {
        switch ch {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}

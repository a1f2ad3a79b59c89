/// Shape rule of lstm_sequence: one direction of an ONNX LSTM layer, run as one kernel.
///  - xw f32[seq, b, 4h]: every step's input projection x_t W^T plus both biases (Wb + Rb),
///    computed before the recurrence (one GEMM for all steps), gate blocks in ONNX order i, o, f, c;
///  - r f32[h, 4h]: the recurrent weight transposed (step t adds h_{t-1} r to xw[t]);
///  - h0, c0 f32[b, h]: the initial states;
///  - p f32[3h] (when {peepholes = 1}): the peephole weights p_i, p_o, p_f;
///  - lens i32/i64[b] (an integer last operand): batch row j is updated only while t < lens[j];
///    its later outputs are zero and its state is kept (ONNX sequence_lens).
/// Attributes: {direction = "forward"|"reverse", clip} (clip bounds every gate's pre-activation
/// to [-clip, clip]). The activations are ONNX's defaults (sigmoid, tanh, tanh).
/// The result f32[seq + 2, b, h] packs Y (rows 0 ..< seq, in time order for either direction)
/// with the final hidden state (row seq) and the final cell state (row seq + 1), so one op has
/// the layer's three outputs as slices (views, no copies).
extension OpKind {
    func inferLSTMSequence(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let (xw, r, h0, c0) = (ops[0], ops[1], ops[2], ops[3])
        guard xw.dtype == .f32, xw.rank == 3 else { throw ShapeError("'lstm_sequence' expects xw f32[seq, b, 4h], got \(xw)") }
        guard r.dtype == .f32, r.rank == 2, let h = r.shape[0].constantValue, r.shape[1] == .constant(4 * h) else {
            throw ShapeError("'lstm_sequence' expects r f32[h, 4h] with a static h, got \(r)")
        }
        guard xw.shape[2] == .constant(4 * h) else { throw ShapeError("'lstm_sequence' xw's last dim must be 4h = \(4 * h), got \(xw)") }
        let batch = xw.shape[1], state = TensorType(.f32, [batch, .constant(h)])
        guard h0 == state, c0 == state else { throw ShapeError("'lstm_sequence' expects h0 and c0 of type \(state), got \(h0) and \(c0)") }
        let peepholes = attrs["peepholes"]?.intValue ?? 0
        guard peepholes == 0 || peepholes == 1 else { throw ShapeError("'lstm_sequence' peepholes must be 0 or 1, got \(peepholes)") }
        let lensCount = ops.count - 4 - peepholes
        guard lensCount == 0 || lensCount == 1 else {
            throw ShapeError("'lstm_sequence' takes xw, r, h0, c0\(peepholes == 1 ? ", p" : "") and an optional lens: got \(ops.count) operands")
        }
        if peepholes == 1, ops[4] != TensorType(.f32, [.constant(3 * h)]) {
            throw ShapeError("'lstm_sequence' expects peepholes f32[\(3 * h)], got \(ops[4])")
        }
        if lensCount == 1, let lens = ops.last, !(lens.dtype == .i32 || lens.dtype == .i64) || lens.rank != 1 || lens.shape[0] != batch {
            throw ShapeError("'lstm_sequence' expects lens i32 or i64 [\(batch)], got \(lens)")
        }
        let direction = attrs["direction"]?.stringValue ?? "forward"
        guard direction == "forward" || direction == "reverse" else {
            throw ShapeError("'lstm_sequence' direction must be forward or reverse, got '\(direction)'")
        }
        if let clip = attrs["clip"]?.floatValue, !(clip > 0) { throw ShapeError("'lstm_sequence' clip must be positive, got \(clip)") }
        return TensorType(.f32, [xw.shape[0] + .constant(2), batch, .constant(h)])
    }
}

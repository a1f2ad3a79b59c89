package mcc;

/** Element types of mcc tensors, with their DLPack codes. */
public enum DType {
    F32(2, 32, "f32"),
    F64(2, 64, "f64"),
    F16(2, 16, "f16"),
    BF16(4, 16, "bf16"),
    I8(0, 8, "i8"),
    I32(0, 32, "i32"),
    I64(0, 64, "i64"),
    U8(1, 8, "u8"),
    BOOL(6, 8, "bool");

    final int code;
    final int bits;
    private final String spelling;

    DType(int code, int bits, String spelling) {
        this.code = code;
        this.bits = bits;
        this.spelling = spelling;
    }

    /** Bytes per element. */
    public int byteSize() {
        return bits / 8;
    }

    /** The type with DLPack {@code code} and {@code bits} (one lane), or null. */
    static DType of(int code, int bits, int lanes) {
        for (DType t : values()) {
            if (t.code == code && t.bits == bits && lanes == 1) {
                return t;
            }
        }
        return null;
    }

    /** M's spelling: {@code f32}, {@code i64}, {@code bool}. */
    @Override
    public String toString() {
        return spelling;
    }
}

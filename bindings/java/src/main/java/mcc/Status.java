package mcc;

/** {@code mcc_status}: why an mcc library call failed. */
public enum Status {
    OK(0),
    INVALID_ARGUMENT(1),
    SHAPE_MISMATCH(2),
    DTYPE_MISMATCH(3),
    UNSUPPORTED(4),
    OUT_OF_MEMORY(5),
    NOT_FOUND(6),
    INTERNAL(7);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The value of the C enum. */
    public int code() {
        return code;
    }

    /** The status with C value {@code code}; {@link #INTERNAL} for values this binding does not know. */
    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return INTERNAL;
    }
}

package mcc;

/**
 * A failure reported by an mcc library: its {@link Status} and the library's own message
 * ({@code mcc_last_error()}), e.g. {@code input 'x' (#0): dim 1 is 783, expected 784}.
 */
public class MccException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    public MccException(Status status, String message) {
        super(message);
        this.status = status;
    }

    /** Called by the JNI glue with the C status value. */
    MccException(int status, String message) {
        this(Status.of(status), message);
    }

    public Status status() {
        return status;
    }

    @Override
    public String toString() {
        return "mcc.MccException: " + getMessage() + " [" + status + "]";
    }
}

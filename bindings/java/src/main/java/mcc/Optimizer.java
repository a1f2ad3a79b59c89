package mcc;

/**
 * An optimizer configuration for {@link Model#setOptimizer} (mcc_optimizer_config, C ABI 1.1),
 * with PyTorch's defaults: {@code Optimizer.adamw(1e-3, 0.01).cosine(10000, 0).warmup(100).clip(1.0)}.
 * The formulas are in docs/c-abi.md ("Training").
 */
public final class Optimizer {
    static final int SGD = 0, ADAM = 1, ADAMW = 2;
    static final int CONSTANT = 0, STEP = 1, COSINE = 2;

    final int kind;
    int schedule = CONSTANT;
    boolean nesterov;
    double learningRate, weightDecay, momentum, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, gamma = 0.1, minLr, clipNorm;
    long warmupSteps, stepSize = 1, totalSteps;

    private Optimizer(int kind, double learningRate) {
        this.kind = kind;
        this.learningRate = learningRate;
    }

    /** SGD; momentum 0 for plain SGD, nesterov needs momentum > 0. */
    public static Optimizer sgd(double learningRate, double momentum, boolean nesterov) {
        Optimizer o = new Optimizer(SGD, learningRate);
        o.momentum = momentum;
        o.nesterov = nesterov;
        return o;
    }

    /** Adam; weight decay, if any, is added to the gradient (L2). */
    public static Optimizer adam(double learningRate) {
        return new Optimizer(ADAM, learningRate);
    }

    /** AdamW: decoupled weight decay. */
    public static Optimizer adamw(double learningRate, double weightDecay) {
        return new Optimizer(ADAMW, learningRate).weightDecay(weightDecay);
    }

    public Optimizer weightDecay(double decay) {
        weightDecay = decay;
        return this;
    }

    public Optimizer betas(double b1, double b2) {
        beta1 = b1;
        beta2 = b2;
        return this;
    }

    public Optimizer epsilon(double eps) {
        epsilon = eps;
        return this;
    }

    /** Linear warmup over the first {@code steps} steps. */
    public Optimizer warmup(long steps) {
        warmupSteps = steps;
        return this;
    }

    /** The rate times {@code factor} every {@code every} steps after warmup. */
    public Optimizer stepDecay(long every, double factor) {
        schedule = STEP;
        stepSize = every;
        gamma = factor;
        return this;
    }

    /** Cosine decay to {@code min} at step {@code total}. */
    public Optimizer cosine(long total, double min) {
        schedule = COSINE;
        totalSteps = total;
        minLr = min;
        return this;
    }

    /** Clip the global gradient norm to {@code maxNorm} (0: off). */
    public Optimizer clip(double maxNorm) {
        clipNorm = maxNorm;
        return this;
    }
}

// optimizer.hpp: mcc_optimizer_config with defaults and a fluent builder (part of mcc.hpp).
#ifndef MCC_OPTIMIZER_HPP
#define MCC_OPTIMIZER_HPP

#include "mcc.h"

#include <cstdint>

namespace mcc {

/// mcc_optimizer_config with PyTorch's defaults: Optimizer::adam(1e-3).cosine(1000).warmup(100).clip(1.0).
struct Optimizer : mcc_optimizer_config {
  explicit Optimizer(mcc_optimizer_kind kind, double lr) : mcc_optimizer_config{} {
    this->kind = kind;
    learning_rate = lr;
    beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, step_size = 1, gamma = 0.1;
  }
  static Optimizer sgd(double lr, double momentum = 0, bool nesterov = false) {
    Optimizer o(MCC_OPTIMIZER_SGD, lr);
    o.momentum = momentum, o.nesterov = nesterov;
    return o;
  }
  static Optimizer adam(double lr = 1e-3) { return Optimizer(MCC_OPTIMIZER_ADAM, lr); }
  static Optimizer adamw(double lr = 1e-3, double weight_decay = 1e-2) { return Optimizer(MCC_OPTIMIZER_ADAMW, lr).decay(weight_decay); }
  Optimizer &decay(double w) { return weight_decay = w, *this; }
  Optimizer &betas(double b1, double b2) { return beta1 = b1, beta2 = b2, *this; }
  Optimizer &warmup(int64_t steps) { return warmup_steps = steps, *this; }
  Optimizer &step_decay(int64_t every, double factor) { return schedule = MCC_SCHEDULE_STEP, step_size = every, gamma = factor, *this; }
  Optimizer &cosine(int64_t total, double min = 0) { return schedule = MCC_SCHEDULE_COSINE, total_steps = total, min_lr = min, *this; }
  Optimizer &clip(double max_norm) { return clip_norm = max_norm, *this; }
};

}  // namespace mcc

#endif  // MCC_OPTIMIZER_HPP

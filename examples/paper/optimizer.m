// The paper's model optimization language (section 3.2, part 2): a pipeline of pruning and
// quantization applied to a model. `optimize` returns a model of the same signature.
import "stdlib/lenet.m"

net = LeNet()
optimizer = Optimizer()   // Create an optimizer
// Pruning: strategy, ratio, scope (global or local), target (weights, neurons or kernels).
optimizer.add(Pruning(strategy = 'magnitude', percentage = 0.2, scope = 'global', target = 'weights'))
// Quantization: bits, scope (weights, activations or global), method (linear or non-linear).
optimizer.add(Quantization(bits = 8, scope = 'global', method = 'linear'))
// Optimize: the order of the steps and the goal (speed or memory).
optimized_model = optimizer.optimize(net, order = 'sequential', goal = 'speed')
print(optimized_model.summary())

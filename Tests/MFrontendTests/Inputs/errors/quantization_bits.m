// Quantization to an unsupported width.
opt = Optimizer()
opt.add(Quantization(bits = 7, scope = "global", method = "linear"))

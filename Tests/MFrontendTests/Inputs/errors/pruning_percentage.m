// A pruning ratio above 1.
opt = Optimizer()
opt.add(Pruning(strategy = "magnitude", percentage = 1.5, scope = "global", target = "weights"))

// An engine on a device that does not exist.
engine = Engine(device = "TPU:0")
engine.set_num_threads(4)

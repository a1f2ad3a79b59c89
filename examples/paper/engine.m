// The paper's model execution engine (section 3.2, part 3).
import "stdlib/lenet.m"

optimizer = Optimizer()
optimizer.add(Quantization(bits = 8, scope = 'global', method = 'linear'))
optimized_model = optimizer.optimize(LeNet(), order = 'sequential', goal = 'speed')
data = load_csv("data/digits.csv", label = "digit")

engine = Engine(device = 'GPU:0')        // Create an engine, specify the execution device
engine.load_model(optimized_model)        // Load the model: structure and parameters
engine.prepare_data(data)                 // Prepare the data: loading and preprocessing
engine.set_batch_size(32)                 // Set the batch size
engine.set_num_threads(4)                 // Set the number of execution threads
engine.enable_profiling('profile.json')   // Enable performance analysis, with the path of the results
output = engine.run()                     // Execute the model, return its output
engine.save_model('model.bin')            // Save the model, specify the path
print(output)

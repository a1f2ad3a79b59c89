import MIR

/// GridSample and RoiAlign: each maps to one MIR sampling op with its attributes checked here,
/// so an unsupported mode is reported at the node rather than by the shape rule.
extension ONNXImporter {
    mutating func gridSample(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), grid = try tensorInput(n, 1)
        let rank = function.type(of: x).rank
        guard rank == 4 else { throw .unsupported("GridSample on a rank-\(rank) input (only 2-D spatial, NCHW)") }
        // Opset 20 renamed bilinear/bicubic to linear/cubic.
        let names = ["bilinear": "bilinear", "linear": "bilinear", "nearest": "nearest", "bicubic": "bicubic", "cubic": "bicubic"]
        let modeName = n.string("mode", opset >= 20 ? "linear" : "bilinear")
        guard let mode = names[modeName] else { throw NodeError("GridSample mode '\(modeName)' is not one of linear, nearest, cubic") }
        let padding = n.string("padding_mode", "zeros")
        guard ["zeros", "border", "reflection"].contains(padding) else {
            throw NodeError("GridSample padding_mode '\(padding)' is not one of zeros, border, reflection")
        }
        return try emit(.gridSample, [x, grid], attributes: [
            "mode": .string(mode), "padding_mode": .string(padding), "align_corners": .int(n.int("align_corners", 0) != 0 ? 1 : 0)])
    }

    mutating func roiAlign(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), rois = try tensorInput(n, 1), batch = try tensorInput(n, 2)
        let mode = n.string("mode", "avg")
        guard mode == "avg" || mode == "max" else { throw NodeError("RoiAlign mode '\(mode)' is not avg or max") }
        // Opset 10 had no coordinate_transformation_mode and behaved as output_half_pixel.
        let coordinate = n.string("coordinate_transformation_mode", opset >= 16 ? "half_pixel" : "output_half_pixel")
        guard coordinate == "half_pixel" || coordinate == "output_half_pixel" else {
            throw NodeError("RoiAlign coordinate_transformation_mode '\(coordinate)' is not half_pixel or output_half_pixel")
        }
        let height = n.int("output_height", 1), width = n.int("output_width", 1), ratio = n.int("sampling_ratio", 0)
        guard height > 0, width > 0 else { throw NodeError("RoiAlign output_height and output_width must be positive") }
        guard ratio >= 0 else { throw NodeError("RoiAlign sampling_ratio must be >= 0, got \(ratio)") }
        return try emit(.roiAlign, [x, rois, batch], attributes: [
            "mode": .string(mode), "coordinate_mode": .string(coordinate), "output_height": .int(height),
            "output_width": .int(width), "sampling_ratio": .int(ratio), "spatial_scale": .float(n.float("spatial_scale", 1))])
    }
}

/// Shape rules of the sampling ops: grid_sample and roi_align read an NCHW image at
/// fractional positions (bilinear and friends), so their output size comes from the grid or
/// the attributes, not from the image.

extension OpKind {
    func inferSampling(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0]
        guard x.rank == 4 else { throw ShapeError("'\(rawValue)' expects a rank-4 NCHW input, got \(x)") }
        guard x.dtype.isFloat else { throw ShapeError("'\(rawValue)' expects a float input, got \(x)") }
        switch self {
        case .gridSample:
            let grid = ops[1]
            guard grid.dtype == x.dtype, grid.rank == 4, grid.shape[3] == .constant(2), grid.shape[0] == x.shape[0] else {
                throw ShapeError("'grid_sample' grid must be [N, H_out, W_out, 2] of the input's dtype and batch, got \(grid) for \(x)")
            }
            let mode = attrs["mode"]?.stringValue ?? "bilinear"
            guard ["bilinear", "nearest", "bicubic"].contains(mode) else {
                throw ShapeError("'grid_sample' mode must be bilinear, nearest or bicubic, got '\(mode)'")
            }
            let padding = attrs["padding_mode"]?.stringValue ?? "zeros"
            guard ["zeros", "border", "reflection"].contains(padding) else {
                throw ShapeError("'grid_sample' padding_mode must be zeros, border or reflection, got '\(padding)'")
            }
            return TensorType(x.dtype, [x.shape[0], x.shape[1], grid.shape[1], grid.shape[2]])
        case .roiAlign:
            let rois = ops[1], batch = ops[2]
            guard rois.dtype == x.dtype, rois.rank == 2, rois.shape[1] == .constant(4) else {
                throw ShapeError("'roi_align' rois must be [R, 4] of the input's dtype, got \(rois)")
            }
            guard batch.dtype == .i64 || batch.dtype == .i32, batch.rank == 1, batch.shape[0] == rois.shape[0] else {
                throw ShapeError("'roi_align' batch_indices must be an integer [R] matching rois, got \(batch) for \(rois)")
            }
            let mode = attrs["mode"]?.stringValue ?? "avg"
            guard mode == "avg" || mode == "max" else { throw ShapeError("'roi_align' mode must be avg or max, got '\(mode)'") }
            let coordinate = attrs["coordinate_mode"]?.stringValue ?? "half_pixel"
            guard coordinate == "half_pixel" || coordinate == "output_half_pixel" else {
                throw ShapeError("'roi_align' coordinate_mode must be half_pixel or output_half_pixel, got '\(coordinate)'")
            }
            guard let h = attrs["output_height"]?.intValue, let w = attrs["output_width"]?.intValue, h > 0, w > 0 else {
                throw ShapeError("'roi_align' needs positive output_height and output_width")
            }
            guard (attrs["sampling_ratio"]?.intValue ?? 0) >= 0 else { throw ShapeError("'roi_align' sampling_ratio must be >= 0") }
            return TensorType(x.dtype, [rois.shape[0], x.shape[1], .constant(h), .constant(w)])
        default:
            throw ShapeError("internal error: '\(rawValue)' is not a sampling op")
        }
    }
}

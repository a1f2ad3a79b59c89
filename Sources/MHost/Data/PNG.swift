import CZlib
import Foundation

/// A decoded image: 8-bit samples, row-major, `channels` per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
public struct Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]
}

/// PNG decoding over zlib: 8-bit grayscale, gray+alpha, RGB and RGBA, all five filter types,
/// non-interlaced. Anything else is a clear error naming the file.
public enum PNGDecoder {
    public static func decode(_ bytes: [UInt8], name: String) throws(DataError) -> Image {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw DataError("'\(name)' is not a PNG file") }
        var p = 8
        var width = 0, height = 0, channels = 0
        var idat: [UInt8] = []
        var sawHeader = false, sawEnd = false
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        while p + 12 <= bytes.count, !sawEnd {
            let length = u32(p)
            let type = String(decoding: bytes[(p + 4)..<(p + 8)], as: UTF8.self)
            guard length >= 0, p + 12 + length <= bytes.count else { throw DataError("'\(name)': chunk '\(type)' is truncated") }
            let body = p + 8
            let crc = bytes[(p + 4)..<(body + length)].withContiguousStorageIfAvailable { buf in
                crc32(0, buf.baseAddress, UInt32(buf.count))
            } ?? 0
            guard UInt(crc) == UInt(u32(body + length)) else { throw DataError("'\(name)': chunk '\(type)' fails its CRC check") }
            switch type {
            case "IHDR":
                guard length == 13 else { throw DataError("'\(name)': bad IHDR") }
                width = u32(body); height = u32(body + 4)
                let depth = bytes[body + 8], color = bytes[body + 9], interlace = bytes[body + 12]
                guard depth == 8 else { throw DataError("'\(name)': bit depth \(depth) is not supported (only 8-bit images)") }
                switch color {
                case 0: channels = 1
                case 4: channels = 2
                case 2: channels = 3
                case 6: channels = 4
                case 3: throw DataError("'\(name)': palette images are not supported (save as gray, RGB or RGBA)")
                default: throw DataError("'\(name)': unknown color type \(color)")
                }
                guard interlace == 0 else { throw DataError("'\(name)': interlaced PNGs are not supported") }
                guard width > 0, height > 0, width <= 1 << 14, height <= 1 << 14 else {
                    throw DataError("'\(name)': image size \(width)x\(height) is out of range")
                }
                sawHeader = true
            case "IDAT": idat.append(contentsOf: bytes[body..<(body + length)])
            case "IEND": sawEnd = true
            default: break   // ancillary chunks (gAMA, tEXt, ...) do not change 8-bit samples
            }
            p = body + length + 4
        }
        guard sawHeader else { throw DataError("'\(name)': no IHDR chunk") }
        guard !idat.isEmpty else { throw DataError("'\(name)': no image data") }
        let stride = width * channels
        let raw = try Inflate.decompress(idat, raw: false, expectedSize: height * (stride + 1), what: "'\(name)'")
        guard raw.count >= height * (stride + 1) else {
            throw DataError("'\(name)': image data holds \(raw.count) bytes, expected \(height * (stride + 1))")
        }
        return Image(width: width, height: height, channels: channels,
                     pixels: try unfilter(raw, height: height, stride: stride, bpp: channels, name: name))
    }

    /// Undoes the per-row filters (None, Sub, Up, Average, Paeth).
    static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bpp: Int, name: String) throws(DataError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let src = y * (stride + 1) + 1, dst = y * stride, above = dst - stride
            for x in 0..<stride {
                let v = raw[src + x]
                let a = x >= bpp ? Int(out[dst + x - bpp]) : 0
                let b = y > 0 ? Int(out[above + x]) : 0
                let c = (y > 0 && x >= bpp) ? Int(out[above + x - bpp]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: throw DataError("'\(name)': row \(y) uses unknown filter type \(filter)")
                }
                out[dst + x] = UInt8(truncatingIfNeeded: Int(v) + predicted)
            }
        }
        return out
    }
}

/// `load_images(folder)`: one subfolder per class (sorted names are classes 0, 1, ...), PNG files
/// inside; every image must have one size. Features are `[channels, height, width]` in [0, 1].
public enum ImageFolderLoader {
    public static func load(folder: String, grayscale: Bool?) throws(DataError) -> Dataset {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw DataError("no such folder: '\(folder)'")
        }
        let classes = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: folder + "/" + name, isDirectory: &d) && d.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw DataError("'\(folder)' has no class subfolders (expected one folder per class)") }
        var features: [Float] = [], labels: [Int] = []
        var shape: (w: Int, h: Int)? = nil
        var outChannels = 0
        for (label, cls) in classes.enumerated() {
            let dir = folder + "/" + cls
            let files = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
            for file in files {
                let path = dir + "/" + file
                guard let data = fm.contents(atPath: path) else { throw DataError("cannot read '\(path)'") }
                let image = try PNGDecoder.decode([UInt8](data), name: path)
                if let s = shape {
                    guard s.w == image.width, s.h == image.height else {
                        throw DataError("'\(path)' is \(image.width)x\(image.height), but the other images are \(s.w)x\(s.h)")
                    }
                } else {
                    shape = (image.width, image.height)
                    outChannels = grayscale ?? (image.channels <= 2) ? 1 : 3
                }
                features.append(contentsOf: planar(image, channels: outChannels))
                labels.append(label)
            }
        }
        guard let s = shape else { throw DataError("'\(folder)' holds no .png images") }
        var d = Dataset(features: features, featureShape: [outChannels, s.h, s.w], targets: .classes(labels))
        d.classNames = classes
        return d
    }

    /// Channels-first floats in [0, 1]; alpha is dropped, gray and color converted as needed.
    static func planar(_ image: Image, channels: Int) -> [Float] {
        let n = image.width * image.height
        var out = [Float](repeating: 0, count: channels * n)
        for i in 0..<n {
            let px = image.pixels[(i * image.channels)..<((i + 1) * image.channels)].map { Float($0) / 255 }
            let color = image.channels >= 3 ? Array(px[0..<3]) : [px[0], px[0], px[0]]
            if channels == 1 {
                out[i] = image.channels >= 3 ? 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2] : px[0]
            } else {
                for c in 0..<3 { out[c * n + i] = color[c] }
            }
        }
        return out
    }
}

import CZlib

/// The members of a zip archive (what numpy's `savez` and `savez_compressed` write): stored or
/// deflated, with zip64 sizes (numpy forces zip64 headers).
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }
    let bytes: [UInt8]
    let name: String
    private(set) var entries: [Entry] = []

    init(bytes: [UInt8], name: String) throws(DataError) {
        self.bytes = bytes; self.name = name
        // End of central directory: the last "PK\5\6" within the final 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw DataError("'\(name)' is not a zip archive (too short)") }
        var eocd = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 65_535) {
            if u32(i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw DataError("'\(name)' is not a zip archive (no end of central directory)") }
        var count = Int(u16(eocd + 10))
        var directory = Int(u32(eocd + 16))
        // Zip64 end of central directory locator just before it.
        if (count == 0xFFFF || directory == 0xFFFF_FFFF), eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let record = Int(u64(eocd - 12))
            guard record + 56 <= bytes.count, u32(record) == 0x0606_4B50 else { throw DataError("'\(name)': bad zip64 record") }
            count = Int(u64(record + 32)); directory = Int(u64(record + 48))
        }
        var p = directory
        for _ in 0..<count {
            guard p + 46 <= bytes.count, u32(p) == 0x0201_4B50 else { throw DataError("'\(name)': corrupt central directory") }
            let method = u16(p + 10)
            var compressed = Int(u32(p + 20)), size = Int(u32(p + 24))
            let nameLength = Int(u16(p + 28)), extraLength = Int(u16(p + 30)), commentLength = Int(u16(p + 32))
            var local = Int(u32(p + 42))
            guard p + 46 + nameLength + extraLength <= bytes.count else { throw DataError("'\(name)': corrupt central directory") }
            let entryName = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // Zip64 extended information: the 0xFFFFFFFF fields, in this order.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(e), length = Int(u16(e + 2))
                if id == 0x0001, e + 4 + length <= extraEnd {
                    var q = e + 4
                    let fields = (size == 0xFFFF_FFFF ? 1 : 0) + (compressed == 0xFFFF_FFFF ? 1 : 0) + (local == 0xFFFF_FFFF ? 1 : 0)
                    guard length >= 8 * fields else { throw DataError("'\(name)': corrupt zip64 field for '\(entryName)'") }
                    if size == 0xFFFF_FFFF { size = Int(u64(q)); q += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = Int(u64(q)); q += 8 }
                    if local == 0xFFFF_FFFF { local = Int(u64(q)) }
                }
                e += 4 + length
            }
            entries.append(Entry(name: entryName, method: method, compressedSize: compressed, size: size, localHeaderOffset: local))
            p = extraEnd + commentLength
        }
    }

    func contents(of entry: Entry) throws(DataError) -> [UInt8] {
        let h = entry.localHeaderOffset
        guard h + 30 <= bytes.count, u32(h) == 0x0403_4B50 else { throw DataError("'\(name)': bad local header for '\(entry.name)'") }
        let start = h + 30 + Int(u16(h + 26)) + Int(u16(h + 28))
        guard start + entry.compressedSize <= bytes.count else { throw DataError("'\(name)': '\(entry.name)' is truncated") }
        let raw = Array(bytes[start ..< start + entry.compressedSize])
        switch entry.method {
        case 0: return raw
        case 8: return try Inflate.decompress(raw, raw: true, expectedSize: entry.size, what: "'\(name)' member '\(entry.name)'")
        default: throw DataError("'\(name)': member '\(entry.name)' uses compression method \(entry.method) (only stored and deflated are supported)")
        }
    }

    private func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
    private func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) } }
    private func u64(_ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) } }
}

/// zlib's inflate: raw deflate (zip members) or a zlib stream (PNG image data).
enum Inflate {
    static func decompress(_ input: [UInt8], raw: Bool, expectedSize: Int?, what: String) throws(DataError) -> [UInt8] {
        var stream = z_stream()
        // windowBits -15: raw deflate without a zlib header; 15: a zlib stream.
        guard inflateInit2_(&stream, raw ? -15 : 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(what): cannot start inflate")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(expectedSize ?? input.count * 4, 64))
        var input = input
        var produced = 0
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            while status == Z_OK {
                if produced == output.count { output.append(contentsOf: [UInt8](repeating: 0, count: output.count)) }
                output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = UInt32(outBuf.count - produced)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR { status = Z_OK }
            }
        }
        guard status == Z_STREAM_END else {
            let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw DataError("\(what): corrupt compressed data (\(status == Z_BUF_ERROR ? "truncated" : message))")
        }
        output.removeSubrange(produced...)
        return output
    }
}

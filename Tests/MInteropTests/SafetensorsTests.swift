import Foundation
import Testing
@testable import MInterop

@Suite struct SafetensorsTests {
    func temp(_ name: String) -> String { NSTemporaryDirectory() + "mcc-st-\(getpid())-\(name)" }

    @Test func roundTrip() throws {
        let path = temp("rt.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsFile.write([(name: "a.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                                   (name: "b", shape: [1], values: [-0.5])], to: path)
        let f = try SafetensorsFile(path: path)
        #expect(try f.floats("a.weight", shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
        #expect(try f.floats("b", shape: [1]) == [-0.5])
        #expect(throws: SafetensorsError.self) { try f.floats("a.weight", shape: [3, 2]) }
        #expect(throws: SafetensorsError.self) { try f.floats("missing", shape: [1]) }
    }

    @Test(arguments: [
        [UInt8](),                                        // empty
        [1, 2, 3],                                        // too short
        [255, 255, 255, 255, 255, 255, 255, 255],         // absurd header length
        [2, 0, 0, 0, 0, 0, 0, 0] + Array("[]".utf8),      // header not an object
        [40, 0, 0, 0, 0, 0, 0, 0] + Array("{\"x\":{\"dtype\":\"F32\",\"shape\":[4]}}    ".utf8),
    ])
    func malformedFilesAreErrors(_ bytes: [UInt8]) throws {
        let path = temp("bad-\(bytes.count).safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
    }

    @Test func dataRangeBeyondFileIsAnError() throws {
        let header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"
        let bytes = [UInt8(header.utf8.count), 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + [0, 0, 0, 0]
        let path = temp("short.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
    }
}

import Foundation
import Testing
@testable import MHost

/// Data sets, metrics and the PNG/zip decoders on inputs built here byte by byte.
@Suite struct DataTests {
    func dataset(_ n: Int, classes: Int = 3) -> Dataset {
        var d = Dataset(features: (0..<(2 * n)).map(Float.init), featureShape: [2], targets: .classes((0..<n).map { $0 % classes }))
        d.batchSize = 4
        return d
    }

    @Test func batchesCoverEverySampleOnceAndShuffleIsSeeded() throws {
        var d = dataset(10)
        #expect(d.batches(pass: 0).map { $0.x.shape } == [[4, 2], [4, 2], [2, 2]])
        d.shuffleSeed = 7
        let first = d.batches(pass: 0).flatMap { $0.x.floats }, again = d.batches(pass: 0).flatMap { $0.x.floats }
        let second = d.batches(pass: 1).flatMap { $0.x.floats }
        #expect(first == again)
        #expect(first != second)
        #expect(first.sorted() == d.features.sorted())
    }

    @Test func splitPartsAreDisjointAndOrderedWithoutShuffle() throws {
        let d = dataset(20)
        let s = try d.split(train: 0.6, validation: 0.2, seed: 1)
        let sizes: [Int] = [s.train.count, s.validation?.count ?? 0, s.test.count]
        #expect(sizes == [12, 4, 4])
        let all = (s.train.features + (s.validation?.features ?? []) + s.test.features).sorted()
        #expect(all == d.features.sorted())
        let ordered = try d.split(train: 0.75, shuffle: false)
        #expect(ordered.test.features.first == 30)
        #expect(throws: DataError.self) { try d.split(train: 0.9, validation: 0.2) }
    }

    @Test func standardizationUsesTheTrainingPartOnly() throws {
        let d = Dataset(features: [0, 10, 2, 10, 4, 10, 100, 10], featureShape: [2], targets: .none)
        let s = try d.split(train: 0.75, shuffle: false).standardized()
        // mean 2, std sqrt(8/3) from the training rows; the constant column 2 gets std 1.
        let expected: [Float] = [-1.2247449, 0, 0, 0, 1.2247449, 0]
        #expect(zip(s.train.features, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(abs(s.test.features[0] - 98 / (8.0 / 3).squareRoot()) < 1e-3)
    }

    @Test func windowsAndFilter() throws {
        let series = Dataset(features: [1, 2, 3, 4, 5], featureShape: [1], targets: .none)
        let w = try series.windows(size: 3)
        #expect(w.featureShape == [3, 1] && w.features == [1, 2, 3, 2, 3, 4])
        #expect(w.targets == .values([4, 5], shape: [1]))
        let f = try dataset(9).filtered(classes: [2, 0])
        #expect(f.targets == .classes([1, 0, 1, 0, 1, 0]))
    }

    @Test func metricsMatchHandComputedValues() {
        let predicted = [0, 1, 1, 2, 2, 2], labels = [0, 1, 2, 2, 2, 1]
        #expect(Metrics.accuracy(predicted: predicted, labels: labels) == 4.0 / 6.0)
        let m = Metrics.macro(predicted: predicted, labels: labels)
        // class 0: p 1, r 1; class 1: p 1/2, r 1/2; class 2: p 2/3, r 2/3
        #expect(abs(m.precision - (1 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(abs(m.f1 - (1 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(Metrics.mse([1, 2], [1, 4]) == 2 && Metrics.mae([1, 2], [1, 4]) == 1)
        #expect(Metrics.r2([1, 2, 3], [1, 2, 3]) == 1)
        #expect(formatFixed(0.97775, digits: 4) == "0.9778" && formatFixed(-0.5, digits: 2) == "-0.50")
    }

    /// A 2x2 RGB PNG with a Paeth-filtered and a Sub-filtered row, compressed by zlib here.
    @Test func pngDecodesFilteredRows() throws {
        let pixels: [[UInt8]] = [[10, 20, 30, 40, 50, 60], [15, 25, 35, 200, 210, 220]]
        var raw: [UInt8] = [4] + pixels[0]   // Paeth on the first row predicts from the left
        raw[4...6] = [30, 30, 30]            // 40-10, 50-20, 60-30
        raw += [1] + [15, 25, 35, 185, 185, 185]
        let png = PNGFixture.make(width: 2, height: 2, colorType: 2, rows: raw)
        let image = try PNGDecoder.decode(png, name: "t.png")
        #expect(image.channels == 3 && image.pixels == pixels.flatMap { $0 })
        #expect(throws: DataError.self) { try PNGDecoder.decode(Array(png.dropLast(20)), name: "cut.png") }
    }

    @Test func zipReadsStoredMembers() throws {
        let body = Array("hello".utf8)
        let zip = ZipFixture.stored(name: "a.npy", body: body)
        let archive = try ZipArchive(bytes: zip, name: "t.zip")
        #expect(archive.entries.map(\.name) == ["a.npy"])
        #expect(try archive.contents(of: archive.entries[0]) == body)
    }
}

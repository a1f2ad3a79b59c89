import Testing
import Foundation
import Glibc
import MIR
@testable import MFrontend

func worstCase(_ levels: Int) -> String {
    var s = "x = "
    for _ in 0..<levels { s += "a or b and not c == d + e * f ** g(-h[" }
    s += "1" + String(repeating: "])", count: levels)
    return s
}

@Test func stackProbe() throws {
    let kb = Int(ProcessInfo.processInfo.environment["KB"] ?? "8192") ?? 8192
    let n = Int(ProcessInfo.processInfo.environment["N"] ?? "999") ?? 999
    let done = DispatchSemaphore(value: 0)
    let t = Thread {
        let mode = ProcessInfo.processInfo.environment["MODE"] ?? "chain"
        let chain = mode == "chain" ? "x = " + String(repeating: "a + ", count: n) + "a"
            : mode == "worst" ? worstCase(n)
            : mode == "pchain" ? "x = " + String(repeating: "(", count: 127) + String(repeating: "a + ", count: n) + "1" + String(repeating: ")", count: 127)
            : String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        do { let (_, e2) = parse(chain); print("parsed \(e2.errorCount)") }
        print("kb=\(kb) n=\(n) ok")
        done.signal()
    }
    t.stackSize = kb * 1024
    t.start()
    done.wait()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Stack for the parser thread. Recursive descent over input nested `Parser.maxDepth` deep needs
/// about 1 MB in debug builds (unoptimized frames are large), more than some callers' threads
/// have (Swift concurrency and dispatch threads can be 512 kB). Like clang's RunSafelyOnThread,
/// we parse on a thread whose stack we choose; the memory is reserved, and touched only as used.
let parserStackSize = 16 << 20

/// The work handed to the parser thread; it is touched by exactly one thread at a time.
private final class StackJob: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Runs `body` on a new thread with `stackSize` bytes of stack and waits for it; if no thread can
/// be created, runs it on the calling thread instead (correct, just with the caller's stack).
func runWithLargeStack<T>(_ stackSize: Int, _ body: @escaping () -> T) -> T {
    var result: T? = nil
    let job = StackJob { result = body() }
    var attributes = pthread_attr_t()
    guard pthread_attr_init(&attributes) == 0 else { return body() }
    defer { pthread_attr_destroy(&attributes) }
    guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return body() }
    let context = Unmanaged.passRetained(job).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t? = nil
    #else
    var thread = pthread_t()
    #endif
    let created = pthread_create(&thread, &attributes, { context in
        guard let context else { return nil }
        Unmanaged<StackJob>.fromOpaque(context).takeRetainedValue().body()
        return nil
    }, context)
    guard created == 0 else {
        Unmanaged<StackJob>.fromOpaque(context).release()
        return body()
    }
    #if canImport(Darwin)
    if let thread { pthread_join(thread, nil) }
    #else
    pthread_join(thread, nil)
    #endif
    return result ?? body()
}

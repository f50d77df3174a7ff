import BlockAccess

/// One side's reader inside a worker: an NBD connection with requests in flight, or a
/// local volume read synchronously. Completions carry the caller's tag.
protocol ReadChannel: AnyObject {
    var sizeBytes: UInt64 { get }
    /// Largest single read to send.
    var maxRequestBytes: Int { get }
    /// Set once the channel is unusable.
    var failure: VolumeError? { get }
    var inFlight: Int { get }
    /// Completions are waiting: collect without polling.
    var hasFinished: Bool { get }
    /// The NBD connection to poll, when this channel is one.
    var connection: NBDAsyncConnection? { get }
    func submitRead(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, tag: Int) throws(VolumeError)
    func submitBlockStatus(offset: UInt64, length: UInt64, tag: Int) throws(VolumeError)
    func collect() -> [NBDCompletion]
    func close()
}

extension NBDAsyncConnection: ReadChannel {
    var connection: NBDAsyncConnection? { self }
}

/// A local image file, block device or in-memory volume as a channel: each request is
/// served at once with `pread` (through `Volume.read`) and completes on the next collect.
final class VolumeChannel: ReadChannel {
    let volume: any Volume
    private var finished: [NBDCompletion] = []
    private(set) var failure: VolumeError?

    init(volume: any Volume) { self.volume = volume }

    var sizeBytes: UInt64 { volume.sizeBytes }
    var maxRequestBytes: Int { 32 * 1024 * 1024 }
    var inFlight: Int { 0 }
    var hasFinished: Bool { !finished.isEmpty }
    var connection: NBDAsyncConnection? { nil }

    func submitRead(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, tag: Int) throws(VolumeError) {
        do throws(VolumeError) {
            try volume.read(into: buffer, at: offset)
            finished.append(.read(tag: tag, error: nil))
        } catch {
            if error.kind == .closed { failure = error }
            finished.append(.read(tag: tag, error: error))
        }
    }

    func submitBlockStatus(offset: UInt64, length: UInt64, tag: Int) throws(VolumeError) {
        do throws(VolumeError) {
            finished.append(.blockStatus(tag: tag, extents: try volume.extents(offset: offset, length: length), error: nil))
        } catch {
            finished.append(.blockStatus(tag: tag, extents: [], error: error))
        }
    }

    func collect() -> [NBDCompletion] {
        let out = finished
        finished.removeAll(keepingCapacity: true)
        return out
    }

    /// The volume belongs to the caller; the channel only stops using it.
    func close() {}
}

/// Waits for progress on a set of channels: returns at once when a channel already holds
/// completions, else polls the NBD connections among them.
enum ChannelPoll {
    static func wait(_ channels: [any ReadChannel], milliseconds: Int32) {
        let connections = channels.compactMap(\.connection)
        let ready = channels.contains { $0.hasFinished }
        NBDPoll.wait(connections, milliseconds: ready ? 0 : milliseconds)
    }
}

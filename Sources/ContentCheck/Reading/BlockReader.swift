import BlockAccess

/// Reads a list of blocks with several requests in flight: over a fresh asynchronous
/// connection for NBD volumes, through `Volume.read` for local ones.
enum BlockReader {
    /// Reads every block and hands each one to `body` (block index, bytes or the error),
    /// in completion order. Returns false when cancelled before every block was read.
    static func read(_ blocks: [PlannedBlock], from volume: any Volume, depth: Int = 16, cancellation: Cancellation?,
                     body: (Int, Result<UnsafeRawBufferPointer, VolumeError>) -> Void) -> Bool {
        guard !blocks.isEmpty else { return true }
        let channel = makeChannel(for: volume)
        defer { channel.close() }
        let slotBytes = blocks.map(\.length).max() ?? 0
        let slots = (0..<max(1, min(depth, blocks.count))).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: slotBytes, alignment: 4096)
        }
        // Deallocated after channel.close() (defers run in reverse order).
        defer { slots.forEach { $0.deallocate() } }
        var free = Array(slots.indices)
        var blockOfSlot = [Int](repeating: -1, count: slots.count)
        var next = 0
        var outstanding = 0
        while next < blocks.count || outstanding > 0 {
            if cancellation?.isCancelled == true, outstanding == 0 { return false }
            while cancellation?.isCancelled != true, next < blocks.count, let slot = free.popLast() {
                let block = blocks[next]
                blockOfSlot[slot] = next
                next += 1
                do throws(VolumeError) {
                    try channel.submitRead(into: UnsafeMutableRawBufferPointer(rebasing: slots[slot][0..<block.length]),
                                           at: block.offset, tag: slot)
                    outstanding += 1
                } catch {
                    body(blockOfSlot[slot], .failure(error))
                    free.append(slot)
                }
            }
            ChannelPoll.wait([channel], milliseconds: 100)
            for completion in channel.collect() {
                guard case .read(let slot, let error) = completion else { continue }
                let index = blockOfSlot[slot]
                if let error {
                    body(index, .failure(error))
                } else {
                    body(index, .success(UnsafeRawBufferPointer(rebasing: slots[slot][0..<blocks[index].length])))
                }
                outstanding -= 1
                free.append(slot)
            }
        }
        return cancellation?.isCancelled != true
    }

    private static func makeChannel(for volume: any Volume) -> any ReadChannel {
        // A second connection only where the server says it allows several (multi-conn):
        // a one-client server (qemu-nbd's default) would leave it waiting for the whole
        // --timeout. Otherwise, and when the extra connection fails, read through the
        // volume's own connection.
        if let nbd = volume as? NBDVolume, nbd.canMultiConn, case .nbd(let uri) = nbd.target,
           let connection = try? NBDAsyncConnection(uri: uri, timeout: nbd.timeout) {
            return connection
        }
        return VolumeChannel(volume: volume)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
#if canImport(Glibc)
import Glibc
#endif

/// Whether this machine is using a device or image file, which a copy onto it would corrupt
/// (README.md, "Before the copy: preflight", `target-in-use`): a block device (or one of its
/// partitions) mounted, used as swap, or held by another device (LVM, md, dm-crypt), and an
/// image file attached as a loop device. Read from /proc/self/mountinfo, /proc/swaps and
/// sysfs; nothing is opened for writing.
public enum DeviceUse {
    /// Each way `path` is in use, in words; empty when none is found.
    public static func uses(path: String) -> [String] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }
        switch st.st_mode & S_IFMT {
        case S_IFBLK: return blockDeviceUses(rdev: UInt64(st.st_rdev))
        case S_IFREG: return loopAttachments(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
        default: return []
        }
    }

    /// The device and its partitions as "MAJ:MIN" → kernel name.
    static func family(rdev: UInt64) -> [String: String] {
        let (major, minor) = VolumeIDResolver.majorMinor(rdev)
        let sys = URL(fileURLWithPath: "/sys/dev/block/\(major):\(minor)").resolvingSymlinksInPath()
        var devices = ["\(major):\(minor)": sys.lastPathComponent]
        let children = (try? FileManager.default.contentsOfDirectory(atPath: sys.path)) ?? []
        for child in children where FileManager.default.fileExists(atPath: sys.path + "/\(child)/partition") {
            if let dev = try? String(contentsOfFile: sys.path + "/\(child)/dev", encoding: .utf8) {
                devices[dev.trimmingWhitespaceAndNewlines()] = child
            }
        }
        return devices
    }

    static func blockDeviceUses(rdev: UInt64) -> [String] {
        let devices = family(rdev: rdev)
        var uses: [String] = []
        // mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT …"; mount points escape spaces as \040.
        let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4, let name = devices[String(fields[2])] else { continue }
            uses.append("/dev/\(name) is mounted at \(fields[4].replacingEvery("\\040", with: " "))")
        }
        let swaps = (try? String(contentsOfFile: "/proc/swaps", encoding: .utf8)) ?? ""
        for line in swaps.split(separator: "\n").dropFirst() {
            guard let swapPath = line.split(separator: " ").first else { continue }
            var sst = stat()
            if stat(String(swapPath), &sst) == 0, sst.st_mode & S_IFMT == S_IFBLK {
                let (major, minor) = VolumeIDResolver.majorMinor(UInt64(sst.st_rdev))
                if let name = devices["\(major):\(minor)"] { uses.append("/dev/\(name) is in use as swap") }
            }
        }
        for name in Set(devices.values).sorted() {
            let holders = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/block/\(name)/holders")) ?? []
            for holder in holders.sorted() {
                let dmName = (try? String(contentsOfFile: "/sys/class/block/\(holder)/dm/name", encoding: .utf8))?
                    .trimmingWhitespaceAndNewlines()
                uses.append("/dev/\(name) is held by /dev/\(holder)\(dmName.map { " (\($0))" } ?? "") (LVM, md, dm-crypt or multipath)")
            }
        }
        return uses
    }

    static func loopAttachments(dev: UInt64, ino: UInt64) -> [String] {
        let blocks = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []).filter { $0.hasPrefix("loop") }.sorted()
        return blocks.compactMap { name in
            guard let backing = try? String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8) else { return nil }
            var st = stat()
            let path = backing.trimmingWhitespaceAndNewlines()
            guard stat(path, &st) == 0, UInt64(st.st_dev) == dev, UInt64(st.st_ino) == ino else { return nil }
            return "it is attached as /dev/\(name)"
        }
    }
}

/// Chooses one VM among those a file describes: the one named `--vm`, or the only one.
/// With several and no `--vm`, or a name that is not there, the error lists the names.
enum VMSelection {
    /// The index of the chosen VM in `names`. `field` is the path of the list, for messages.
    static func pick(names: [String], vm: String?, field: String) throws(FieldError) -> Int {
        let shown = names.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
        let listed = names.count > 20 ? "\(shown) and \(names.count - 20) more" : shown
        if names.isEmpty { throw FieldError(field, "the file describes no VM") }
        if let vm {
            let matches = names.indices.filter { names[$0] == vm }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 { throw FieldError(field, "\(matches.count) VMs are named '\(vm)'") }
            throw FieldError(field, "no VM named '\(vm)'; the file has \(listed)")
        }
        if names.count == 1 { return 0 }
        throw FieldError(field, "the file describes \(names.count) VMs (\(listed)); choose one with --vm NAME")
    }

    /// For formats that describe a single VM: refuses a `--vm` naming another one.
    static func confirm(name: String, vm: String?, field: String) throws(FieldError) {
        if let vm, vm != name { throw FieldError(field, "the file describes VM '\(name)', not '\(vm)'") }
    }
}

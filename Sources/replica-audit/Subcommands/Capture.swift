import ArgumentParser

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "capture", abstract: "Record the sources' layouts and identities as a baseline.")

    func run() throws {
        printError("replica-audit capture: not implemented yet")
        throw ExitCode(2)
    }
}

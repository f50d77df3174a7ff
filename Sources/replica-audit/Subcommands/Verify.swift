import ArgumentParser

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify destination volumes against the source inventory.")

    func run() throws {
        printError("replica-audit verify: not implemented yet")
        throw ExitCode(2)
    }
}

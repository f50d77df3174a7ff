import ArgumentParser

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Rebuild the seed incident and verify it.")

    func run() throws {
        printError("replica-audit demo: not implemented yet")
        throw ExitCode(2)
    }
}

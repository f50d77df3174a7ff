import ArgumentParser

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Compare the content of two volumes.")

    func run() throws {
        printError("replica-audit compare: not implemented yet")
        throw ExitCode(2)
    }
}

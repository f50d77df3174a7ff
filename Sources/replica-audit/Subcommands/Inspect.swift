import ArgumentParser

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Print a volume's partition table, signatures and raw GPT/MBR witnesses.")

    func run() throws {
        printError("replica-audit inspect: not implemented yet")
        throw ExitCode(2)
    }
}

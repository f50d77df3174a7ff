import ArgumentParser

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inventory", abstract: "Print what was understood from a source inventory file.")

    func run() throws {
        printError("replica-audit inventory: not implemented yet")
        throw ExitCode(2)
    }
}

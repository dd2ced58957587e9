import ArgumentParser
import Foundation
import Cartero
import CarteroWeb
import Hummingbird

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web back office (sign in at /login; /healthz for a balancer).",
        discussion: "Every page reads and writes as the signed-in member, under the same row rules as the command line. Stops gracefully on SIGTERM or Ctrl-C.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Flag(help: "Mark the session cookie Secure (when served over HTTPS).") var secureCookies = false
    @Option(help: "Database connections the server keeps.") var connections = 8
    @Option(help: "The folder where generated letters are written, one folder per campaign.") var lettersDirectory = "cartas"

    func run() async throws {
        let pool = CarteroDatabase(conninfo: try database.conninfo, maxConnections: connections)
        defer { pool.close() }
        let app = try buildApplication(
            database: pool, configuration: WebConfiguration(
                host: host, port: port, secureCookies: secureCookies, lettersDirectory: URL(fileURLWithPath: lettersDirectory)))
        Terminal.out("serving the back office on http://\(host):\(port)/ (Ctrl-C to stop)\n")
        try await app.runService()
    }
}

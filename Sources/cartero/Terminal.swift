import Cartero
import Foundation
import PQ

/// Standard output and error. Glibc's `stderr` global is not usable from Swift 6,
/// so errors go to file descriptor 2 through FileHandle.
enum Terminal {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// True when standard error is a terminal, so progress may redraw one line.
    static var showsProgress: Bool { isatty(2) == 1 }

    static func progress(_ line: String) {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    static func endProgress() {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// One sentence for an error the user can act on; nil for ArgumentParser's own.
    static func userMessage(for error: any Error) -> String? {
        switch error {
        case let error as CarteroError:
            return error.message
        case let error as PQError where error.sqlState == .insufficientPrivilege:
            return "permission denied: \(error.message)"
        case let error as PQError:
            return error.kind == .connection ? "cannot reach the database: \(error.message)" : error.description
        case let error as CocoaError:
            return error.localizedDescription
        default:
            return nil
        }
    }

    /// The rows of a listing: with `csv` (`--csv`), CSV under `csvHeader` for a
    /// spreadsheet; otherwise a table under `header` for people.
    static func listing(
        _ rows: [[String]], csv: Bool, csvHeader: [String], header: [String], rightAligned: Set<Int> = []
    ) -> String {
        csv ? CSV.lines([csvHeader] + rows) : table(header, rows, rightAligned: rightAligned)
    }

    /// A fixed-width table for people; `--csv` gives the same rows to a spreadsheet.
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return render(header) + rows.map(render).joined()
    }
}

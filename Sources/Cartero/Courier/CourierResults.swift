import Foundation
import PQ

/// The courier's delivery results (`resultados.csv`, FORMATS.md): read by the import
/// pipeline of the extracts (`ExtractImport.run(.courierResults, …)`), which checks
/// every row and names each bad line, then recorded by `cartero.record_courier_results`
/// (sql/migrations/0010_courier_and_returns.sql), which checks them again as the only
/// way to write them, skips the results stored already and opens the cases the returns
/// route to.
public enum CourierResults {
    /// Hands the validated staging rows to the database in one call, typed, in the
    /// file's order. A blank cause is NULL: blank values are only ever spaces.
    static func record(_ staged: ExtractStaging, fileName: String, on db: Connection) throws -> ImportSummary {
        let (batch, recorded, unchanged, opened) = try CarteroError.translating(
            whenRefused: "you may not record the courier's results"
        ) {
            try db.queryRow("""
                SELECT batch_id, recorded, unchanged, cases_opened
                FROM cartero.record_courier_results(\(fileName), \(staged.sha256), \(staged.rowsRead), ARRAY(
                    SELECT ROW(s.consecutivo, s.guia, s.estado, s.fecha::date, nullif(btrim(s.causal), ''),
                               coalesce(s.observacion, ''))::cartero.courier_result
                    FROM pg_temp.import_staging s
                    ORDER BY s.line))
                """)!.decode((Int64, Int, Int, Int).self)
        }
        var summary = ImportSummary(
            kind: .courierResults, fileName: fileName, batchID: batch, sha256: staged.sha256, rowsRead: staged.rowsRead,
            inserted: recorded, updated: 0, unchanged: unchanged)
        summary.casesOpened = opened
        return summary
    }
}

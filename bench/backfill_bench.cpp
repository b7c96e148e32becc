// Backfills at the seed's scale (seed 002: about 2.8 M point rows from 200 k
// wide readings, 0.4 M from 56 k five-minute intervals), each on a fresh copy
// of the loaded database:
//
//   backfill: run_backfill() as `hyperschema backfill run` runs it: batches
//             of one day (seven for the aggregates) aligned to the source's
//             chunks, each committed with its checkpoint and validated
//             against its `expect` count, then the continuous aggregate over
//             the target refreshed over the window written;
//   ceiling:  the same transformation as one INSERT ... SELECT in one
//             transaction (what psql runs from the migration file: no
//             checkpoints, no validation, cannot resume), then the same
//             refresh of the aggregate.
//
// Figures are from one throwaway cluster (fsync off) on this machine; only
// the ratio within one run means anything.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "emit/backfill_spec.hpp"
#include "hyperschema/hyperschema.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"

using namespace hyperschema;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

void refresh_aggregates(connection& conn, const BackfillSpec& spec) {
    for (const auto& a : spec.aggregates) {
        pqxx::nontransaction n(conn);
        n.exec("CALL refresh_continuous_aggregate('" + a.name + "', NULL, NULL)");
    }
}

void bench_backfill(testing::PgCluster& pg, const std::string& base, const BackfillSpec& spec) {
    // Ceiling.
    const std::string a = pg.create_database_from(base, "bf_ceiling");
    double insert_s = 0, ceiling_refresh_s = 0;
    long long rows = 0;
    {
        auto conn = connect(pg.dsn(a));
        auto start = Clock::now();
        pqxx::work w(conn);
        rows = w.exec(backfill_whole_statement(spec)).affected_rows();
        w.commit();
        insert_s = seconds_since(start);
        start = Clock::now();
        refresh_aggregates(conn, spec);
        ceiling_refresh_s = seconds_since(start);
    }
    pg.drop_database(a);

    // The runner.
    const std::string b = pg.create_database_from(base, "bf_runner");
    std::vector<double> batch_ms;
    BackfillResult result;
    double batches_s = 0;
    {
        auto conn = connect(pg.dsn(b));
        BackfillOptions options;
        options.progress = [&](const BackfillProgress& p) {
            if (p.phase == "batch") batch_ms.push_back(p.batch_seconds * 1000);
        };
        const auto start = Clock::now();
        result = run_backfill(conn, spec, options);
        batches_s = result.status.seconds;
        result.seconds = seconds_since(start);
    }
    pg.drop_database(b);
    std::sort(batch_ms.begin(), batch_ms.end());
    const double ceiling_s = insert_s + ceiling_refresh_s;
    const double median = batch_ms.empty() ? 0 : batch_ms[batch_ms.size() / 2];
    const double p95 = batch_ms.empty() ? 0 : batch_ms[batch_ms.size() * 95 / 100];
    std::printf("%s: %s -> %s, %lld rows (+%lld already there)\n", spec.name.c_str(), spec.source_table.c_str(),
                spec.target_table.c_str(), static_cast<long long>(result.status.rows_inserted),
                static_cast<long long>(result.status.rows_existing));
    std::printf("  ceiling: one INSERT ... SELECT   %7.2f s (%9.0f rows/s) + refresh %5.2f s = %7.2f s\n", insert_s,
                static_cast<double>(rows) / insert_s, ceiling_refresh_s, ceiling_s);
    std::printf("  backfill: %4lld batches          %7.2f s (%9.0f rows/s) + refresh %5.2f s = %7.2f s\n",
                static_cast<long long>(result.status.batches), batches_s,
                static_cast<double>(result.status.rows_inserted) / batches_s, result.seconds - batches_s,
                result.seconds);
    std::printf("  per batch: median %.1f ms, p95 %.1f ms, max %.1f ms\n", median, p95,
                batch_ms.empty() ? 0 : batch_ms.back());
    std::printf("  ratio: %.2fx the ceiling's rate with checkpoints and validation (batches alone: %.2fx)\n",
                ceiling_s / result.seconds, insert_s / batches_s);
}

}  // namespace

int main() {
    auto& pg = testing::PgCluster::shared();
    if (!pg.has_timescaledb()) {
        std::printf("backfill bench: TimescaleDB is not installed; the point schema needs it, skipped\n");
        return 0;
    }
    const CompileResult compiled = compile_directory(std::string(HYPERSCHEMA_SOURCE_DIR) + "/schemas/points");
    if (!compiled.ok()) {
        std::fprintf(stderr, "%s", compiled.diags.format().c_str());
        return 1;
    }
    const std::string base = pg.create_database("bf_base");
    std::string output;
    const auto load_start = Clock::now();
    if (testing::run_command({POINT_MIGRATION, "load", "--db", pg.dsn(base)}, &output) != 0) {
        std::fprintf(stderr, "point_migration load failed:\n%s\n", output.c_str());
        return 1;
    }
    std::printf("PostgreSQL cluster on port %d (fsync off), TimescaleDB; seed 002 history loaded in %.1f s:\n%s\n",
                pg.port(), seconds_since(load_start), output.c_str());
    for (const auto& b : compiled.schema.backfills) bench_backfill(pg, base, emit::backfill_spec(compiled.schema, b));
    return 0;
}

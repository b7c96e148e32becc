// Fleets: how the total time of migrate_fleet() and verify_fleet() grows with
// the number of databases and with --jobs. The baseline is the same fleet
// with one job (a loop over the databases, as a deploy script would write
// it), measured in the same run; the ratio is its time over the figure's.
//
// The schema is the heat-pump seed (every migration of its history) when the
// cluster has TimescaleDB, else a plain-PostgreSQL schema of its kind. Each
// migrate figure is of databases created fresh for it (creating them is not
// timed). Client, server and every job share this machine's cores.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;

namespace {

const char* kPlainSchema = R"(schema: {name: sites}
tables:
  sites:
    columns: {id: bigint, name: text, region: text?}
    primary_key: [id]
    indexes: {sites_name_idx: [name]}
  readings:
    columns:
      time: timestamptz
      site_id: {type: bigint, references: sites}
      value: double precision
    primary_key: [site_id, time]
)";

struct Fixture {
    std::vector<Migration> migrations;
    ExpectedSchema expected;
    std::string what;
};

Fixture load_fixture(testing::PgCluster& pg) {
    std::string dir = HYPERSCHEMA_SOURCE_DIR "/schemas/heatpump";
    std::string history = HYPERSCHEMA_SOURCE_DIR "/generated/heatpump/migrations";
    std::string what = "heatpump seed";
    if (!pg.has_timescaledb()) {
        const fs::path root = fs::temp_directory_path() / "hyperschema-fleet-bench";
        fs::create_directories(root / "sites");
        std::ofstream(root / "sites" / "schema.yaml") << kPlainSchema;
        dir = (root / "sites").string();
        history = (root / "generated" / "sites" / "migrations").string();
        if (testing::run_command(
                {HYPERSCHEMA_CLI, "migrate", "new", "init", dir, "--out", (root / "generated").string()}, nullptr) > 1)
            throw std::runtime_error("could not write the plain schema's migration");
        what = "plain schema (no TimescaleDB)";
    }
    CompileResult compiled = compile_directory(dir);
    if (!compiled.ok()) throw std::runtime_error("the bench schema does not compile");
    auto migrations = load_migrations(history);
    return {migrations, emit::expected_schema_of(compiled.schema, static_cast<int>(migrations.size())), what};
}

std::vector<std::string> fresh_databases(testing::PgCluster& pg, int count, std::vector<std::string>& all) {
    std::vector<std::string> dsns;
    for (int i = 0; i < count; ++i) {
        all.push_back(pg.create_database("fleet_bench"));
        dsns.push_back(pg.dsn(all.back()));
    }
    return dsns;
}

void print_row(const char* action, int databases, int jobs, long long ms, long long baseline_ms) {
    std::printf("  %-8s %9d %5d %9lld ms %8.1f ms/db %7.2fx\n", action, databases, jobs, ms,
                static_cast<double>(ms) / databases, static_cast<double>(baseline_ms) / static_cast<double>(ms));
}

}  // namespace

int main() {
    auto& pg = testing::PgCluster::shared();
    const Fixture f = load_fixture(pg);
    std::printf("fleet: %s, %zu migration(s); ratio = the same fleet with 1 job / this figure\n", f.what.c_str(),
                f.migrations.size());
    std::printf("  %-8s %9s %5s %12s %14s %8s\n", "action", "databases", "jobs", "total", "per database", "ratio");
    std::vector<std::string> created;
    std::vector<std::string> migrated;  // the largest fleet, migrated, for verify
    for (int databases : {10, 50}) {
        long long baseline = 0;
        for (int jobs : {1, 2, 4, 8}) {
            auto dsns = fresh_databases(pg, databases, created);
            FleetReport r = migrate_fleet(fleet_of(dsns), f.migrations, {}, {.jobs = jobs, .on_done = {}});
            if (!r.ok()) throw std::runtime_error("a fleet migration failed:\n" + r.text());
            if (jobs == 1) baseline = r.elapsed_ms;
            print_row("migrate", databases, jobs, r.elapsed_ms, baseline);
            if (databases == 50) migrated = dsns;
        }
    }
    VerifyOptions options;
    options.job_health = false;  // the scheduler's health is not what is measured
    for (int databases : {10, 25, 50}) {
        const std::vector<std::string> dsns(migrated.begin(), migrated.begin() + databases);
        long long baseline = 0;
        for (int jobs : {1, 2, 4, 8}) {
            FleetReport r = verify_fleet(fleet_of(dsns), f.expected, options, {.jobs = jobs, .on_done = {}});
            if (!r.ok()) throw std::runtime_error("a fleet verify found drift:\n" + r.text());
            if (jobs == 1) baseline = r.elapsed_ms;
            print_row("verify", databases, jobs, r.elapsed_ms, baseline);
        }
    }
    for (const auto& db : created) pg.drop_database(db);
    return 0;
}

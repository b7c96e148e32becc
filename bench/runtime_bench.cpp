// The runtime's two costs a deploy pays: applying migrations and verifying.
//
//   apply:  every migration of the largest seed schema through migrate(),
//           against `psql -1 -f` of the same statements (the floor: one
//           process, one transaction, no bookkeeping).
//   verify: verify() on a fresh connection for a schema of 60 tables and
//           5 continuous aggregates, against reading the same catalog with
//           one round of queries per table (what a per-object checker does).
//   pull:   pull_schema() (catalog read, YAML draft, compile) of that schema
//           with 12 aggregates and 2,000 chunks, against `pg_dump
//           --schema-only` of the same database (which writes SQL, not a model).
//
// Each figure is the median of several runs on fresh databases of a
// throwaway cluster; only the ratios within one run mean anything.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "pull/pull.hpp"
#include "support/pg_cluster.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The statements of every migration, in order, without their own BEGIN/COMMIT,
// for psql -1.
std::string single_transaction_sql(const std::vector<Migration>& migrations) {
    std::string sql;
    for (const auto& m : migrations) {
        Script s = parse_script(m.up);
        for (const auto& b : s.before) sql += b + "\n";
        sql += s.transaction;
        for (const auto& a : s.after) sql += a + "\n";
    }
    return sql;
}

void bench_apply(testing::PgCluster& pg, const std::string& schema, int runs) {
    auto migrations = load_migrations(std::string(HYPERSCHEMA_SOURCE_DIR) + "/generated/" + schema + "/migrations");
    const std::string file = (fs::temp_directory_path() / "hyperschema-bench-apply.sql").string();
    std::ofstream(file) << single_transaction_sql(migrations);
    fs::permissions(file, fs::perms::others_read, fs::perm_options::add);
    std::vector<double> runtime, floor;
    for (int i = 0; i < runs; ++i) {
        const std::string a = pg.create_database("apply_runtime"), b = pg.create_database("apply_psql");
        auto start = Clock::now();
        {
            auto conn = hyperschema::connect(pg.dsn(a));
            migrate(conn, migrations);
        }
        runtime.push_back(ms_since(start));
        start = Clock::now();
        std::string output;
        if (testing::run_command({pg.bin_dir() + "/psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", pg.host(),
                                  "-p", std::to_string(pg.port()), "-U", "postgres", "-d", b, "-f", file},
                                 &output) != 0)
            std::fprintf(stderr, "psql failed:\n%s\n", output.c_str());
        floor.push_back(ms_since(start));
        pg.drop_database(a);
        pg.drop_database(b);
    }
    fs::remove(file);
    const double r = median(runtime), f = median(floor);
    std::printf("apply %zu migrations of %s (median of %d):\n", migrations.size(), schema.c_str(), runs);
    std::printf("  hyperschema::migrate      %8.1f ms\n", r);
    std::printf("  psql -1 -f (floor)        %8.1f ms\n", f);
    std::printf("  ratio                     %8.2fx the floor (target <= 1.15x)\n", r / f);
}

// 55 plain tables with keys, checks and indexes, 5 hypertables, 5 aggregates.
std::string wide_schema_yaml() {
    std::string y = "tables:\n";
    for (int i = 0; i < 55; ++i) {
        const std::string n = std::to_string(i);
        y += "  entity_" + n +
             ":\n    columns:\n      id: bigint\n      name: text\n      kind: {type: text, default: x}\n"
             "      score: double precision?\n      created_at: {type: timestamptz, default_sql: now()}\n"
             "    primary_key: [id]\n    unique:\n      - [name]\n    checks:\n      entity_" +
             n + "_score: score >= 0\n    indexes:\n      idx_entity_" + n + "_kind: [kind, created_at desc]\n";
    }
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i);
        y += "  series_" + n +
             ":\n    columns:\n      time: timestamptz\n      device_id: bigint\n      value: double precision\n"
             "    indexes:\n      idx_series_" +
             n +
             "_device: [device_id, time desc]\n"
             "    hypertable:\n      time_column: time\n      chunk_interval: 1 day\n"
             "      compression: {segment_by: [device_id], after: 7 days}\n      retention: 90 days\n";
    }
    y += "aggregates:\n";
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i);
        y += "  series_" + n + "_hourly:\n    from: series_" + n +
             "\n    bucket: 1 hour\n    group_by: [device_id]\n"
             "    columns:\n      avg_value: avg(value)\n      samples: count(*)\n"
             "    refresh: {start_offset: 3 hours, end_offset: 1 hour, schedule: 30 minutes}\n";
    }
    return y;
}

// What a checker does that asks about one table at a time.
void read_per_table(hyperschema::connection& conn, const ExpectedSchema& schema) {
    pqxx::read_transaction tx(conn);
    for (const auto& t : schema.tables) {
        hyperschema::detail::pqxx_bridge::exec(
            tx,
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = "
            "a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT "
            "a.attisdropped",
            t.name);
        hyperschema::detail::pqxx_bridge::exec(
            tx, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass", t.name);
        hyperschema::detail::pqxx_bridge::exec(
            tx,
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid "
            "= $1::regclass",
            t.name);
    }
    for (const auto& h : schema.hypertables)
        hyperschema::detail::pqxx_bridge::exec(
            tx, "SELECT * FROM timescaledb_information.dimensions WHERE hypertable_name = $1", h.table);
    for (const auto& p : schema.policies)
        hyperschema::detail::pqxx_bridge::exec(
            tx, "SELECT * FROM timescaledb_information.jobs WHERE hypertable_name = $1", p.relation);
}

void bench_verify(testing::PgCluster& pg, int runs) {
    CompileResult compiled = compile_texts({{"wide.yaml", wide_schema_yaml()}}, "wide");
    if (!compiled.ok()) {
        std::fprintf(stderr, "%s", compiled.diags.format().c_str());
        return;
    }
    const ExpectedSchema expected = emit::expected_schema_of(compiled.schema, 0);
    const std::string db = pg.create_database("verify_wide");
    {
        auto conn = hyperschema::connect(pg.dsn(db));
        migrate(conn, {Migration{1, "init", history::schema_sql(compiled.schema), "", ""}});
    }
    std::vector<double> batched, whole, per_table, connect_only;
    bool clean = true, whole_clean = true;
    VerifyOptions definitions;
    definitions.definitions = true;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        {
            auto conn = hyperschema::connect(pg.dsn(db));
            clean = clean && verify(conn, expected).ok();
        }
        batched.push_back(ms_since(start));
        start = Clock::now();
        {
            auto conn = hyperschema::connect(pg.dsn(db));
            whole_clean = whole_clean && verify(conn, expected, definitions).ok();
        }
        whole.push_back(ms_since(start));
        start = Clock::now();
        {
            auto conn = hyperschema::connect(pg.dsn(db));
            read_per_table(conn, expected);
        }
        per_table.push_back(ms_since(start));
        start = Clock::now();
        {
            // What any client pays before its first answer: connecting, and
            // the first statement in a TimescaleDB database, which loads and
            // initialises the extension in the new server process.
            auto conn = hyperschema::connect(pg.dsn(db));
            pqxx::nontransaction(conn).exec("SELECT 1");
        }
        connect_only.push_back(ms_since(start));
    }
    const double b = median(batched), p = median(per_table);
    std::printf(
        "verify a schema of %zu tables (%zu hypertables), %zu aggregates, %zu policies (median of %d, fresh "
        "connection each):\n",
        expected.tables.size(), expected.hypertables.size(), expected.aggregates.size(), expected.policies.size(),
        runs);
    std::printf("  hyperschema::verify       %8.1f ms%s (target < 50 ms)\n", b, clean ? "" : "  (reported drift!)");
    std::printf("  verify --definitions      %8.1f ms%s (each view and aggregate built again, rolled back)\n",
                median(whole), whole_clean ? "" : "  (reported drift!)");
    std::printf("  per-table catalog queries %8.1f ms (reads only; compares nothing)\n", p);
    std::printf("  connect + first statement %8.1f ms (the floor any client pays on a fresh connection)\n",
                median(connect_only));
    std::printf("  ratio                     %8.2fx faster than per-table\n", p / b);
}

// The wide schema with seven more aggregates (five of them on the hourly
// ones) and 400 daily chunks in each hypertable: 2,000 chunks.
void bench_pull(testing::PgCluster& pg, int runs) {
    std::string yaml = wide_schema_yaml();
    for (int i = 0; i < 5; ++i)
        yaml += "  series_" + std::to_string(i) + "_daily:\n    from: series_" + std::to_string(i) +
                "_hourly\n    bucket: 1 day\n    group_by: [device_id]\n    columns:\n      samples: sum(samples)\n";
    for (int i = 0; i < 2; ++i)
        yaml += "  series_" + std::to_string(i) + "_peaks:\n    from: series_" + std::to_string(i) +
                "\n    bucket: 15 minutes\n    columns:\n      peak: max(value)\n      low: min(value)\n";
    CompileResult compiled = compile_texts({{"wide.yaml", yaml}}, "wide");
    if (!compiled.ok()) {
        std::fprintf(stderr, "%s", compiled.diags.format().c_str());
        return;
    }
    const std::string db = pg.create_database("pull_wide");
    long long chunks = 0;
    {
        auto conn = hyperschema::connect(pg.dsn(db));
        migrate(conn, {Migration{1, "init", history::schema_sql(compiled.schema), "", ""}});
        pqxx::work w(conn);
        for (int i = 0; i < 5; ++i)
            w.exec("INSERT INTO series_" + std::to_string(i) +
                   " SELECT t, d, 1 FROM generate_series(timestamptz '2024-01-01', timestamptz '2024-01-01' + "
                   "interval '399 days', interval '6 hours') t, generate_series(1, 2) d");
        chunks = w.exec("SELECT count(*) FROM timescaledb_information.chunks")[0][0].as<long long>();
        w.commit();
    }
    std::vector<double> pulled, dumped;
    size_t carried = 0;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        {
            auto conn = hyperschema::connect(pg.dsn(db));
            pull::PulledSchema p = pull::pull_schema(conn, "public");
            carried = p.draft.unsupported.size() + (p.compiled.ok() ? 0 : 1000);
        }
        pulled.push_back(ms_since(start));
        start = Clock::now();
        std::string output;
        testing::run_command({pg.bin_dir() + "/pg_dump", "--schema-only", "-h", pg.host(), "-p",
                              std::to_string(pg.port()), "-U", "postgres", "-f", "/dev/null", db},
                             &output);
        dumped.push_back(ms_since(start));
    }
    const double p = median(pulled), d = median(dumped);
    std::printf("pull a schema of 60 tables, 12 aggregates, %lld chunks (median of %d, fresh connection each):\n",
                chunks, runs);
    std::printf("  hyperschema pull          %8.1f ms%s (target well under 1 s)\n", p,
                carried ? "  (carried objects as SQL!)" : "");
    std::printf("  pg_dump --schema-only     %8.1f ms (writes SQL; reads no TimescaleDB settings as such)\n", d);
    std::printf("  ratio                     %8.2fx pg_dump's time\n", p / d);
}

}  // namespace

int main() {
    auto& pg = testing::PgCluster::shared();
    if (!pg.has_timescaledb()) {
        std::printf("runtime bench: TimescaleDB is not installed; both benchmarks need it, skipped\n");
        return 0;
    }
    std::printf("PostgreSQL cluster on port %d (fsync off), TimescaleDB installed\n\n", pg.port());
    bench_apply(pg, "aetherlens", 7);
    std::printf("\n");
    bench_verify(pg, 15);
    std::printf("\n");
    bench_pull(pg, 7);
    return 0;
}

// TimescaleDB's traps for migration tools, each shown on the real database
// and then handled by the migration hyperschema writes.

#include "support/catch.hpp"

#include <filesystem>
#include <pqxx/pqxx>

#include "hyperschema/connection.hpp"
#include "hyperschema/migration.hpp"

#include "diff/diff.hpp"
#include "migrate/migrations.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

Schema schema_of(const std::string& yaml) {
    CompileResult r = compile_texts({{"schema.yaml", yaml}}, "traps");
    INFO(yaml << "\n" << r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

struct Db {
    std::string name = PgCluster::shared().create_database("traps");

    // Runs SQL with psql; returns psql's exit status and fills *output.
    int run(const std::string& sql, std::string* output = nullptr) {
        std::string path =
            (fs::temp_directory_path() / ("hyperschema-traps-" + std::to_string(::getpid()) + ".sql")).string();
        write_text(path, sql);
        std::string out;
        int status = PgCluster::shared().psql_file(name, path, &out);
        fs::remove(path);
        if (output) *output = out;
        return status;
    }
    void apply(const std::string& sql) {
        std::string out;
        int status = run(sql, &out);
        INFO(sql << "\n" << out);
        REQUIRE(status == 0);
    }
    std::string value(const std::string& sql) {
        auto conn = hyperschema::connect(PgCluster::shared().dsn(name));
        pqxx::work tx(conn);
        auto r = tx.exec(sql);
        return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
    }
};

std::string migration(const Schema& from, const Schema& to) {
    diff::Plan plan = diff::diff_schemas(from, to);
    REQUIRE(plan.unsupported.empty());
    return history::render_migration(plan, "traps", "0002_change", true, {});
}

std::string empty_to(const Schema& to) {
    Schema empty;
    empty.name = to.name;
    return migration(empty, to);
}

const std::string kMetrics = R"(tables:
  metrics:
    columns: {time: timestamptz, device: text, v: real}
    hypertable:
      time_column: time
      chunk_interval: 1 day
)";

const std::string kLoad =
    "INSERT INTO metrics SELECT t, 'd' || (i % 3), i FROM generate_series(now() - interval '10 days', now(), "
    "interval '1 hour') WITH ORDINALITY AS g(t, i);\n";

}  // namespace

TEST_CASE("a changed policy replaces the old one (if_not_exists would only warn and keep it)",
          "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Schema v1 = schema_of(kMetrics + "      retention: 30 days\n");
    Schema v2 = schema_of(kMetrics + "      retention: 60 days\n");
    Db db;
    db.apply(empty_to(v1));
    // The trap: adding the new policy beside the old one is silently ignored.
    std::string output;
    REQUIRE(db.run("SELECT add_retention_policy('metrics', drop_after => INTERVAL '60 days', if_not_exists => true);",
                   &output) == 0);
    CHECK(output.find("retention policy already exists for hypertable \"metrics\"") != std::string::npos);
    CHECK(db.value(
              "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'") ==
          "30 days");
    // The migration removes and adds: one job, with the new setting.
    db.apply(migration(v1, v2));
    CHECK(db.value("SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'") == "1");
    CHECK(db.value(
              "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'") ==
          "60 days");
}

TEST_CASE("compression is turned off by decompressing the chunks first", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Schema on = schema_of(kMetrics + "      compression: {segment_by: [device], after: 3 days}\n");
    Schema off = schema_of(kMetrics);
    Db db;
    db.apply(empty_to(on) + kLoad +
             "SELECT count(compress_chunk(c)) FROM show_chunks('metrics', older_than => interval '3 days') c;\n");
    REQUIRE(std::stoi(db.value("SELECT count(*) FROM timescaledb_information.chunks WHERE is_compressed")) > 0);
    const std::string rows = db.value("SELECT count(*) FROM metrics");
    // The trap: TimescaleDB refuses while compressed chunks exist.
    std::string output;
    CHECK(db.run("ALTER TABLE metrics SET (timescaledb.compress = false);", &output) != 0);
    CHECK(output.find("cannot disable columnstore on hypertable with columnstore chunks") != std::string::npos);
    db.apply(migration(on, off));
    CHECK(
        db.value(
            "SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'metrics'") ==
        "f");
    CHECK(db.value("SELECT count(*) FROM metrics") == rows);
    CHECK(db.value("SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'") == "0");
}

TEST_CASE("new segment-by settings apply to chunks compressed later", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Schema v1 = schema_of(kMetrics + "      compression: {segment_by: [device], after: 3 days}\n");
    Schema v2 = schema_of(kMetrics + "      compression: {order_by: [time desc], after: 3 days}\n");
    Db db;
    db.apply(empty_to(v1) + kLoad +
             "SELECT count(compress_chunk(c)) FROM show_chunks('metrics', older_than => interval '3 days') c;\n");
    std::string sql = migration(v1, v2);
    CHECK(sql.find("chunks compressed from now on use the new settings") != std::string::npos);
    std::string output;
    REQUIRE(db.run(sql, &output) == 0);
    CHECK(output.find("updated compression settings will only apply to future compressions") != std::string::npos);
    CHECK(db.value("SELECT segmentby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = "
                   "'metrics'::regclass") == "");
}

TEST_CASE("a segment-by column cannot be dropped: the diff refuses, as TimescaleDB does", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Schema v1 = schema_of(kMetrics + "      compression: {segment_by: [device], after: 3 days}\n");
    std::string without_device = kMetrics;
    without_device.replace(without_device.find(" device: text,"), 14, "");
    Schema v2 = schema_of(without_device + "      compression: {after: 3 days}\n");
    diff::Plan plan = diff::diff_schemas(v1, v2);
    REQUIRE(plan.unsupported.size() == 1);
    CHECK(plan.unsupported[0].second.find("cannot drop orderby or segmentby column") != std::string::npos);
    Db db;
    db.apply(empty_to(v1));
    std::string output;
    CHECK(db.run("ALTER TABLE metrics DROP COLUMN device;", &output) != 0);
    CHECK(output.find("cannot drop orderby or segmentby column from a hypertable with columnstore enabled") !=
          std::string::npos);
}

TEST_CASE("a plain table with rows becomes a hypertable, keeping them", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Schema plain = schema_of("tables:\n  metrics:\n    columns: {time: timestamptz, device: text, v: real}\n");
    Schema hyper = schema_of(kMetrics);
    Db db;
    db.apply(empty_to(plain) + kLoad);
    const std::string rows = db.value("SELECT count(*) FROM metrics");
    db.apply("CREATE EXTENSION IF NOT EXISTS timescaledb;\n" + migration(plain, hyper));
    CHECK(db.value("SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = 'metrics'") ==
          "1");
    CHECK(db.value("SELECT count(*) FROM metrics") == rows);
    CHECK(std::stoi(db.value("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'metrics'")) >
          1);
}

TEST_CASE("CREATE INDEX CONCURRENTLY runs after the migration's transaction", "[pg][migrate]") {
    Schema v1 = schema_of("tables:\n  users:\n    columns: {id: bigint, email: text}\n");
    Schema v2 = schema_of(
        "tables:\n  users:\n    columns: {id: bigint, email: text}\n"
        "    indexes:\n      idx_users_email: {columns: [email], concurrently: true}\n");
    Db db;
    db.apply(empty_to(v1) + "INSERT INTO users SELECT i, 'u' || i FROM generate_series(1, 1000) i;\n");
    std::string sql = migration(v1, v2);
    // Nothing else changes, so there is no transaction at all: only the marked statement.
    CHECK(sql.find("BEGIN;") == std::string::npos);
    CHECK(sql.find("-- hyperschema:no-transaction\n") < sql.find("CREATE INDEX CONCURRENTLY"));
    db.apply(sql);
    CHECK(db.value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass") == "t");
}

TEST_CASE("a column's type changes on a hypertable with compressed chunks: decompressed first, compressed again",
          "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const std::string compression = "      compression: {segment_by: [device], after: 3 days}\n";
    Schema v1 = schema_of(kMetrics + compression);
    std::string wider = kMetrics;
    wider.replace(wider.find("v: real"), 7, "v: double precision");
    Schema v2 = schema_of(wider + compression);
    Db db;
    db.apply(empty_to(v1) + kLoad +
             "SELECT count(compress_chunk(c)) FROM show_chunks('metrics', older_than => interval '3 days') c;\n");
    const std::string compressed_chunks =
        "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'metrics' AND is_compressed";
    const std::string was_compressed = db.value(compressed_chunks);
    REQUIRE(std::stoi(was_compressed) > 0);
    const std::string sum = "SELECT sum(v)::text FROM metrics";
    const std::string rows = db.value(sum);
    // The trap: TimescaleDB refuses to change the type while chunks are compressed.
    std::string output;
    CHECK(db.run("ALTER TABLE metrics ALTER COLUMN v TYPE double precision;", &output) != 0);
    CHECK(output.find("operation not supported on hypertables with compressed chunks") != std::string::npos);
    // Up with psql: decompressed chunk by chunk, altered, compressed again by the policy's job.
    db.apply(migration(v1, v2));
    CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'metrics'::regclass "
                   "AND attname = 'v'") == "double precision");
    CHECK(db.value(sum) == rows);
    CHECK(db.value(compressed_chunks) == was_compressed);
    // Down the way the runtime's migrator runs a file: each statement outside
    // the transaction on its own (the chunk-by-chunk DO block commits per chunk).
    const Script down = parse_script(
        history::render_migration(diff::diff_schemas(v2, v1, diff::Direction::Down), "traps", "0002", false, {}));
    REQUIRE(down.before.size() == 1);
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db.name));
    for (const auto& s : down.before) pqxx::nontransaction(conn).exec(s);
    CHECK(db.value(compressed_chunks) == "0");  // one at a time, before the transaction
    {
        pqxx::work tx(conn);
        tx.exec(down.transaction);
        tx.commit();
    }
    for (const auto& s : down.after) pqxx::nontransaction(conn).exec(s);
    CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'metrics'::regclass "
                   "AND attname = 'v'") == "real");
    CHECK(db.value(compressed_chunks) == was_compressed);
}

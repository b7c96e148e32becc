// Fleets: one schema, 50 databases on the throwaway cluster, some at another
// version, some that fail (a table in the way, a database that does not
// exist). migrate_fleet and verify_fleet from C++, then the CLI with --db-file,
// --db-query and repeated --db: every database gets its row, failures do not
// stop the others, the exit code says whether all succeeded, and no
// connection string (with its password) is ever printed.

#include "support/catch.hpp"

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

const char* kSchemaV1 = R"(schema: {name: sites}
tables:
  sites:
    columns:
      id: bigint
      name: text
    primary_key: [id]
    indexes:
      sites_name_idx: [name]
)";

const char* kSchemaV2 = R"(schema: {name: sites}
tables:
  sites:
    columns:
      id: bigint
      name: text
      region: {type: text, default: north}
    primary_key: [id]
    indexes:
      sites_name_idx: [name]
)";

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

void run_sql(const std::string& dsn, const std::string& sql) {
    auto conn = hyperschema::connect(dsn);
    pqxx::nontransaction n(conn);
    n.exec(sql);
}

int cli(std::vector<std::string> args, std::string& output) {
    args.insert(args.begin(), HYPERSCHEMA_CLI);
    return run_command(args, &output);
}

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a fleet of 50 databases is migrated and verified, past the ones that fail", "[fleet][cli]") {
    auto& pg = PgCluster::shared();
    std::string root = (fs::temp_directory_path() / "hyperschema-fleet-XXXXXX").string();
    REQUIRE(mkdtemp(root.data()));
    const std::string dir = root + "/sites", out = root + "/generated";
    std::string output;
    write(dir + "/schema.yaml", kSchemaV1);
    REQUIRE(cli({"migrate", "new", "init", dir, "--out", out}, output) == 0);
    write(dir + "/schema.yaml", kSchemaV2);
    REQUIRE(cli({"migrate", "new", "add_region", dir, "--out", out}, output) == 0);
    auto migrations = load_migrations(out + "/sites/migrations");
    REQUIRE(migrations.size() == 2);
    CompileResult compiled = compile_directory(dir);
    REQUIRE(compiled.ok());
    const ExpectedSchema expected = emit::expected_schema_of(compiled.schema, 2);

    // 47 databases (the first 10 at version 1 already), 2 with a table in the
    // way, and one that does not exist. Every connection string carries a
    // password, which the trust-authenticated cluster ignores.
    std::vector<std::string> names, dsns;
    for (int i = 0; i < 49; ++i) names.push_back(pg.create_database("fleetdb"));
    names.push_back("fleetdb_missing");
    for (const auto& name : names) dsns.push_back(pg.dsn(name) + " password=hunter2");
    for (int i = 0; i < 10; ++i) {
        auto conn = hyperschema::connect(dsns[i]);
        migrate(conn, migrations, {}, 1);
    }
    for (int i : {20, 30}) run_sql(dsns[i], "CREATE TABLE sites (id text)");

    // From C++.
    std::mutex seen_mutex;
    size_t seen = 0;
    FleetOptions options;
    options.jobs = 6;
    options.on_done = [&](const FleetOutcome&, size_t done, size_t total) {
        std::lock_guard lock(seen_mutex);
        CHECK(done == ++seen);
        CHECK(total == 50);
    };
    FleetReport report = migrate_fleet(fleet_of(dsns), migrations, {}, options);
    CHECK(seen == 50);
    REQUIRE(report.databases.size() == 50);
    CHECK(report.count(FleetResult::Ok) == 47);
    CHECK(report.count(FleetResult::Failed) == 3);
    CHECK_FALSE(report.ok());
    for (size_t i = 0; i < names.size(); ++i) {
        const FleetOutcome& o = report.databases[i];
        INFO(o.label << ": " << o.message);
        CHECK(o.label.find(names[i]) == 0);  // in the order given
        if (i == 20 || i == 30) {
            CHECK(o.result == FleetResult::Failed);
            CHECK(o.message.find("sites") != std::string::npos);
        } else if (i == 49) {
            CHECK(o.result == FleetResult::Failed);
            CHECK(o.message.find("fleetdb_missing") != std::string::npos);
        } else {
            CHECK(o.result == FleetResult::Ok);
            CHECK(o.version_before == (i < 10 ? 1 : 0));
            CHECK(o.version_after == 2);
            CHECK(o.applied == (i < 10 ? 1 : 2));
        }
    }
    CHECK(report.text().find("hunter2") == std::string::npos);
    CHECK(report.json().find("hunter2") == std::string::npos);
    CHECK(report.text().find("migrate: 50 database(s), 47 ok, 0 with drift, 3 failed") != std::string::npos);

    // Drift on two, which verify reports without stopping at them.
    run_sql(dsns[5], "ALTER TABLE sites ADD COLUMN legacy int");
    run_sql(dsns[40], "DROP INDEX sites_name_idx");
    FleetReport verified = verify_fleet(fleet_of(dsns), expected, {}, {.jobs = 3, .on_done = {}});
    CHECK(verified.count(FleetResult::Ok) == 45);
    CHECK(verified.count(FleetResult::Drift) == 4);  // two injected, two whose migration failed
    CHECK(verified.count(FleetResult::Failed) == 1);
    CHECK(verified.databases[5].result == FleetResult::Drift);
    CHECK(verified.databases[5].message.find("legacy") != std::string::npos);
    CHECK(verified.databases[40].result == FleetResult::Drift);
    CHECK(verified.databases[40].message.find("sites_name_idx") != std::string::npos);
    CHECK(verified.databases[7].version_before == 2);
    CHECK(verified.jobs == 3);

    // From the command line, on the fleet as C++ left it.
    const std::string db_file = root + "/fleet.txt";
    std::string listing = "# the fleet, one connection string per line\n\n";
    for (const auto& dsn : dsns) listing += "  " + dsn + "\n";
    write(db_file, listing);
    const std::string report_file = root + "/report.json";
    CHECK(cli({"migrate", "up", dir, "--out", out, "--db-file", db_file, "--jobs", "8", "--report", report_file},
              output) == 1);
    INFO(output);
    CHECK(output.find("hunter2") == std::string::npos);
    CHECK(occurrences(output, "] fleetdb_") == 50);  // a progress line per database
    CHECK(output.find("migrate: 50 database(s), 47 ok, 0 with drift, 3 failed") != std::string::npos);
    CHECK(output.find(names[3] + " on ") != std::string::npos);
    std::string report_json;
    {
        std::ifstream in(report_file);
        report_json.assign(std::istreambuf_iterator<char>(in), {});
    }
    CHECK(report_json.find("\"counts\": {\"ok\": 47, \"drift\": 0, \"failed\": 3}") != std::string::npos);
    CHECK(occurrences(report_json, "\"version_after\": 2") == 47);
    CHECK(occurrences(report_json, "\"applied\": 0") == 50);  // C++ migrated them already

    // The fleet a query lists: the cluster's databases named fleetdb_*,
    // the missing one not among them.
    const std::string query = "SELECT datname FROM pg_database WHERE datname LIKE 'fleetdb\\_%' ORDER BY 1";
    CHECK(cli({"verify", dir, "--out", out, "--db", dsns[0], "--db-query", query, "--format", "json"}, output) == 1);
    CHECK(output.find("\"counts\": {\"ok\": 45, \"drift\": 4, \"failed\": 0}") != std::string::npos);
    CHECK(output.find("hunter2") == std::string::npos);

    // All well: exit 0.
    CHECK(cli({"verify", dir, "--out", out, "--db", dsns[1], "--db", dsns[2]}, output) == 0);
    CHECK(output.find("verify: 2 database(s), 2 ok, 0 with drift, 0 failed") != std::string::npos);

    // A fleet is for migrate up and verify.
    CHECK(cli({"migrate", "down", dir, "--out", out, "--db", dsns[1], "--db", dsns[2]}, output) == 2);
    CHECK(output.find("a fleet of databases is for `migrate up` and `verify`") != std::string::npos);
    CHECK(cli({"diff", dir, "--out", out, "--db", dsns[1], "--jobs", "2"}, output) == 2);
    // A connection string libpq cannot read fails its database with words of
    // ours: libpq's own message would quote the password.
    CHECK(cli({"verify", dir, "--out", out, "--db", "dbname=x password=my secret", "--db", dsns[1]}, output) == 1);
    CHECK(output.find("does not parse") != std::string::npos);
    CHECK(output.find("secret") == std::string::npos);
    CHECK(output.find("verify: 2 database(s), 1 ok, 0 with drift, 1 failed") != std::string::npos);
    // --report on one database: a fleet of one, with its report.
    CHECK(cli({"verify", dir, "--out", out, "--db", dsns[1], "--report", report_file}, output) == 0);
    CHECK(read_text(report_file).find("\"counts\": {\"ok\": 1, \"drift\": 0, \"failed\": 0}") != std::string::npos);
    write(root + "/empty.txt", "# nobody\n");
    CHECK(cli({"verify", dir, "--out", out, "--db-file", root + "/empty.txt"}, output) == 2);
    CHECK(output.find("the fleet is empty") != std::string::npos);

    for (size_t i = 0; i + 1 < names.size(); ++i) pg.drop_database(names[i]);
    fs::remove_all(root);
}

// `validate --dev-db`: what only the server knows (a function or sequence no
// one created, a view's unknown column) reported at its YAML line with the
// server's SQLSTATE, through the CLI as a user runs it; the throwaway database
// gone afterwards, whatever happened; an unreachable server is a usage error
// that does not print the password.

#include "support/catch.hpp"

#include <filesystem>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <sstream>

#include "devdb/dev_database.hpp"
#include "hyperschema/connection.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

struct Run {
    int status = 0;
    std::string output;
};

Run validate_on(const std::string& dir, const std::string& dsn) {
    Run r;
    r.status = run_command({HYPERSCHEMA_CLI, "validate", dir, "--dev-db", dsn}, &r.output);
    return r;
}

int scratch_databases_left() {
    auto& pg = PgCluster::shared();
    auto conn = hyperschema::connect(pg.dsn("postgres"));
    pqxx::work tx(conn);
    return tx.exec("SELECT count(*) FROM pg_database WHERE datname LIKE 'hyperschema\\_dev\\_%'")[0][0].as<int>();
}

std::string header(const std::string& text, const std::string& key) {
    const std::regex pattern("^# " + key + ": (.*)$");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, pattern)) return m[1];
    }
    return "";
}

}  // namespace

TEST_CASE("validate --dev-db reports what only the server refuses at its YAML line, and leaves nothing behind",
          "[pg][devdb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string root = (fs::temp_directory_path() / ("hyperschema-devdb-" + std::to_string(::getpid()))).string();
    int cases = 0;
    for (const auto& entry : fs::directory_iterator(source_path("tests/corpus/dev_db"))) {
        const std::string name = entry.path().stem().string();
        const std::string text = read_text(entry.path().string());
        INFO("case " << name);
        // Offline the schema is valid: only the server can tell.
        REQUIRE(compile_texts({{"schema.yaml", text}}, name).ok());
        const std::string dir = root + "/" + name;
        fs::create_directories(dir);
        write_text(dir + "/schema.yaml", text);
        const Run r = validate_on(dir, pg.dsn("postgres"));
        INFO(r.output);
        CHECK(r.status == 1);
        const std::string error = header(text, "error");
        const std::string at = error.substr(0, error.find(' '));
        CHECK(r.output.find(dir + "/schema.yaml:" + at + ": error: " + error.substr(error.find(' ') + 1)) !=
              std::string::npos);
        CHECK(r.output.find("(SQLSTATE " + header(text, "server") + ")") != std::string::npos);
        ++cases;
    }
    fs::remove_all(root);
    CHECK(cases >= 6);
    CHECK(scratch_databases_left() == 0);
}

TEST_CASE("validate --dev-db accepts the example schemas", "[pg][devdb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const Run r = validate_on(source_path("schemas"), pg.dsn("postgres"));
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("schemas/heatpump: the development database accepts it") != std::string::npos);
    CHECK(scratch_databases_left() == 0);
}

TEST_CASE("validate --dev-db without a reachable server is a usage error that keeps the password to itself",
          "[pg][devdb]") {
    const Run r = validate_on(source_path("schemas/heatpump"),
                              "host=127.0.0.1 port=1 user=nobody password=s3cret-dev connect_timeout=2");
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("cannot connect to the development database") != std::string::npos);
    CHECK(r.output.find("s3cret-dev") == std::string::npos);
}

TEST_CASE("apply_schema names the change and the statement the server refused", "[pg][devdb]") {
    auto& pg = PgCluster::shared();
    const CompileResult result =
        compile_texts({{"schema.yaml",
                        "tables:\n  meters:\n    columns:\n      id: bigint\n      amount: integer\n"
                        "    checks:\n      meters_amount: length(amount) > 0\n"}},
                      "devdb_api");
    REQUIRE(result.ok());
    const auto rejection = devdb::apply_schema(pg.dsn("postgres"), result.schema);
    REQUIRE(rejection.has_value());
    CHECK(rejection->summary == "+ table meters");
    CHECK(rejection->sqlstate == "42883");
    CHECK(rejection->loc.line == 7);
    CHECK(rejection->statement.find("CREATE TABLE") != std::string::npos);
    CHECK(scratch_databases_left() == 0);
}

TEST_CASE("migrate new --dev-db tries the migration up and down first, and writes nothing the server refuses",
          "[pg][devdb]") {
    auto& pg = PgCluster::shared();
    const fs::path root = fs::temp_directory_path() / ("hyperschema-devdb-new-" + std::to_string(::getpid()));
    const std::string dir = (root / "meters").string();
    const std::string out = (root / "out").string();
    fs::create_directories(dir);
    const std::string table = "tables:\n  meters:\n    columns: {id: bigint, amount: integer}\n";
    write_text(dir + "/schema.yaml", table);
    Run first;
    first.status = run_command(
        {HYPERSCHEMA_CLI, "migrate", "new", "init", dir, "--out", out, "--dev-db", pg.dsn("postgres")}, &first.output);
    INFO(first.output);
    REQUIRE(first.status == 0);
    write_text(dir + "/schema.yaml", table + "    checks:\n      meters_amount: length(amount) > 0\n");
    Run second;
    second.status =
        run_command({HYPERSCHEMA_CLI, "migrate", "new", "add_check", dir, "--out", out, "--dev-db", pg.dsn("postgres")},
                    &second.output);
    INFO(second.output);
    CHECK(second.status == 1);
    CHECK(second.output.find(dir + "/schema.yaml:5:7: error: the development database refused `+ constraint "
                                   "meters_amount on meters`") != std::string::npos);
    CHECK_FALSE(fs::exists(out + "/meters/migrations/0002_add_check.up.sql"));
    CHECK(scratch_databases_left() == 0);
    fs::remove_all(root);
}

TEST_CASE("validate --dev-db local starts its own throwaway cluster and leaves no server or directory behind",
          "[pg][devdb]") {
    // The CLI makes its cluster under TMPDIR: a directory of this test's own,
    // so that the clusters other test processes start meanwhile do not count.
    const std::string root =
        (fs::temp_directory_path() / ("hyperschema-devdb-local-" + std::to_string(::getpid()))).string();
    const std::string tmp = root + "/tmp", dir = root + "/meters";
    fs::create_directories(tmp);
    fs::create_directories(dir);
    auto validate_local = [&] {
        Run r;
        r.status = run_command({"/usr/bin/env", "TMPDIR=" + tmp, HYPERSCHEMA_CLI, "validate", dir, "--dev-db", "local"},
                               &r.output);
        return r;
    };
    write_text(dir + "/schema.yaml", read_text(source_path("tests/corpus/dev_db/view_unknown_column.yaml")));
    const Run refused = validate_local();
    INFO(refused.output);
    CHECK(refused.status == 1);
    CHECK(refused.output.find(dir + "/schema.yaml:9:3: error: the development database refused `+ view "
                                    "meter_names`: column \"name\" does not exist (SQLSTATE 42703)") !=
          std::string::npos);
    write_text(dir + "/schema.yaml", "tables:\n  meters:\n    columns: {id: bigint, name: text}\n");
    const Run accepted = validate_local();
    INFO(accepted.output);
    CHECK(accepted.status == 0);
    CHECK(accepted.output.find("the development database accepts it") != std::string::npos);
    CHECK(fs::is_empty(tmp));
    fs::remove_all(root);
}

TEST_CASE("validate --dev-db stopped by SIGTERM drops its throwaway database before it dies", "[pg][devdb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    // At several moments: during CREATE DATABASE, a statement, the drop.
    for (const char* after : {"0.05", "0.2", "0.4"}) {
        Run r;
        r.status = run_command({"timeout", "-s", "TERM", after, HYPERSCHEMA_CLI, "validate", source_path("schemas"),
                                "--dev-db", pg.dsn("postgres")},
                               &r.output);
        INFO("SIGTERM after " << after << " s: " << r.output);
        CHECK((r.status == 124 || r.status == 0));  // killed by timeout, or done before it
        CHECK(scratch_databases_left() == 0);
    }
}

TEST_CASE("check --dev-db replays the migration history in a throwaway database, verifies it and reverts it",
          "[pg][devdb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    Run examples;
    examples.status = run_command({HYPERSCHEMA_CLI, "check", source_path("schemas"), "--out", source_path("generated"),
                                   "--dev-db", pg.dsn("postgres")},
                                  &examples.output);
    INFO(examples.output);
    CHECK(examples.status == 0);

    // A history that applies nowhere: written without --dev-db from a schema
    // whose check only the server can judge.
    const fs::path root = fs::temp_directory_path() / ("hyperschema-devdb-check-" + std::to_string(::getpid()));
    const std::string dir = (root / "meters").string();
    const std::string out = (root / "out").string();
    fs::create_directories(dir);
    write_text(dir + "/schema.yaml",
               "tables:\n  meters:\n    columns: {id: bigint, amount: integer}\n"
               "    checks:\n      meters_amount: length(amount) > 0\n");
    std::string ignored;
    REQUIRE(run_command({HYPERSCHEMA_CLI, "migrate", "new", "init", dir, "--out", out}, &ignored) == 0);
    REQUIRE(run_command({HYPERSCHEMA_CLI, "generate", dir, "--out", out}, &ignored) == 0);
    REQUIRE(run_command({HYPERSCHEMA_CLI, "check", dir, "--out", out}, &ignored) == 0);
    Run broken;
    broken.status =
        run_command({HYPERSCHEMA_CLI, "check", dir, "--out", out, "--dev-db", pg.dsn("postgres")}, &broken.output);
    INFO(broken.output);
    CHECK(broken.status == 1);
    CHECK(broken.output.find("replayed in a throwaway database: migrate up failed: 0001_init") != std::string::npos);
    CHECK(broken.output.find("function length(integer) does not exist") != std::string::npos);
    CHECK(scratch_databases_left() == 0);
    fs::remove_all(root);
}

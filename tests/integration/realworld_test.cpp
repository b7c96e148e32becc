// Real-world shapes: tests/realworld/<case>/ holds the SQL a team wrote by
// hand for its TimescaleDB database (original.sql) and the YAML that
// describes the same schema. Both are applied to empty databases, which must
// then be identical catalog object by catalog object (support/catalog_snapshot);
// and the hand-built database must pass verify() against the YAML, as it
// would when a team adopts hyperschema for it.

#include "support/catch.hpp"

#include <cstdio>
#include <filesystem>

#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "support/catalog_snapshot.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

// A new database (TimescaleDB created, as both scripts expect) holding `sql`.
std::string database_from_script(const std::string& prefix, const std::string& sql) {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database(prefix);
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-" + prefix + "-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, sql);
    std::string output;
    const int status = pg.psql_file(db, path, &output);
    fs::remove(path);
    INFO(prefix << ": " << output);
    REQUIRE(status == 0);
    return db;
}

std::vector<std::string> snapshot_of(const std::string& db, const std::string& ns) {
    pqxx::connection conn(PgCluster::shared().dsn(db));
    return catalog_snapshot(conn, ns);
}

}  // namespace

TEST_CASE("every real-world schema's YAML builds the database its hand-written SQL builds",
          "[timescaledb][realworld]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const auto cases = subdirectories(source_path("tests/realworld"));
    REQUIRE(cases.size() >= 3);
    for (const auto& name : cases) {
        const std::string dir = source_path("tests/realworld/" + name);
        INFO("case " << name);
        CompileResult compiled = compile_directory(dir);
        INFO(compiled.diags.format());
        REQUIRE(compiled.ok());
        if (compiled.schema.has_extension("postgis") && !PgCluster::shared().has_extension("postgis")) {
            std::fprintf(stderr, "SKIPPED (extension postgis not installed): real-world case %s\n", name.c_str());
            continue;
        }
        const std::string by_hand = database_from_script(name + "_sql", read_text(dir + "/original.sql"));
        const std::string by_yaml = database_from_script(name + "_yaml", history::schema_sql(compiled.schema));
        const auto expected = snapshot_of(by_hand, compiled.schema.namespace_);
        CHECK(expected.size() > 10);
        const std::string difference = snapshot_difference(expected, snapshot_of(by_yaml, compiled.schema.namespace_));
        INFO("- only the hand-written SQL's database has, + only the YAML's:\n" << difference);
        CHECK(difference.empty());
        {
            auto conn = hyperschema::connect(PgCluster::shared().dsn(by_hand));
            VerifyReport report = verify(conn, emit::expected_schema_of(compiled.schema, 0));
            INFO("verify of the hand-built database:\n" << report.text());
            CHECK(report.ok());
        }
        PgCluster::shared().drop_database(by_hand);
        PgCluster::shared().drop_database(by_yaml);
    }
}

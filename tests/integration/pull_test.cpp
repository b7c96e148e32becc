// `hyperschema pull` against real databases: a database pulled, compiled and
// built again on an empty server is identical to the original, catalog object
// by catalog object (support/catalog_snapshot); pulling the copy gives the
// same YAML byte for byte. The originals are the real-world cases' hand-written
// SQL (tests/realworld/*/original.sql), every schema in schemas/ and every
// accepted case of the corpus, each built from its own SQL.

#include "support/catch.hpp"

#include <cstdio>
#include <filesystem>

#include "emit/yaml_writer.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "pull/pull.hpp"
#include "support/catalog_snapshot.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

// A new database holding `sql` (run by psql, as a team would); "" when psql fails.
std::string database_from_sql(const std::string& prefix, const std::string& sql, std::string& output) {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database(prefix);
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-pull-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, "\\set ON_ERROR_STOP 1\n" + sql);
    const int status = pg.psql_file(db, path, &output);
    fs::remove(path);
    if (status == 0) return db;
    pg.drop_database(db);
    return "";
}

std::string pulled_files(const Schema& schema) {
    emit::YamlStyle style;
    style.omit_defaults = true;
    std::string all;
    for (const auto& [name, text] : emit::schema_files(schema, style)) all += "# " + name + "\n" + text;
    return all;
}

struct RoundTrip {
    std::string yaml;        // the pulled files, concatenated
    std::string difference;  // of the catalogs, original against the copy
    std::string second_yaml;
    std::vector<pull::Unsupported> carried;
};

// Pulls `original`, builds the copy from the pulled YAML, pulls the copy.
RoundTrip round_trip(const std::string& original, const std::string& ns) {
    auto& pg = PgCluster::shared();
    RoundTrip out;
    auto conn = hyperschema::connect(pg.dsn(original));
    pull::PulledSchema pulled = pull::pull_schema(conn, ns, "pulled");
    INFO("draft:\n" << pulled.draft.yaml);
    INFO(pulled.compiled.diags.format());
    REQUIRE(pulled.compiled.ok());
    out.yaml = pulled_files(pulled.compiled.schema);
    out.carried = pulled.draft.unsupported;
    std::string output;
    const std::string copy = database_from_sql("pull_copy", history::schema_sql(pulled.compiled.schema), output);
    INFO("the pulled YAML:\n" << out.yaml << "\nthe server says: " << output);
    REQUIRE(!copy.empty());
    {
        pqxx::connection a(pg.dsn(original)), b(pg.dsn(copy));
        out.difference = snapshot_difference(catalog_snapshot(a, ns), catalog_snapshot(b, ns));
        auto copy_conn = hyperschema::connect(pg.dsn(copy));
        pull::PulledSchema again = pull::pull_schema(copy_conn, ns, "pulled");
        REQUIRE(again.compiled.ok());
        out.second_yaml = pulled_files(again.compiled.schema);
    }
    pg.drop_database(copy);
    return out;
}

void check_round_trip(const std::string& what, const std::string& sql, const std::string& ns) {
    INFO(what);
    std::string output;
    const std::string original = database_from_sql("pull_original", sql, output);
    INFO("the original's SQL fails: " << output);
    REQUIRE(!original.empty());
    const RoundTrip trip = round_trip(original, ns);
    INFO("pulled YAML:\n" << trip.yaml);
    INFO("- only the original has, + only the copy built from the pulled YAML has:\n" << trip.difference);
    CHECK(trip.difference.empty());
    CHECK(trip.second_yaml == trip.yaml);
    // Everything in these databases has a form in the DSL: nothing goes through the escape hatch.
    for (const auto& u : trip.carried) FAIL_CHECK("carried as SQL: " << u.kind << " " << u.name << ": " << u.why);
    PgCluster::shared().drop_database(original);
}

bool needs_missing_extension(const Schema& schema, const std::string& what) {
    for (const auto& e : schema.extensions)
        if (e.name == "postgis" && !PgCluster::shared().has_extension(e.name)) {
            std::fprintf(stderr, "SKIPPED (extension postgis not installed): %s\n", what.c_str());
            return true;
        }
    return false;
}

}  // namespace

TEST_CASE("a hand-built database pulled and built again from its YAML is identical", "[timescaledb][pull]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    for (const auto& name : subdirectories(source_path("tests/realworld"))) {
        const std::string dir = source_path("tests/realworld/" + name);
        CompileResult compiled = compile_directory(dir);
        REQUIRE(compiled.ok());
        if (needs_missing_extension(compiled.schema, "pull of real-world case " + name)) continue;
        check_round_trip("real-world case " + name,
                         "CREATE EXTENSION IF NOT EXISTS timescaledb;\n" + read_text(dir + "/original.sql"),
                         compiled.schema.namespace_);
    }
}

TEST_CASE("every schema and accepted corpus case, built and pulled, builds the same database again",
          "[timescaledb][pull]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    std::vector<std::pair<std::string, CompileResult>> schemas;
    for (const auto& name : subdirectories(source_path("schemas")))
        schemas.emplace_back("schema " + name, compile_directory(source_path("schemas/" + name)));
    for (const auto& entry : fs::directory_iterator(source_path("tests/corpus/accepted")))
        schemas.emplace_back("corpus case " + entry.path().stem().string(),
                             compile_texts({{"schema.yaml", read_text(entry.path().string())}}, "corpus"));
    std::sort(schemas.begin(), schemas.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    REQUIRE(schemas.size() >= 20);
    for (const auto& [what, compiled] : schemas) {
        INFO(compiled.diags.format());
        REQUIRE(compiled.ok());
        if (needs_missing_extension(compiled.schema, "pull of " + what)) continue;
        check_round_trip(what, history::schema_sql(compiled.schema), compiled.schema.namespace_);
    }
}

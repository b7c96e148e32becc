// The CLI as a user runs it: exit codes, outputs, and generate's
// write-only-if-changed behaviour.

#include <catch2/catch.hpp>

#include <filesystem>

#include "support/pg_cluster.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema::testing;

namespace {

struct Run {
    int status;
    std::string output;
};

Run cli(std::vector<std::string> args) {
    args.insert(args.begin(), HYPERSCHEMA_CLI);
    Run r{0, ""};
    r.status = run_command(args, &r.output);
    return r;
}

std::string temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "hyperschema-cli-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    return pattern;
}

}  // namespace

TEST_CASE("validate exits 0 for valid schemas, 1 for invalid, 2 for usage errors", "[cli]") {
    CHECK(cli({"validate", source_path("schemas")}).status == 0);
    Run invalid = cli({"validate", source_path("tests/cases/invalid/unknown_key")});
    CHECK(invalid.status == 1);
    CHECK(invalid.output.find(": error: unknown key `chunk_intreval`") != std::string::npos);
    CHECK(cli({"validate", "/nonexistent/dir"}).status == 2);
    CHECK(cli({"frobnicate"}).status == 2);
    CHECK(cli({}).status == 2);
    CHECK(cli({"validate", "--bogus"}).status == 2);
    CHECK(cli({"--version"}).output.rfind("hyperschema ", 0) == 0);
}

TEST_CASE("warnings fail only with --werror", "[cli]") {
    const std::string dir = source_path("tests/cases/invalid/warn_compression_after_retention");
    Run plain = cli({"validate", dir});
    CHECK(plain.status == 0);
    CHECK(plain.output.find(": warning: ") != std::string::npos);
    CHECK(cli({"validate", "--werror", dir}).status == 1);
}

TEST_CASE("sql prints the schema's SQL and refuses a directory of several schemas", "[cli]") {
    Run r = cli({"sql", source_path("schemas/heatpump")});
    CHECK(r.status == 0);
    CHECK(r.output == read_text(source_path("generated/heatpump/schema.sql")));
    CHECK(cli({"sql", source_path("schemas")}).status == 2);
}

TEST_CASE("generate writes only what changed and --check finds stale files", "[cli]") {
    const std::string out = temp_dir();
    const std::string schemas = source_path("schemas");
    Run first = cli({"generate", schemas, "--out", out});
    REQUIRE(first.status == 0);
    const fs::path sql = fs::path(out) / "heatpump" / "schema.sql";
    REQUIRE(fs::exists(sql));
    CHECK(first.output.find("wrote " + sql.string()) != std::string::npos);

    const auto mtime = fs::last_write_time(sql);
    Run second = cli({"generate", schemas, "--out", out});
    CHECK(second.status == 0);
    CHECK(second.output.find("wrote") == std::string::npos);
    CHECK(fs::last_write_time(sql) == mtime);
    CHECK(cli({"generate", "--check", schemas, "--out", out}).status == 0);

    write_text(sql.string(), "-- edited by hand\n");
    Run stale = cli({"generate", "--check", schemas, "--out", out});
    CHECK(stale.status == 1);
    CHECK(stale.output.find("out of date") != std::string::npos);
    CHECK(read_text(sql.string()) == "-- edited by hand\n");  // --check writes nothing
    fs::remove_all(out);
}

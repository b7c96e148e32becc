// The README's path for someone new, through the command line only: init a
// starter schema, validate it, write its first migration, apply it to a real
// TimescaleDB, verify the database and draw the schema.

#include "support/catch.hpp"

#include <filesystem>

#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema::testing;

TEST_CASE("a newcomer goes from init to a migrated, verified database and a diagram", "[timescaledb][cli]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("newcomer");
    std::string root = (fs::temp_directory_path() / "hyperschema-newcomer-XXXXXX").string();
    REQUIRE(mkdtemp(root.data()));
    const std::string dir = root + "/energy", out = root + "/generated";
    auto cli = [&](std::vector<std::string> args, std::string* output) {
        args.insert(args.begin(), HYPERSCHEMA_CLI);
        const int status = run_command(args, output);
        if (status != 0) UNSCOPED_INFO(args[1] << " printed:\n" << *output);
        return status;
    };
    std::string output;
    REQUIRE(cli({"init", dir}, &output) == 0);
    CHECK(cli({"init", dir}, &output) == 2);  // never over a schema
    REQUIRE(cli({"validate", "--werror", dir}, &output) == 0);
    REQUIRE(cli({"migrate", "new", "init", dir, "--out", out}, &output) == 0);
    CHECK(fs::exists(out + "/energy/migrations/0001_init.up.sql"));
    REQUIRE(cli({"migrate", "up", dir, "--out", out, "--db", pg.dsn(db)}, &output) == 0);
    REQUIRE(cli({"verify", dir, "--out", out, "--db", pg.dsn(db), "--no-job-health"}, &output) == 0);
    CHECK(output.find("energy") != std::string::npos);
    REQUIRE(cli({"graph", dir}, &output) == 0);
    CHECK(output.find("n_readings ==>|\"1 hour\"| n_readings_hourly") != std::string::npos);
    // A team that builds the typed C++ too: generate, and the CI gate passes.
    REQUIRE(cli({"generate", dir, "--out", out}, &output) == 0);
    CHECK(cli({"check", dir, "--out", out}, &output) == 0);
    fs::remove_all(root);
    pg.drop_database(db);
}

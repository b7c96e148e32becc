// The CLI as a user runs it: exit codes, outputs, and generate's
// write-only-if-changed behaviour.

#include "support/catch.hpp"

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

TEST_CASE("graph prints the schema's diagram in either format and refuses others", "[cli][graph]") {
    Run mermaid = cli({"graph", source_path("schemas/heatpump")});
    CHECK(mermaid.status == 0);
    CHECK(mermaid.output == read_text(source_path("tests/graphs/heatpump.mmd")));
    Run dot = cli({"graph", source_path("schemas/heatpump"), "--format", "dot"});
    CHECK(dot.status == 0);
    CHECK(dot.output == read_text(source_path("tests/graphs/heatpump.dot")));
    CHECK(cli({"graph", source_path("schemas/heatpump"), "--format", "json"}).status == 2);
    CHECK(cli({"graph", source_path("schemas")}).status == 2);
    CHECK(cli({"graph", source_path("tests/cases/invalid/unknown_key")}).status == 1);
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

namespace {

// A copy of the repository's schemas/ and generated/ to break on purpose.
struct Workspace {
    std::string root = temp_dir();
    Workspace() {
        fs::copy(source_path("schemas"), root + "/schemas", fs::copy_options::recursive);
        fs::copy(source_path("generated"), root + "/generated", fs::copy_options::recursive);
    }
    ~Workspace() { fs::remove_all(root); }
    Run check() { return cli({"check", root + "/schemas", "--out", root + "/generated"}); }
    std::string migrations(const std::string& schema) { return root + "/generated/" + schema + "/migrations"; }
};

}  // namespace

TEST_CASE("check passes on the checked-in migrations and generated files", "[cli][migrate]") {
    Run r = cli({"check", source_path("schemas"), "--out", source_path("generated")});
    INFO(r.output);
    CHECK(r.status == 0);
}

TEST_CASE("check finds a YAML change no migration contains and prints its SQL", "[cli][migrate]") {
    Workspace w;
    std::string yaml = read_text(w.root + "/schemas/heatpump/heatpump.yaml");
    yaml.replace(yaml.find("      site: text?\n"), 0, "      serial_number: text?\n");
    write_text(w.root + "/schemas/heatpump/heatpump.yaml", yaml);
    Run r = w.check();
    CHECK(r.status == 1);
    CHECK(r.output.find("the YAML has changes that no migration contains") != std::string::npos);
    CHECK(r.output.find("ALTER TABLE public.devices ADD COLUMN serial_number text;") != std::string::npos);
    Run json = cli({"check", w.root + "/schemas", "--out", w.root + "/generated", "--format", "json"});
    CHECK(json.status == 1);
    CHECK(json.output.find("\"ok\": false") != std::string::npos);

    // migrate new records it, and check is satisfied once generate has run too.
    Run made = cli({"migrate", "new", "add_serial", w.root + "/schemas/heatpump", "--out", w.root + "/generated"});
    INFO(made.output);
    CHECK(made.status == 0);
    CHECK(fs::exists(w.migrations("heatpump") + "/0004_add_serial.up.sql"));
    CHECK(cli({"generate", w.root + "/schemas", "--out", w.root + "/generated"}).status == 0);
    CHECK(w.check().status == 0);
    Run again = cli({"migrate", "new", "nothing", w.root + "/schemas/heatpump", "--out", w.root + "/generated"});
    CHECK(again.status == 0);
    CHECK(again.output.find("no changes since 0004_add_serial") != std::string::npos);
}

TEST_CASE("check finds an edited migration file", "[cli][migrate]") {
    Workspace w;
    const std::string file = w.migrations("heatpump") + "/0002_add_energy_hourly.up.sql";
    write_text(file, read_text(file) + "-- a hand edit\n");
    Run r = w.check();
    CHECK(r.status == 1);
    CHECK(r.output.find("0002_add_energy_hourly.up.sql was edited after it was generated") != std::string::npos);
}

TEST_CASE("check finds a deleted and a duplicated migration number", "[cli][migrate]") {
    Workspace w;
    fs::remove(w.migrations("heatpump") + "/0002_add_energy_hourly.up.sql");
    fs::remove(w.migrations("heatpump") + "/0002_add_energy_hourly.down.sql");
    Run gap = w.check();
    CHECK(gap.status == 1);
    CHECK(gap.output.find("migration 0002 is missing") != std::string::npos);

    fs::copy_file(w.migrations("forecast") + "/0002_weekly_and_monthly_metrics.up.sql",
                  w.migrations("forecast") + "/0002_other.up.sql");
    fs::copy_file(w.migrations("forecast") + "/0002_weekly_and_monthly_metrics.down.sql",
                  w.migrations("forecast") + "/0002_other.down.sql");
    Run duplicate = w.check();
    CHECK(duplicate.status == 1);
    CHECK(duplicate.output.find("migration number 0002 is used by 2 migrations") != std::string::npos);
}

TEST_CASE("check finds stale generated files", "[cli][migrate]") {
    Workspace w;
    write_text(w.root + "/generated/gridpulse/schema.sql", "-- stale\n");
    Run r = w.check();
    CHECK(r.status == 1);
    CHECK(r.output.find("gridpulse/schema.sql is missing or out of date") != std::string::npos);
}

TEST_CASE("migrate new refuses a destructive change unless allowed", "[cli][migrate]") {
    Workspace w;
    std::string yaml = read_text(w.root + "/schemas/heatpump/heatpump.yaml");
    yaml.erase(yaml.find("      site: text?\n"), std::string("      site: text?\n").size());
    write_text(w.root + "/schemas/heatpump/heatpump.yaml", yaml);
    const std::vector<std::string> args{
        "migrate", "new", "drop_site", w.root + "/schemas/heatpump", "--out", w.root + "/generated"};
    Run refused = cli(args);
    CHECK(refused.status == 1);
    CHECK(refused.output.find("every value of column devices.site") != std::string::npos);
    CHECK_FALSE(fs::exists(w.migrations("heatpump") + "/0004_drop_site.up.sql"));
    auto allowed_args = args;
    allowed_args.push_back("--allow-destructive");
    Run allowed = cli(allowed_args);
    CHECK(allowed.status == 0);
    CHECK(allowed.output.find("warning: the down migration cannot restore the values of column devices.site") !=
          std::string::npos);
    CHECK(read_text(w.migrations("heatpump") + "/0004_drop_site.down.sql").find("comes back empty") !=
          std::string::npos);
}

TEST_CASE("a schema takes its directory's real name, which must be a valid name", "[cli]") {
    const fs::path root = temp_dir();
    const std::string table = "tables:\n  meters:\n    columns:\n      id: bigint\n";
    fs::create_directories(root / "metering");
    write_text((root / "metering" / "schema.yaml").string(), table);

    // `.` and a trailing slash name the directory itself, not `.` or ``.
    for (const std::string spelled : {"metering/.", "metering/", "metering/./"}) {
        const std::string out = (root / "out").string();
        Run r = cli({"generate", (root / spelled).string(), "--out", out});
        CHECK(r.status == 0);
        CHECK(fs::exists(root / "out" / "metering" / "include" / "metering" / "schema.hpp"));
        CHECK_FALSE(fs::exists(root / "out" / "." / "schema.sql"));
        fs::remove_all(root / "out");
    }

    // A directory whose name is no identifier: a located error with the fix.
    fs::create_directories(root / "1x");
    write_text((root / "1x" / "schema.yaml").string(), table);
    const std::string bad = (root / "1x").string();
    Run r = cli({"generate", bad, "--out", (root / "out").string()});
    CHECK(r.status == 1);
    CHECK(r.output.find(bad + ": error: the directory `" + bad +
                        "` names the schema: schema name `1x` is not a "
                        "valid identifier") != std::string::npos);
    CHECK(r.output.find("`schema: {name: _1x}`") != std::string::npos);
    CHECK_FALSE(fs::exists(root / "out"));
    // The same for `.` inside it.
    CHECK(cli({"validate", bad + "/."}).output.find("schema name `1x`") != std::string::npos);

    // Naming it in the YAML is the fix.
    write_text((root / "1x" / "schema.yaml").string(), "schema: {name: meters_1x}\n" + table);
    CHECK(cli({"validate", bad}).status == 0);
}

TEST_CASE("generate --expect-name checks the name a build derived", "[cli]") {
    const fs::path root = temp_dir();
    fs::create_directories(root / "metering");
    write_text((root / "metering" / "schema.yaml").string(),
               "schema:\n  name: meter_data\ntables:\n  meters:\n    columns:\n      id: bigint\n");
    const std::string dir = (root / "metering").string(), out = (root / "out").string();
    Run wrong = cli({"generate", dir, "--out", out, "--expect-name", "metering"});
    CHECK(wrong.status == 1);
    CHECK(wrong.output.find("schema.yaml:2:9: error: the schema is named `meter_data`, but the build expects "
                            "`metering`; pass `NAME meter_data` to hyperschema_generate()") != std::string::npos);
    CHECK_FALSE(fs::exists(root / "out"));
    CHECK(cli({"generate", dir, "--out", out, "--expect-name", "meter_data"}).status == 0);
}

TEST_CASE("diff, check and migrate new read the history --migrations names", "[cli]") {
    const std::string empty = temp_dir();
    Run from_nothing = cli({"diff", source_path("schemas/heatpump"), "--migrations", empty});
    CHECK(from_nothing.status == 0);
    CHECK(from_nothing.output.find("-- + table devices") != std::string::npos);
    Run in_sync =
        cli({"diff", source_path("schemas/heatpump"), "--migrations", source_path("generated/heatpump/migrations")});
    CHECK(in_sync.output == "-- heatpump: no changes\n");
    CHECK(cli({"diff", source_path("schemas"), "--migrations", empty}).status == 2);
    CHECK(cli({"check", source_path("schemas"), "--migrations", empty}).status == 2);
}

TEST_CASE("check compares the generated files with the ones generate writes for the same --migrations", "[cli]") {
    const std::string out = temp_dir();
    const std::string history = temp_dir();
    const std::string schema = source_path("schemas/heatpump");
    REQUIRE(cli({"migrate", "new", "init", schema, "--out", out, "--migrations", history}).status == 0);
    REQUIRE(cli({"generate", schema, "--out", out, "--migrations", history}).status == 0);
    Run check = cli({"check", schema, "--out", out, "--migrations", history});
    INFO(check.output);
    CHECK(check.status == 0);
    // Without --migrations, check reads OUT/heatpump/migrations, which has none: a problem, not a pass.
    CHECK(cli({"check", schema, "--out", out}).status == 1);
}

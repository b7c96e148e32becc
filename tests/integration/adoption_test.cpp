// Adopting a database hyperschema did not build (tests/adoption/hand_built.sql,
// with data): pull it, write the first migration from the pulled YAML,
// baseline the database at it (nothing runs), then a change to the YAML (a
// column and a policy) migrates it on and keeps every row. diff --db plans
// the way from the live database to a schema; baseline refuses a database
// that is not at the schema's state.

#include "support/catch.hpp"

#include <filesystem>
#include <regex>

#include "diff/diff.hpp"
#include "emit/expected_schema.hpp"
#include "emit/yaml_writer.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "pull/pull.hpp"
#include "support/catalog_snapshot.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

#ifndef HYPERSCHEMA_CLI
#error "tests/CMakeLists.txt defines HYPERSCHEMA_CLI, the path of the command-line tool"
#endif

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::string database_from_text(const std::string& prefix, const std::string& sql) {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database(prefix);
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-adopt-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, "\\set ON_ERROR_STOP 1\n" + sql);
    std::string output;
    const int status = pg.psql_file(db, path, &output);
    fs::remove(path);
    INFO(output);
    REQUIRE(status == 0);
    return db;
}

std::string database_from(const std::string& prefix, const std::string& script) {
    return database_from_text(prefix, read_text(source_path(script)));
}

std::string hand_built_database() {
    return database_from("adopt", "tests/adoption/hand_built.sql");
}

// The pulled schema's files as one set of texts, as `pull` writes them.
std::vector<std::pair<std::string, std::string>> pulled_texts(const Schema& schema) {
    emit::YamlStyle style;
    style.omit_defaults = true;
    return emit::schema_files(schema, style);
}

Schema compiled(const std::vector<std::pair<std::string, std::string>>& files) {
    CompileResult r = compile_texts(files, "adopted");
    INFO(r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

Migration migration_between(int version, const std::string& name, const Schema& from, const Schema& to) {
    Migration m;
    m.version = version;
    m.name = name;
    const std::string stem = migration_stem(version, name);
    m.up = history::render_migration(diff::diff_schemas(from, to), to.name, stem, true, {});
    m.down = history::render_migration(diff::diff_schemas(to, from, diff::Direction::Down), to.name, stem, false, {});
    return m;
}

long long count(connection& conn, const std::string& sql) {
    pqxx::nontransaction n(conn);
    return n.exec(sql)[0][0].as<long long>();
}

}  // namespace

TEST_CASE("a hand-built database is pulled, baselined and migrated on without losing a row",
          "[timescaledb][pull][adoption]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = hand_built_database();
    auto conn = hyperschema::connect(pg.dsn(db));
    const long long readings = count(conn, "SELECT count(*) FROM readings");
    REQUIRE(readings > 2000);

    pull::PulledSchema pulled = pull::pull_schema(conn, "public", "adopted");
    INFO("draft:\n" << pulled.draft.yaml << pulled.compiled.diags.format());
    REQUIRE(pulled.compiled.ok());
    CHECK(pulled.draft.unsupported.empty());
    const auto files = pulled_texts(pulled.compiled.schema);
    const Schema adopted = compiled(files);
    // What the team would see: its objects in the DSL's terms.
    std::string all;
    for (const auto& [name, text] : files) all += text;
    INFO(all);
    CHECK(all.find("time_column: time") != std::string::npos);
    CHECK(all.find("chunk_interval: 1 day") != std::string::npos);
    CHECK(all.find("segment_by: [meter_id]") != std::string::npos);
    CHECK(all.find("drop_after: 90 days") != std::string::npos);
    CHECK(all.find("avg_power_w:") != std::string::npos);
    CHECK(all.find("schedule: 30 minutes") != std::string::npos);
    CHECK(all.find("identity: by_default") != std::string::npos);
    CHECK(all.find("type: serial") != std::string::npos);
    CHECK(all.find("adoption_reader: [select]") != std::string::npos);
    CHECK(all.find("_timescaledb") == std::string::npos);

    SECTION("diff against the database: nothing to do for the pulled schema, the change for a changed one") {
        diff::Plan none = diff::diff_schemas(pulled.compiled.schema, adopted);
        CHECK(none.changes.empty());
    }

    Schema empty;
    empty.name = "adopted";
    std::vector<Migration> migrations{migration_between(1, "initial", empty, adopted)};
    REQUIRE(verify(conn, emit::expected_schema_of(adopted, 1)).ok());
    CHECK(baseline(conn, migrations) == 1);
    CHECK(migration_status(conn, migrations).current() == 1);
    CHECK(count(conn, "SELECT count(*) FROM readings") == readings);
    CHECK_THROWS_AS(baseline(conn, migrations), history_error);  // once only

    // What an application logs at start-up: the runtime's description of the database.
    const Introspection found = introspect(conn);
    INFO(found.text());
    CHECK(found.migration == 1);
    REQUIRE(found.find("readings"));
    CHECK(found.find("readings")->kind == "table");
    CHECK(found.find("readings")->columns.size() == 5);
    REQUIRE(found.find("readings_hourly"));
    CHECK(found.find("readings_hourly")->kind == "continuous aggregate");
    CHECK(found.find("site_power")->kind == "view");
    REQUIRE(found.hypertables.size() == 1);
    CHECK(found.hypertables[0].time_column == "time");
    CHECK(found.hypertables[0].chunk_interval == "1 day");
    CHECK(found.hypertables[0].compressed);
    REQUIRE(found.aggregates.size() == 1);
    CHECK(found.aggregates[0].source == "readings");
    CHECK(found.aggregates[0].bucket == "01:00:00");
    CHECK(found.jobs.size() == 3);
    CHECK(found.text().find("table readings (5 columns): hypertable on time, chunks of 1 day, compressed") !=
          std::string::npos);
    CHECK(found.text().find("refresh policy") != std::string::npos);

    // The team's first change in YAML: a column and a reorder policy.
    auto changed_files = files;
    for (auto& [name, text] : changed_files) {
        if (name != "tables.yaml") continue;
        const std::string anchor = "      quality:\n";
        const size_t at = text.find(anchor);
        REQUIRE(at != std::string::npos);
        text.insert(at, "      voltage_v:\n        type: real\n        nullable: true\n");
        const size_t retention = text.find("      retention:\n");
        REQUIRE(retention != std::string::npos);
        text.insert(retention, "      reorder:\n        index: readings_meter_time\n");
    }
    const Schema next = compiled(changed_files);
    migrations.push_back(migration_between(2, "voltage", adopted, next));
    INFO(migrations.back().up);
    CHECK(migrations.back().up.find("DROP") == std::string::npos);
    CHECK(migrate(conn, migrations) == 1);
    CHECK(count(conn, "SELECT count(*) FROM readings") == readings);
    CHECK(count(conn, "SELECT count(*) FROM readings_hourly") > 0);
    CHECK(count(conn,
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'readings' AND "
                "column_name = 'voltage_v'") == 1);
    CHECK(count(conn, "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_reorder'") == 1);
    VerifyReport report = verify(conn, emit::expected_schema_of(next, 2));
    INFO(report.text());
    CHECK(report.ok());
    pg.drop_database(db);
}

TEST_CASE("baseline is refused where the database is not at the schema's state, and diff --db says what differs",
          "[timescaledb][pull][adoption]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = hand_built_database();
    auto conn = hyperschema::connect(pg.dsn(db));
    pull::PulledSchema pulled = pull::pull_schema(conn, "public", "adopted");
    REQUIRE(pulled.compiled.ok());
    {
        pqxx::work w(conn);
        w.exec("ALTER TABLE meters DROP COLUMN \"order\"");
        w.exec("DROP INDEX readings_meter_time");
        w.commit();
    }
    // verify is what baseline's command runs first; the database has drifted.
    VerifyReport report = verify(conn, emit::expected_schema_of(pulled.compiled.schema, 1));
    CHECK_FALSE(report.ok());
    CHECK(report.text().find("order") != std::string::npos);

    pull::PulledSchema drifted = pull::pull_schema(conn, "public", "adopted");
    REQUIRE(drifted.compiled.ok());
    diff::Plan repair = diff::diff_schemas(drifted.compiled.schema, pulled.compiled.schema);
    const std::string sql = history::render_migration(repair, "adopted", "database", true, {});
    INFO(sql);
    CHECK(sql.find("ADD COLUMN \"order\"") != std::string::npos);
    CHECK(sql.find("CREATE INDEX") != std::string::npos);
    CHECK(sql.find("readings_meter_time") != std::string::npos);
    {  // applied, the repair leaves the database at the schema's state
        pqxx::work w(conn);
        w.exec(sql);
        w.commit();
    }
    VerifyReport repaired = verify(conn, emit::expected_schema_of(pulled.compiled.schema, 1));
    INFO(repaired.text());
    CHECK(repaired.ok());
    pg.drop_database(db);
}

TEST_CASE("what the DSL cannot say is carried as SQL, listed, and builds the same database",
          "[timescaledb][pull][adoption]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = database_from("beyond", "tests/adoption/beyond_the_dsl.sql");
    auto conn = hyperschema::connect(pg.dsn(db));
    pull::PulledSchema pulled = pull::pull_schema(conn, "public", "beyond");
    INFO("draft:\n" << pulled.draft.yaml << pulled.compiled.diags.format());
    REQUIRE(pulled.compiled.ok());
    std::vector<std::string> carried;
    for (const auto& u : pulled.draft.unsupported) carried.push_back(u.kind + " " + u.name + ": " + u.why);
    INFO("carried:\n"
         << [&] {
                std::string all;
                for (const auto& c : carried) all += c + "\n";
                return all;
            }());
    auto has = [&](const std::string& start) {
        return std::any_of(carried.begin(), carried.end(),
                           [&](const std::string& c) { return c.rfind(start, 0) == 0; });
    };
    CHECK(has("index devices_label_prefix: a key has an operator class"));
    CHECK(has("constraint devices_parent_fk on devices: it is DEFERRABLE"));
    CHECK(has("function label_key(t text): it is PARALLEL SAFE"));
    CHECK(has("function devices_under(root integer): it RETURNS TABLE"));
    CHECK(has("extension uuid-ossp: its name is not an identifier"));
    CHECK(has("index devices_label_spgist: its access method spgist"));
    CHECK(has("function label_len(t text, extra integer): it overloads"));
    CHECK(has("function stamp(): it is PARALLEL SAFE"));
    CHECK(has("trigger stamp on devices: its function is carried as SQL"));
    CHECK(has("trigger stamp on samples: its function is carried as SQL"));
    CHECK(has("trigger devices_quiet on devices: it is set to DISABLE"));
    CHECK(has("grant INSERT on continuous aggregate samples_hourly to beyond_writer"));
    CHECK(carried.size() == 12);
    // A comment on a view's column: the view's columns are declared, with it.
    const View* labels = pulled.compiled.schema.find_view("device_labels");
    REQUIRE(labels);
    REQUIRE(labels->columns.size() == 2);
    CHECK(labels->columns[1].name == "key");
    CHECK(labels->columns[1].comment == "lowercased label");
    // Written in the DSL's own terms, not carried.
    CHECK(pulled.compiled.schema.find_aggregate("samples_hourly"));
    const ContinuousAggregate* by_label = pulled.compiled.schema.find_aggregate("samples_by_label");
    REQUIRE(by_label);
    REQUIRE(by_label->joins.size() == 1);
    CHECK(by_label->joins[0].on == "devices.id = samples.device_id");
    REQUIRE(by_label->group_by.size() == 1);
    CHECK(by_label->group_by[0].column_text() == "devices.label");
    CHECK(pulled.compiled.schema.find_view("all_labels"));
    CHECK(pulled.draft.not_carried.empty());

    const std::string copy = database_from_text("beyond_copy", history::schema_sql(pulled.compiled.schema));
    {
        pqxx::connection a(pg.dsn(db)), b(pg.dsn(copy));
        std::vector<std::string> original = catalog_snapshot(a);
        // The one difference pull makes on purpose: the DSL writes no aliases
        // in an aggregate's FROM clause (`FROM samples s JOIN devices d` comes
        // back `FROM samples JOIN devices`, `d.label` as `devices.label`).
        for (auto& line : original)
            if (line.rfind("aggregate samples_hourly ", 0) == 0 || line.rfind("aggregate samples_by_label ", 0) == 0) {
                line = std::regex_replace(line, std::regex(R"(\bs\.)"), "samples.");
                line = std::regex_replace(line, std::regex(R"(\bd\.)"), "devices.");
                line = std::regex_replace(line, std::regex(R"(public\.samples s )"), "public.samples ");
                line = std::regex_replace(line, std::regex(R"(public\.devices d )"), "public.devices ");
            }
        const std::string difference = snapshot_difference(original, catalog_snapshot(b));
        INFO("- only the original has, + only the copy has:\n" << difference);
        CHECK(difference.empty());
    }
    pg.drop_database(copy);
    pg.drop_database(db);
}

TEST_CASE("objects pull cannot carry at all are listed as not written", "[timescaledb][pull][adoption]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = database_from_text(
        "partitioned",
        "CREATE TABLE events (at date NOT NULL, v integer) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "CREATE TYPE pair AS (a integer, b integer);\n"
        "CREATE TABLE plain (id integer PRIMARY KEY, a integer, b integer);\n"
        "CREATE AGGREGATE total (integer) (sfunc = int4pl, stype = integer);\n"
        "CREATE RULE plain_keep AS ON DELETE TO plain DO INSTEAD NOTHING;\n"
        "CREATE POLICY plain_own ON plain USING (a > 0);\n"
        "CREATE STATISTICS plain_ab ON a, b FROM plain;\n");
    auto conn = hyperschema::connect(pg.dsn(db));
    pull::PulledSchema pulled = pull::pull_schema(conn, "public", "partitioned");
    INFO("draft:\n" << pulled.draft.yaml << pulled.compiled.diags.format());
    REQUIRE(pulled.compiled.ok());
    std::vector<std::string> listed;
    for (const auto& u : pulled.draft.not_carried) listed.push_back(u.kind + " " + u.name);
    std::sort(listed.begin(), listed.end());
    CHECK(listed == std::vector<std::string>{"aggregate function total(integer)", "composite type pair",
                                             "partitioned table events", "row-level security policy plain_own on plain",
                                             "rule plain_keep on plain", "statistics object plain_ab",
                                             "table events_2024"});
    REQUIRE(pulled.compiled.schema.tables.size() == 1);
    CHECK(pulled.compiled.schema.tables[0].name == "plain");
    pg.drop_database(db);
}

namespace {

struct Run {
    int status = 0;
    std::string output;
};

Run cli(std::vector<std::string> args) {
    args.insert(args.begin(), HYPERSCHEMA_CLI);
    Run r;
    r.status = run_command(args, &r.output);
    return r;
}

}  // namespace

TEST_CASE("the adoption commands as a team runs them: pull, migrate new, baseline, verify, diff --db",
          "[timescaledb][pull][adoption][cli]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = hand_built_database();
    const std::string dsn = pg.dsn(db);
    const fs::path work = fs::temp_directory_path() / ("hyperschema-adopt-cli-" + std::to_string(::getpid()));
    fs::remove_all(work);
    const std::string dir = (work / "schemas" / "meters").string(), out = (work / "generated").string();

    Run pulled = cli({"pull", "--db", dsn, "--out", dir, "--name", "meters"});
    INFO(pulled.output);
    REQUIRE(pulled.status == 0);
    CHECK(fs::exists(dir + "/tables.yaml"));
    CHECK(fs::exists(dir + "/aggregates.yaml"));
    const std::string tables = read_text(dir + "/tables.yaml");
    Run again = cli({"pull", "--db", dsn, "--out", dir, "--name", "meters"});
    CHECK(again.status == 0);
    CHECK(again.output.find("wrote") == std::string::npos);  // the same YAML: no file touched
    CHECK(read_text(dir + "/tables.yaml") == tables);

    CHECK(cli({"pull", "--db", dsn, "--out", dir, "--namespace", "no_such_schema"}).status == 2);

    Run none = cli({"diff", dir, "--db", dsn});
    INFO(none.output);
    CHECK(none.status == 0);
    CHECK(none.output.find("no changes") != std::string::npos);

    // Without a migration there is nothing to record.
    CHECK(cli({"migrate", "baseline", dir, "--out", out, "--db", dsn}).status == 1);
    REQUIRE(cli({"migrate", "new", "initial", dir, "--out", out}).status == 0);
    {  // YAML ahead of its migrations: baseline would record what no migration holds
        const std::string views = read_text(dir + "/views.yaml");
        write_text(dir + "/views.yaml", views + "  extra_view:\n    sql: SELECT 1 AS one\n");
        Run ahead = cli({"migrate", "baseline", dir, "--out", out, "--db", dsn});
        INFO(ahead.output);
        CHECK(ahead.status == 1);
        CHECK(ahead.output.find("no migration holds yet") != std::string::npos);
        write_text(dir + "/views.yaml", views);
    }
    Run recorded = cli({"migrate", "baseline", dir, "--out", out, "--db", dsn});
    INFO(recorded.output);
    CHECK(recorded.status == 0);
    CHECK(recorded.output.find("recorded as applied") != std::string::npos);
    CHECK(cli({"migrate", "status", dir, "--out", out, "--db", dsn}).status == 0);  // nothing pending
    CHECK(cli({"verify", dir, "--out", out, "--db", dsn, "--no-job-health"}).status == 0);
    CHECK(cli({"migrate", "baseline", dir, "--out", out, "--db", dsn}).status == 1);  // once only

    // A column the YAML lacks: diff --db shows the way back, a destructive one.
    {
        pqxx::connection conn(dsn);
        pqxx::work w(conn);
        w.exec("ALTER TABLE sites ADD COLUMN note text");
        w.commit();
    }
    CHECK(cli({"verify", dir, "--out", out, "--db", dsn, "--no-job-health"}).status == 1);
    Run refused = cli({"diff", dir, "--db", dsn});
    CHECK(refused.status == 1);
    CHECK(refused.output.find("would lose data") != std::string::npos);
    Run repair = cli({"diff", dir, "--db", dsn, "--allow-destructive"});
    INFO(repair.output);
    CHECK(repair.status == 0);
    CHECK(repair.output.find("DROP COLUMN note") != std::string::npos);
    fs::remove_all(work);
    pg.drop_database(db);
}

TEST_CASE("pull exits 1 when it carries objects as SQL, unless told it may", "[timescaledb][pull][adoption][cli]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = database_from("beyond_cli", "tests/adoption/beyond_the_dsl.sql");
    const fs::path dir = fs::temp_directory_path() / ("hyperschema-beyond-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    Run strict = cli({"pull", "--db", pg.dsn(db), "--out", dir.string()});
    INFO(strict.output);
    CHECK(strict.status == 1);
    CHECK(strict.output.find("index devices_label_prefix is written as SQL") != std::string::npos);
    CHECK(fs::exists(dir / "sql.yaml"));
    CHECK(cli({"pull", "--db", pg.dsn(db), "--out", dir.string(), "--allow-unsupported"}).status == 0);
    CHECK(cli({"validate", dir.string()}).status == 0);
    // A directory with YAML of the user's own is not written over.
    write_text((dir / "mine.yaml").string(), "tables: {}\n");
    CHECK(cli({"pull", "--db", pg.dsn(db), "--out", dir.string(), "--allow-unsupported"}).status == 2);
    fs::remove_all(dir);
    pg.drop_database(db);
}

TEST_CASE("a job added without a name is pulled under its procedure's name, and verify says how to name it",
          "[timescaledb][pull][adoption]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = database_from_text(
        "unnamed_job",
        "CREATE EXTENSION IF NOT EXISTS timescaledb;\n"
        "CREATE PROCEDURE nightly(job_id integer, config jsonb) LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;\n"
        "SELECT add_job('nightly', INTERVAL '1 day', config => '{\"keep\": 7}');\n");
    auto conn = hyperschema::connect(pg.dsn(db));
    pull::PulledSchema pulled = pull::pull_schema(conn, "public", "jobs");
    INFO(pulled.draft.yaml << pulled.compiled.diags.format());
    REQUIRE(pulled.compiled.ok());
    REQUIRE(pulled.compiled.schema.jobs.size() == 1);
    CHECK(pulled.compiled.schema.jobs[0].name == "nightly");
    VerifyOptions options;
    options.job_health = false;
    VerifyReport before = verify(conn, emit::expected_schema_of(pulled.compiled.schema, 0), options);
    INFO(before.text());
    CHECK_FALSE(before.ok());
    const size_t at = before.text().find("SELECT alter_job(");
    REQUIRE(at != std::string::npos);
    const std::string fix = before.text().substr(at, before.text().find(')', at) + 1 - at);
    {
        pqxx::work w(conn);
        w.exec(fix);
        w.commit();
    }
    VerifyReport after = verify(conn, emit::expected_schema_of(pulled.compiled.schema, 0), options);
    INFO(fix << "\n" << after.text());
    CHECK(after.ok());
    pg.drop_database(db);
}

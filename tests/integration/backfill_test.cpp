// Backfills on a real server: the seed 002 point migration (schemas/points,
// loaded by examples/point-migration) killed with SIGKILL at random moments
// and rerun until done must end with exactly the rows of one uninterrupted
// run; a finished run is not run again; a batch that fails its validation
// stops the run with the figures and keeps the last good checkpoint;
// compressed target chunks, a continuous aggregate over the target and a
// source written to during the run; backfill steps inside migrate(). And a
// plain-PostgreSQL backfill over a timestamptz key with on_conflict: update.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "emit/backfill_spec.hpp"
#include "hyperschema/hyperschema.hpp"
#include "pipeline/compile.hpp"
#include "support/catch.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

constexpr double kScale = 0.03;  // about 6,000 readings: a run of some 15 batches in a second or two

const Schema& points_schema() {
    static const CompileResult compiled = compile_directory(source_path("schemas/points"));
    if (!compiled.ok()) throw std::runtime_error(compiled.diags.format());
    return compiled.schema;
}

BackfillSpec spec_of(const std::string& name) {
    return emit::backfill_spec(points_schema(), *points_schema().find_backfill(name));
}

long long scalar(connection& conn, const std::string& sql) {
    pqxx::nontransaction n(conn);
    const auto r = n.exec(sql);
    return r[0][0].is_null() ? 0 : r[0][0].as<long long>();
}

std::string text(connection& conn, const std::string& sql) {
    pqxx::nontransaction n(conn);
    const auto r = n.exec(sql);
    return r[0][0].is_null() ? "" : r[0][0].c_str();
}

// Every row of a table in key order, as one digest: equal digests, equal tables.
std::string digest(connection& conn, const std::string& table, const std::string& order) {
    return text(conn,
                "SELECT md5(string_agg(t::text, '|' ORDER BY " + order + ")) || ':' || count(*) FROM " + table + " t");
}

std::string table_of(const std::string& backfill) {
    return backfill == "readings_to_points" ? "point_readings" : "point_readings_agg_5m";
}

std::string order_of(const std::string& backfill) {
    return backfill == "readings_to_points" ? "system_id, point_id, measurement_time"
                                            : "system_id, point_id, interval_end";
}

// A database with the synthetic legacy history (and the live rows), loaded once.
const std::string& loaded_database() {
    static const std::string db = [] {
        auto& pg = PgCluster::shared();
        const std::string name = pg.create_database("points_base");
        std::string output;
        const int status = run_command(
            {HYPERSCHEMA_POINT_MIGRATION, "load", "--db", pg.dsn(name), "--scale", std::to_string(kScale)}, &output);
        if (status != 0) throw std::runtime_error("point_migration load failed: " + output);
        return name;
    }();
    return db;
}

std::string fresh_copy(const std::string& prefix) {
    return PgCluster::shared().create_database_from(loaded_database(), prefix);
}

// What one uninterrupted run leaves, per backfill: the target's digest and the checkpoint's figures.
struct Reference {
    std::string digest;
    long long inserted = 0, existing = 0;
    double seconds = 0;  // the run's own time
};

const Reference& reference(const std::string& backfill) {
    static std::map<std::string, Reference> done;
    auto it = done.find(backfill);
    if (it != done.end()) return it->second;
    auto& pg = PgCluster::shared();
    const std::string db = fresh_copy("points_ref");
    auto conn = connect(pg.dsn(db));
    const BackfillResult r = run_backfill(conn, spec_of(backfill));
    Reference ref{digest(conn, table_of(backfill), order_of(backfill)), r.status.rows_inserted, r.status.rows_existing,
                  r.seconds};
    REQUIRE(r.status.state == "done");
    REQUIRE(ref.inserted > 0);
    REQUIRE(ref.existing > 0);  // the live system's rows
    return done.emplace(backfill, ref).first->second;
}

// `hyperschema backfill run` in a child process, killed with SIGKILL after
// `after` unless it ends first; true when it ended by itself with status 0.
bool run_cli_killed_after(const std::string& backfill, const std::string& dsn, std::chrono::milliseconds after) {
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string schema = source_path("schemas/points");
        // dup2, not freopen: freopen would flush the parent's buffered output a second time.
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(HYPERSCHEMA_CLI, HYPERSCHEMA_CLI, "backfill", "run", backfill.c_str(), schema.c_str(), "--db",
              dsn.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + after;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct CliRun {
    int status = 0;
    std::string output;
};

CliRun cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{HYPERSCHEMA_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    CliRun r;
    r.status = run_command(argv, &r.output);
    return r;
}

}  // namespace

TEST_CASE("backfills killed with SIGKILL at random moments finish with exactly one uninterrupted run's rows",
          "[timescaledb][backfill]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    std::mt19937 random(20251106);  // fixed: the same moments on every run of the test
    int trials = 0, kills = 0;
    for (const auto& [backfill, count] :
         {std::pair{std::string("readings_to_points"), 14}, std::pair{std::string("agg5m_to_points"), 8}}) {
        const Reference& ref = reference(backfill);
        // Anywhere from the command's start-up (compiling the schema) to near
        // the end of a whole run: before the checkpoint exists, mid-batch,
        // between batches, during the aggregate refresh.
        const int max_ms = 100 + static_cast<int>(ref.seconds * 1000);
        for (int trial = 0; trial < count; ++trial, ++trials) {
            const std::string db = fresh_copy("points_kill");
            const std::string dsn = pg.dsn(db);
            std::uniform_int_distribution<int> delay(10, max_ms);
            int attempts = 0;
            // Each rerun gets a little longer: a killed runner's server session
            // holds the backfill's lock for up to a second, and a rerun killed
            // every time while it waits would never finish.
            while (!run_cli_killed_after(backfill, dsn, std::chrono::milliseconds(delay(random) + 250 * attempts))) {
                ++attempts;
                ++kills;
                REQUIRE(attempts < 40);
            }
            auto conn = connect(dsn);
            INFO(backfill << ", trial " << trial << ", killed " << attempts << " times");
            CHECK(digest(conn, table_of(backfill), order_of(backfill)) == ref.digest);
            const auto status = backfill_status(conn, backfill);
            REQUIRE(status);
            CHECK(status->state == "done");
            CHECK(status->rows_inserted == ref.inserted);
            CHECK(status->rows_existing == ref.existing);
            CHECK(status->done_through == status->until);
            pg.drop_database(db);
        }
    }
    CHECK(trials >= 20);
    CHECK(kills >= trials);  // about one kill per trial, or more
}

TEST_CASE(
    "a finished backfill is not run again, and a batch that fails validation stops the run and keeps the last "
    "good checkpoint",
    "[timescaledb][backfill]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string schema_dir = source_path("schemas/points");

    SECTION("rerun after completion") {
        const std::string db = fresh_copy("points_rerun");
        const CliRun first = cli({"backfill", "run", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        INFO(first.output);
        REQUIRE(first.status == 0);
        auto conn = connect(pg.dsn(db));
        const std::string before = digest(conn, "point_readings", order_of("readings_to_points"));
        const std::string updated = text(conn, "SELECT updated_at::text FROM hyperschema.backfills");
        const CliRun again = cli({"backfill", "run", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        INFO(again.output);
        CHECK(again.status == 0);
        CHECK(again.output.find("already done") != std::string::npos);
        CHECK(again.output.find("nothing to do") != std::string::npos);
        CHECK(digest(conn, "point_readings", order_of("readings_to_points")) == before);
        CHECK(text(conn, "SELECT updated_at::text FROM hyperschema.backfills") == updated);
        const CliRun verify = cli({"backfill", "verify", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        INFO(verify.output);
        CHECK(verify.status == 0);
        CHECK(verify.output.find("every check passed") != std::string::npos);
        const CliRun status = cli({"backfill", "status", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        CHECK(status.output.find("readings_to_points: done, 100.0%") != std::string::npos);
        pg.drop_database(db);
    }

    SECTION("a system whose points are incomplete") {
        const std::string db = fresh_copy("points_corrupt");
        auto conn = connect(pg.dsn(db));
        // System 9 reports one day in the middle of the history, but one of
        // its vendor's 16 points was never created: its readings map to 15 rows.
        const long long day =
            scalar(conn, "SELECT (min(inverter_time) / 3600 + 2) * 3600 FROM readings WHERE system_id = 1");
        {
            pqxx::work w(conn);
            w.exec("INSERT INTO systems VALUES (9, 'selectronic', 'Half set up')");
            w.exec(
                "INSERT INTO point_info (system_id, id, origin_sub_id) SELECT 9, id, origin_sub_id FROM point_info "
                "WHERE system_id = 1 AND origin_sub_id <> 'load_w'");
            w.exec(
                "INSERT INTO readings SELECT 9, inverter_time + 17, received_time, solar_w, solar_inverter_w, "
                "shunt_w, load_w, battery_w, grid_w, battery_soc, fault_code, fault_timestamp, generator_status, "
                "solar_kwh_total, load_kwh_total, battery_in_kwh_total, battery_out_kwh_total, grid_in_kwh_total, "
                "grid_out_kwh_total FROM readings WHERE system_id = 1 AND inverter_time >= " +
                std::to_string(day) + " AND inverter_time < " + std::to_string(day + 3600));
            w.commit();
        }
        const long long bad = scalar(conn, "SELECT count(*) FROM readings WHERE system_id = 9");
        REQUIRE(bad > 0);
        const CliRun run = cli({"backfill", "run", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        INFO(run.output);
        CHECK(run.status == 1);
        CHECK(run.output.find("validation failed: the transformation gave") != std::string::npos);
        CHECK(run.output.find("(-" + std::to_string(bad) + ")") != std::string::npos);  // one row short per reading
        CHECK(run.output.find("the batch was rolled back") != std::string::npos);
        const auto status = backfill_status(conn, "readings_to_points");
        REQUIRE(status);
        CHECK(status->state == "running");
        CHECK(status->done_through <= day);  // the failed batch is not done
        CHECK(status->done_through > status->from);
        CHECK(scalar(conn, "SELECT count(*) FROM point_readings WHERE system_id = 9") == 0);
        CHECK(scalar(conn, "SELECT count(*) FROM point_readings WHERE measurement_time < " +
                               std::to_string(status->done_through * 1000)) > 0);
        // Fixed (the point created), the rerun resumes there and finishes.
        {
            pqxx::work w(conn);
            w.exec("INSERT INTO point_info (system_id, id, origin_sub_id) VALUES (9, 99, 'load_w')");
            w.commit();
        }
        const CliRun rerun = cli({"backfill", "run", "readings_to_points", schema_dir, "--db", pg.dsn(db)});
        INFO(rerun.output);
        CHECK(rerun.status == 0);
        CHECK(rerun.output.find("resuming at") != std::string::npos);
        CHECK(scalar(conn, "SELECT count(*) FROM point_readings WHERE system_id = 9") == bad * 16);
        pg.drop_database(db);
    }
}

TEST_CASE("compressed target chunks, a continuous aggregate over the target and a source written to during the run",
          "[timescaledb][backfill]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const Reference& ref = reference("readings_to_points");
    const std::string db = fresh_copy("points_live");
    auto conn = connect(pg.dsn(db));
    // The live rows' chunks are compressed, as a compression policy would have done.
    const long long compressed = scalar(conn, "SELECT count(compress_chunk(c)) FROM show_chunks('point_readings') c");
    REQUIRE(compressed > 0);
    const long long end = scalar(conn, "SELECT max(inverter_time) + 1 FROM readings");

    // The live system goes on: new readings (after the run's fixed end) and their point rows.
    std::atomic<bool> stop{false};
    std::atomic<int> written{0};
    std::thread writer([&] {
        auto live = connect(pg.dsn(db));
        for (long long t = end + 60; !stop; t += 60) {
            pqxx::work w(live);
            w.exec("INSERT INTO readings (system_id, inverter_time, received_time, solar_w) VALUES (1, " +
                   std::to_string(t) + ", " + std::to_string(t) + ", 100)");
            w.exec("INSERT INTO point_readings (system_id, point_id, measurement_time, value) SELECT 1, id, " +
                   std::to_string(t * 1000) +
                   ", 100 FROM point_info WHERE system_id = 1 AND origin_sub_id = 'solar_w'");
            w.commit();
            ++written;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    BackfillResult result;
    try {
        result = run_backfill(conn, spec_of("readings_to_points"));
    } catch (...) {
        stop = true;
        writer.join();
        throw;
    }
    stop = true;
    writer.join();
    CHECK(written > 0);
    CHECK(result.status.state == "done");
    CHECK(result.status.until == end);
    CHECK(result.status.rows_inserted == ref.inserted);
    CHECK(result.status.rows_existing == ref.existing);
    // The rows up to the run's end are those of the uninterrupted reference run.
    const std::string view =
        "(SELECT * FROM point_readings WHERE measurement_time < " + std::to_string(end * 1000) + ")";
    CHECK(digest(conn, view, order_of("readings_to_points")) == ref.digest);
    CHECK(verify_backfill(conn, spec_of("readings_to_points")).ok());
    // The aggregate over the target was refreshed over the window the run
    // wrote: refreshing everything again changes none of its buckets there.
    REQUIRE(result.status.target_min);
    REQUIRE(result.status.target_max);
    const std::string buckets = "(SELECT * FROM point_readings_hourly WHERE bucket BETWEEN " +
                                std::to_string(*result.status.target_min) + " AND " +
                                std::to_string(*result.status.target_max) + ")";
    const std::string before = digest(conn, buckets, "system_id, point_id, bucket");
    CHECK(scalar(conn, "SELECT count(*) FROM point_readings_hourly") > 0);
    {
        pqxx::nontransaction n(conn);
        n.exec("CALL refresh_continuous_aggregate('point_readings_hourly', NULL, NULL)");
    }
    CHECK(digest(conn, buckets, "system_id, point_id, bucket") == before);
    pg.drop_database(db);
}

TEST_CASE("migrate() runs a migration's backfill steps, and down then up runs them again",
          "[timescaledb][backfill][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = fresh_copy("points_migrate");
    auto conn = connect(pg.dsn(db));
    const auto migrations = load_migrations(source_path("generated/points/migrations"));
    REQUIRE(migrations.size() == 3);
    std::vector<std::string> lines;
    int progress = 0;
    MigrateOptions options;
    options.log = [&](const std::string& line) { lines.push_back(line); };
    options.backfill_progress = [&](const BackfillProgress&) { ++progress; };
    CHECK(migrate(conn, migrations, options) == 1);
    CHECK(progress > 0);
    for (const char* name : {"readings_to_points", "agg5m_to_points"}) {
        const auto status = backfill_status(conn, name);
        REQUIRE(status);
        CHECK(status->state == "done");
        CHECK(status->rows_inserted == reference(name).inserted);
    }
    CHECK(digest(conn, "point_readings", order_of("readings_to_points")) == reference("readings_to_points").digest);
    // Down forgets the checkpoints (the rows stay: the tables are 0002's); up runs the steps again.
    CHECK(migrate_down(conn, migrations, 2, options) == 1);
    CHECK(scalar(conn, "SELECT count(*) FROM hyperschema.backfills") == 0);
    CHECK(migrate(conn, migrations, options) == 1);
    const auto again = backfill_status(conn, "readings_to_points");
    REQUIRE(again);
    CHECK(again->state == "done");
    CHECK(again->rows_inserted == 0);
    CHECK(again->rows_existing == reference("readings_to_points").inserted + reference("readings_to_points").existing);
    pg.drop_database(db);
}

TEST_CASE("a backfill on plain PostgreSQL: a timestamptz key, on_conflict update, and a definition changed mid-run",
          "[backfill]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("backfill_plain");
    CompileResult compiled = compile_texts({{"schema.yaml", R"yaml(
schema: {name: plain}
tables:
  events:
    columns: {id: bigint, at: timestamptz, amount_cents: integer}
    primary_key: [id]
  ledger:
    columns: {id: bigint, day: date, amount: "numeric(12,2)"}
    primary_key: [id]
backfills:
  events_to_ledger:
    source: events
    key: at
    batch: 6 hours
    target: ledger
    columns: [id, day, amount]
    select: |
      SELECT id, (at AT TIME ZONE 'UTC')::date, amount_cents / 100.0
      FROM events WHERE at >= :batch_start AND at < :batch_end
    expect: SELECT count(*) FROM events WHERE at >= :batch_start AND at < :batch_end
    on_conflict: update
    checks:
      - name: totals per day
        source: |
          SELECT (at AT TIME ZONE 'UTC')::date AS day, sum(amount_cents) / 100.0 AS total FROM events
          WHERE at >= :from AND at < :until GROUP BY 1
        target: SELECT day, sum(amount) FROM ledger GROUP BY 1
)yaml"}},
                                           "plain");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    const BackfillSpec spec = emit::backfill_spec(compiled.schema, compiled.schema.backfills[0]);
    CHECK(spec.key_type == "timestamptz");
    CHECK(spec.batch == 6LL * 3600 * 1000000);
    auto conn = connect(pg.dsn(db));
    {
        pqxx::work w(conn);
        w.exec("CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL, amount_cents integer NOT NULL)");
        w.exec("CREATE TABLE ledger (id bigint PRIMARY KEY, day date NOT NULL, amount numeric(12,2) NOT NULL)");
        w.exec(
            "INSERT INTO events SELECT i, timestamptz '2025-03-01 00:00+00' + i * interval '7 minutes', i * 3 "
            "FROM generate_series(1, 2000) i");
        // A row already there with a wrong amount: on_conflict update corrects it.
        w.exec("INSERT INTO ledger VALUES (5, '2025-03-01', 999)");
        w.commit();
    }
    BackfillOptions first;
    first.max_batches = 3;
    const BackfillResult part = run_backfill(conn, spec, first);
    CHECK(part.batches == 3);
    CHECK(part.status.state == "running");
    // The definition changes mid-run: refused, unless started anew.
    BackfillSpec changed = spec;
    changed.batch = 12LL * 3600 * 1000000;
    CHECK_THROWS_AS(run_backfill(conn, changed), backfill_error);
    BackfillOptions restart;
    restart.restart = true;
    const BackfillResult done = run_backfill(conn, changed, restart);
    CHECK(done.status.state == "done");
    CHECK(scalar(conn, "SELECT count(*) FROM ledger") == 2000);
    CHECK(text(conn, "SELECT amount::text FROM ledger WHERE id = 5") == "0.15");
    CHECK(done.status.batches == (2000 * 7 / 60 / 12) + 1);  // 12-hour batches over ~9.7 days
    const BackfillVerification v = verify_backfill(conn, changed);
    CHECK(v.ok());
    // A run that produces rows `expect` does not count stops with the figures.
    {
        pqxx::work w(conn);
        w.exec("DELETE FROM hyperschema.backfills");
        w.exec("INSERT INTO events VALUES (5000, '2025-03-02 01:00+00', 1)");
        w.commit();
    }
    BackfillSpec short_expect = changed;
    short_expect.expect = "SELECT count(*) FROM events WHERE at >= :batch_start AND at < :batch_end AND id < 5000";
    try {
        run_backfill(conn, short_expect);
        FAIL("the run should have stopped");
    } catch (const backfill_error& e) {
        CHECK(std::string(e.what()).find("where `expect` counts") != std::string::npos);
        CHECK(e.batch() == "[2025-03-02, 2025-03-02 12:00:00)");
    }
    pg.drop_database(db);
}

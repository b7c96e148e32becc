// Continuous aggregates rebuilt by a migration keep their history on a real
// TimescaleDB. The database holds 20 days of readings aggregated three levels
// deep (hourly -> daily -> weekly); then the source's first 10 days are
// dropped, as its retention policy would, so only the aggregates remember
// them. Each change is migrated up and down; the aggregates are compared
// value by value with what they held before.

#include "support/catch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "diff/diff.hpp"
#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

constexpr const char* kRetentionCut = "2026-01-11 00:00:00+00";

struct Variant {
    std::string hourly_name = "hourly";
    std::string hourly_bucket = "1 hour";
    std::string hourly_where;
    std::string hourly_extra;  // more `columns:` entries
    std::string daily_extra;
    bool hourly_materialized_only = false;
    std::string timescaledb;  // the declared oldest TimescaleDB, "" for none
};

std::string schema_yaml(const Variant& v) {
    return (v.timescaledb.empty() ? "" : "schema: {timescaledb: \"" + v.timescaledb + "\"}\n") + R"(tables:
  readings:
    columns:
      time: timestamptz
      device_id: integer
      value: double precision
    hypertable: {time_column: time, chunk_interval: 1 day, retention: 10 days}
aggregates:
  )" + v.hourly_name +
           R"(:
)" + (v.hourly_name == "hourly" ? "" : "    renamed_from: hourly\n") +
           R"(    from: readings
    bucket: )" +
           v.hourly_bucket + R"(
    group_by: [device_id]
)" + (v.hourly_where.empty() ? "" : "    where: " + v.hourly_where + "\n") +
           "    materialized_only: " + (v.hourly_materialized_only ? "true" : "false") + R"(
    columns: {total: sum(value), n: count(*), top: max(value))" +
           v.hourly_extra + R"(}
  daily:
    from: )" +
           v.hourly_name + R"(
    bucket: 1 day
    group_by: [device_id]
    columns: {total: sum(total), n: sum(n))" +
           v.daily_extra + R"(}
  weekly:
    from: daily
    bucket: 7 days
    group_by: [device_id]
    columns: {total: sum(total), n: sum(n)}
)";
}

Schema schema_of(const Variant& v, const std::string& tag) {
    const fs::path dir = fs::temp_directory_path() / ("hyperschema-history-" + tag + "-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    write_text((dir / "schema.yaml").string(), schema_yaml(v));
    Schema schema = compiled_schema(dir.string(), "history");
    fs::remove_all(dir);
    return schema;
}

void run_sql(const std::string& db, const std::string& sql) {
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-history-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, sql);
    std::string output;
    const int status = PgCluster::shared().psql_file(db, path, &output);
    fs::remove(path);
    INFO(output);
    REQUIRE(status == 0);
}

void require_clean(const std::string& db, const Schema& schema) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    VerifyOptions whole;
    whole.definitions = true;
    VerifyReport report = verify(conn, emit::expected_schema_of(schema, 0), whole);
    INFO(report.text());
    CHECK(report.ok());
}

// An aggregate's rows: "bucket|device" -> column -> value as text ("NULL").
using Rows = std::map<std::string, std::map<std::string, std::string>>;

Rows rows_of(const std::string& db, const std::string& aggregate) {
    pqxx::connection conn(PgCluster::shared().dsn(db));
    pqxx::work tx(conn);
    tx.exec("SET TIME ZONE 'UTC'");
    Rows out;
    const pqxx::result r = tx.exec("SELECT * FROM " + aggregate);
    for (const auto& row : r) {
        std::map<std::string, std::string> columns;
        for (const auto& field : row) columns[field.name()] = field.is_null() ? "NULL" : field.c_str();
        out[columns.at("bucket") + "|" + columns.at("device_id")] = columns;
    }
    return out;
}

struct Held {
    Rows hourly, daily, weekly;
};

Held held(const std::string& db, const std::string& hourly = "hourly") {
    return {rows_of(db, hourly), rows_of(db, "daily"), rows_of(db, "weekly")};
}

bool before_cut(const std::string& key) {
    return key.substr(0, key.find('|')) < kRetentionCut;
}

// Every row of `was` is in `now` with the same values in `columns`.
void require_kept(const Rows& was, const Rows& now, const std::vector<std::string>& columns, const std::string& what) {
    INFO(what);
    REQUIRE(now.size() == was.size());
    for (const auto& [key, values] : was) {
        INFO(key);
        REQUIRE(now.count(key));
        for (const auto& c : columns) CHECK(now.at(key).at(c) == values.at(c));
    }
}

void load_readings(const std::string& db);

// The database every case starts from: the base schema with 20 days of
// readings every 10 minutes for two devices, every aggregate refreshed, then
// the first 10 days of readings dropped.
std::string loaded_database(const Schema& base) {
    const std::string db = PgCluster::shared().create_database("history_base");
    run_sql(db, history::schema_sql(base));
    load_readings(db);
    return db;
}

// The readings and refreshes of loaded_database(), into a database that has the base schema.
void load_readings(const std::string& db) {
    run_sql(db, R"(
INSERT INTO readings
SELECT t, d, ((extract(epoch FROM t)::bigint / 600 + d * 7) % 97)::double precision
FROM generate_series(timestamptz '2026-01-01 00:00+00', timestamptz '2026-01-20 23:50+00', interval '10 minutes') t,
     generate_series(1, 2) d;
CALL refresh_continuous_aggregate('hourly', NULL, NULL);
CALL refresh_continuous_aggregate('daily', NULL, NULL);
CALL refresh_continuous_aggregate('weekly', NULL, NULL);
SELECT count(*) FROM drop_chunks('readings', older_than => timestamptz ')" +
                    std::string(kRetentionCut) + R"(');
)");
}

std::string render(const diff::Plan& plan, bool up) {
    return history::render_migration(plan, "history", "0002_change", up, {});
}

// The change the stop-and-resume tests migrate: hourly to a coarser bucket
// (its history carried), daily gaining a column; and its history, the base
// from nothing then the change, as `migrate new` writes them.
struct CoarserChange {
    Schema base, changed;
    std::vector<Migration> migrations;
};

CoarserChange coarser_change(const std::string& tag) {
    CoarserChange c;
    c.base = schema_of(Variant{}, tag + "_base");
    Variant v;
    v.hourly_bucket = "2 hours";
    v.daily_extra = ", top: max(top)";
    c.changed = schema_of(v, tag + "_changed");
    Schema nothing;
    nothing.name = c.base.name;
    const std::string first = migration_stem(1, "base"), second = migration_stem(2, "coarser");
    auto migration = [](int version, const std::string& name, const std::string& stem, const Schema& from,
                        const Schema& to) {
        return Migration{
            version, name, history::render_migration(diff::diff_schemas(from, to), "history", stem, true, {}),
            history::render_migration(diff::diff_schemas(to, from, diff::Direction::Down), "history", stem, false, {}),
            ""};
    };
    c.migrations = {migration(1, "base", first, nothing, c.base), migration(2, "coarser", second, c.base, c.changed)};
    return c;
}

bool sets_aside(const diff::Plan& plan) {
    for (const auto& c : plan.changes)
        if (c.summary.find("set aside") != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("rebuilt continuous aggregates keep the buckets their source no longer has", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const Variant base_variant;
    const Schema base = schema_of(base_variant, "base");
    const std::string template_db = loaded_database(base);
    const Held was = held(template_db);
    REQUIRE(was.hourly.size() == 20 * 24 * 2);
    REQUIRE(was.daily.size() == 20 * 2);
    {
        pqxx::connection conn(PgCluster::shared().dsn(template_db));
        pqxx::work tx(conn);
        REQUIRE(tx.exec("SELECT min(time) FROM readings")[0][0].as<std::string>().substr(0, 10) == "2026-01-11");
    }

    auto migrate = [&](const Variant& v, const std::string& tag, auto&& after_up, auto&& after_down) {
        const Schema changed = schema_of(v, tag);
        const diff::Plan up = diff::diff_schemas(base, changed, diff::Direction::Up);
        const diff::Plan down = diff::diff_schemas(changed, base, diff::Direction::Down);
        REQUIRE(up.unsupported.empty());
        const std::string db = PgCluster::shared().create_database_from(template_db, "history_" + tag);
        INFO(render(up, true));
        run_sql(db, render(up, true));
        require_clean(db, changed);
        after_up(up, held(db, v.hourly_name));
        run_sql(db, render(down, false));
        require_clean(db, base);
        after_down(down, held(db));
        PgCluster::shared().drop_database(db);
    };

    SECTION("a new column: old buckets keep every value, the new column is NULL where the source has no rows") {
        Variant v;
        v.hourly_extra = ", low: min(value)";
        migrate(
            v, "add_column",
            [&](const diff::Plan& up, const Held& now) {
                CHECK(sets_aside(up));
                CHECK(up.destructive());  // the new column cannot be computed for the old buckets
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly");
                for (const auto& [key, values] : now.hourly) CHECK((values.at("low") == "NULL") == before_cut(key));
                require_kept(was.daily, now.daily, {"total", "n"}, "daily (rebuilt as its parent was)");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            },
            [&](const diff::Plan& down, const Held& now) {
                CHECK_FALSE(down.destructive());
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly after down");
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly after down");
            });
    }

    SECTION(
        "on TimescaleDB 2.28, a new column is added in place: nothing rebuilt, the new column filled where the "
        "source has rows") {
        Variant v;
        v.timescaledb = "2.28";
        v.hourly_extra = ", low: min(value)";
        migrate(
            v, "add_column_in_place",
            [&](const diff::Plan& up, const Held& now) {
                CHECK_FALSE(sets_aside(up));
                CHECK_FALSE(up.destructive());
                CHECK(render(up, true).find("CREATE MATERIALIZED VIEW") == std::string::npos);
                CHECK(
                    render(up, true).find("ADD COLUMN low double precision GENERATED ALWAYS AS (min(value)) STORED") !=
                    std::string::npos);
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly");
                for (const auto& [key, values] : now.hourly) CHECK((values.at("low") == "NULL") == before_cut(key));
                // The rows the source still has give the new column its values.
                for (const auto& [key, values] : now.hourly)
                    if (!before_cut(key)) CHECK(std::stod(values.at("low")) <= std::stod(values.at("top")));
                require_kept(was.daily, now.daily, {"total", "n"}, "daily (untouched)");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            },
            [&](const diff::Plan& down, const Held& now) {
                CHECK(sets_aside(down));  // TimescaleDB has no DROP COLUMN: the way back is a rebuild
                CHECK_FALSE(down.destructive());
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly after down");
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down");
            });
    }

    SECTION("a coarser bucket: the old buckets are re-aggregated, sums summed, counts added, maxima of maxima") {
        Variant v;
        v.hourly_bucket = "2 hours";
        migrate(
            v, "coarser",
            [&](const diff::Plan& up, const Held& now) {
                CHECK_FALSE(up.destructive());
                REQUIRE(now.hourly.size() == was.hourly.size() / 2);
                for (const auto& [key, values] : now.hourly) {
                    // The two hours of this bucket, as the old aggregate held them.
                    const std::string bucket = key.substr(0, key.find('|')), device = key.substr(key.find('|'));
                    double total = 0, top = -1;
                    long n = 0;
                    int found = 0;
                    for (const auto& [old_key, old_values] : was.hourly) {
                        if (old_key.substr(old_key.find('|')) != device) continue;
                        const std::string old_bucket = old_key.substr(0, old_key.find('|'));
                        // ISO timestamps of one day compare as text: "2026-01-03 04:00:00+00".
                        if (old_bucket.substr(0, 11) != bucket.substr(0, 11)) continue;
                        const int hour = std::stoi(old_bucket.substr(11, 2)), start = std::stoi(bucket.substr(11, 2));
                        if (hour != start && hour != start + 1) continue;
                        total += std::stod(old_values.at("total"));
                        n += std::stol(old_values.at("n"));
                        top = std::max(top, std::stod(old_values.at("top")));
                        ++found;
                    }
                    INFO(key);
                    CHECK(found == 2);
                    CHECK(std::stod(values.at("total")) == Approx(total));
                    CHECK(std::stol(values.at("n")) == n);
                    CHECK(std::stod(values.at("top")) == top);
                }
                require_kept(was.daily, now.daily, {"total", "n"}, "daily");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            },
            [&](const diff::Plan& down, const Held& now) {
                // Back to hours: the old buckets cannot be split, and say so.
                CHECK(down.destructive());
                for (const auto& [key, values] : now.hourly) CHECK_FALSE(before_cut(key));
                CHECK(now.hourly.size() == was.hourly.size() / 2);
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down (carried from itself)");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly after down");
            });
    }

    SECTION("a changed WHERE loses the old buckets of that aggregate, and the plan says so (destructive)") {
        Variant v;
        v.hourly_where = "value >= 0";
        migrate(
            v, "where",
            [&](const diff::Plan& up, const Held& now) {
                CHECK(up.destructive());
                for (const auto& [key, values] : now.hourly) CHECK_FALSE(before_cut(key));
                CHECK(now.hourly.size() == was.hourly.size() / 2);
                // Its children keep theirs: they are carried over from themselves.
                require_kept(was.daily, now.daily, {"total", "n"}, "daily");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            },
            [&](const diff::Plan& down, const Held& now) {
                CHECK(down.destructive());
                CHECK(now.hourly.size() == was.hourly.size() / 2);
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down");
            });
    }

    SECTION("a renamed aggregate keeps everything, its children and their buckets too") {
        Variant v;
        v.hourly_name = "hourly_by_device";
        migrate(
            v, "renamed",
            [&](const diff::Plan& up, const Held& now) {
                CHECK_FALSE(sets_aside(up));
                CHECK_FALSE(up.destructive());
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly_by_device");
                require_kept(was.daily, now.daily, {"total", "n"}, "daily");
            },
            [&](const diff::Plan& down, const Held& now) {
                CHECK_FALSE(down.destructive());
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly after down");
            });
    }

    SECTION("a source with no rows left: every bucket carried over, and shown by the real-time aggregate") {
        Variant v;
        v.hourly_extra = ", low: min(value)";
        const Schema changed = schema_of(v, "emptied");
        const std::string db = PgCluster::shared().create_database_from(template_db, "history_emptied");
        run_sql(db, "SELECT count(*) FROM drop_chunks('readings', older_than => timestamptz '2100-01-01')");
        run_sql(db, render(diff::diff_schemas(base, changed, diff::Direction::Up), true));
        require_clean(db, changed);
        const Held now = held(db);
        require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly, read through its real-time view");
        for (const auto& [key, values] : now.hourly) CHECK(values.at("low") == "NULL");
        require_kept(was.daily, now.daily, {"total", "n"}, "daily");
        require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
        PgCluster::shared().drop_database(db);
    }

    SECTION("renamed and changed at once: rebuilt under the new name with the old one's buckets") {
        Variant v;
        v.hourly_name = "hourly_by_device";
        v.hourly_extra = ", low: min(value)";
        migrate(
            v, "renamed_changed",
            [&](const diff::Plan& up, const Held& now) {
                CHECK(sets_aside(up));
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly_by_device");
                for (const auto& [key, values] : now.hourly) CHECK((values.at("low") == "NULL") == before_cut(key));
                require_kept(was.daily, now.daily, {"total", "n"}, "daily");
            },
            [&](const diff::Plan&, const Held& now) {
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly after down");
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down");
            });
    }

    SECTION("materialized_only changes in place") {
        Variant v;
        v.hourly_materialized_only = true;
        migrate(
            v, "materialized_only",
            [&](const diff::Plan& up, const Held& now) {
                CHECK_FALSE(sets_aside(up));
                CHECK_FALSE(up.destructive());
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly");
            },
            [&](const diff::Plan&, const Held& now) {
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly after down");
            });
    }

    SECTION("a changed parent in a three-level hierarchy: computed again from the level below, which kept all") {
        Variant v;
        v.daily_extra = ", top: max(top)";
        migrate(
            v, "hierarchy",
            [&](const diff::Plan& up, const Held& now) {
                CHECK(sets_aside(up));
                require_kept(was.hourly, now.hourly, {"total", "n", "top"}, "hourly (untouched)");
                require_kept(was.daily, now.daily, {"total", "n"}, "daily");
                // hourly still holds every hour, so even the new column is complete.
                for (const auto& [key, values] : now.daily) CHECK(values.at("top") != "NULL");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            },
            [&](const diff::Plan&, const Held& now) {
                require_kept(was.daily, now.daily, {"total", "n"}, "daily after down");
                require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly after down");
            });
    }
    PgCluster::shared().drop_database(template_db);
}

// A migration stopped anywhere after its transaction is run again from there
// by the migrator: each statement after the transaction runs again. Stopping
// after every one of them and running them all again ends as one run does.
TEST_CASE("a history-keeping rebuild stopped after any step completes when run again", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const CoarserChange change = coarser_change("kill");
    const Schema& base = change.base;
    const Schema& changed = change.changed;
    const std::string template_db = loaded_database(base);
    const Held was = held(template_db);
    const Script script = parse_script(render(diff::diff_schemas(base, changed, diff::Direction::Up), true));
    REQUIRE(script.before.empty());
    REQUIRE(script.after.size() >= 7);  // refresh, carry and drop for each of three
    // Catch runs the test case again for each section: the first section
    // (stopped after none, so one uninterrupted run) keeps its result here.
    static std::optional<Held> whole_run;
    for (size_t stop = 0; stop <= script.after.size(); ++stop) {
        DYNAMIC_SECTION("stopped after " << stop << " of " << script.after.size() << " statements") {
            const std::string db = PgCluster::shared().create_database_from(template_db, "history_stop");
            pqxx::connection conn(PgCluster::shared().dsn(db));
            {
                pqxx::work tx(conn);
                tx.exec(script.transaction);
                tx.commit();
            }
            pqxx::nontransaction n(conn);
            for (size_t i = 0; i < stop; ++i) n.exec(script.after[i]);
            for (const auto& statement : script.after) n.exec(statement);  // the rerun
            require_clean(db, changed);
            const Held now = held(db);
            require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
            require_kept(was.daily, now.daily, {"total", "n"}, "daily");
            CHECK(now.hourly.size() == was.hourly.size() / 2);
            if (stop == 0) whole_run = now;
            REQUIRE(whole_run);
            CHECK(now.hourly == whole_run->hourly);
            CHECK(now.daily == whole_run->daily);
            PgCluster::shared().drop_database(db);
        }
    }
    PgCluster::shared().drop_database(template_db);
}

namespace {

// `hyperschema migrate ARGS... --migrations DIR --db <db>`.
std::vector<std::string> migrate_args(const std::string& db, const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {HYPERSCHEMA_CLI, "migrate"});
    args.insert(args.end(), {"--migrations", dir, "--db", PgCluster::shared().dsn(db)});
    return args;
}

// The CLI started in a child process with its output thrown away.
pid_t start(const std::vector<std::string>& args) {
    const pid_t child = ::fork();
    if (child == 0) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return child;
}

}  // namespace

TEST_CASE("a history-keeping rebuild killed with SIGKILL at random moments completes on the next run",
          "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const CoarserChange change = coarser_change("sigkill");
    const Schema& changed = change.changed;
    const std::string dir =
        (fs::temp_directory_path() / ("hyperschema-sigkill-" + std::to_string(::getpid()))).string();
    for (const auto& m : change.migrations) {
        write_text(dir + "/" + migration_stem(m.version, m.name) + ".up.sql", m.up);
        write_text(dir + "/" + migration_stem(m.version, m.name) + ".down.sql", m.down);
    }

    // Migrated to the base by the runner, loaded, its old readings dropped.
    const std::string template_db = PgCluster::shared().create_database("sigkill_base");
    std::string output;
    REQUIRE(run_command(migrate_args(template_db, dir, {"up", "--to", "1"}), &output) == 0);
    load_readings(template_db);
    const Held was = held(template_db);

    // One uninterrupted run: its result, and how long it takes.
    const std::string whole_db = PgCluster::shared().create_database_from(template_db, "sigkill_whole");
    const auto begun = std::chrono::steady_clock::now();
    REQUIRE(run_command(migrate_args(whole_db, dir, {"up"}), &output) == 0);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begun);
    const Held whole = held(whole_db);
    PgCluster::shared().drop_database(whole_db);

    // Kill times spread over the run: trial k at a random moment of its k-th tenth.
    std::mt19937 random(20261203);
    constexpr int kTrials = 10;
    int interrupted = 0, between_phases = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        const double at = (trial + std::uniform_real_distribution<double>(0, 1)(random)) / kTrials;
        const auto after = std::chrono::microseconds(static_cast<long>(at * static_cast<double>(took.count())));
        INFO("trial " << trial << ": killed after " << after.count() << " us of a " << took.count() << " us run");
        const std::string db = PgCluster::shared().create_database_from(template_db, "sigkill");
        const pid_t child = start(migrate_args(db, dir, {"up"}));
        std::this_thread::sleep_for(after);
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        {
            // Where the kill left the change: not applied, or its transaction
            // committed and the refreshes and carries after it not all run.
            pqxx::connection conn(PgCluster::shared().dsn(db));
            pqxx::nontransaction n(conn);
            const auto state = n.exec("SELECT state FROM hyperschema.schema_migrations WHERE version = 2");
            const std::string was_left = state.empty() ? "none" : state[0][0].c_str();
            interrupted += was_left != "applied";
            between_phases += was_left == "transaction_done";
        }
        // The next run waits for the killed one's session to end, then completes.
        const int status = run_command(migrate_args(db, dir, {"up"}), &output);
        INFO(output);
        REQUIRE(status == 0);
        require_clean(db, changed);
        const Held now = held(db);
        require_kept(was.weekly, now.weekly, {"total", "n"}, "weekly");
        require_kept(was.daily, now.daily, {"total", "n"}, "daily");
        CHECK(now.hourly == whole.hourly);
        CHECK(now.daily == whole.daily);
        CHECK(now.weekly == whole.weekly);
        PgCluster::shared().drop_database(db);
    }
    // The kills did land inside the run, and inside the steps after its transaction.
    CHECK(interrupted >= kTrials / 2);
    CHECK(between_phases >= 1);
    PgCluster::shared().drop_database(template_db);
    fs::remove_all(dir);
}

TEST_CASE("a history-keeping down migration stopped after any step is finished by the next down",
          "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const CoarserChange change = coarser_change("down_stop");
    const Schema& base = change.base;
    const Schema& changed = change.changed;
    const std::vector<Migration>& migrations = change.migrations;
    // Migrated to the base, loaded, its old readings dropped, then up to the change.
    const std::string template_db = PgCluster::shared().create_database("down_stop");
    {
        auto conn = hyperschema::connect(PgCluster::shared().dsn(template_db));
        REQUIRE(migrate(conn, migrations, {}, 1) == 1);
    }
    load_readings(template_db);
    const Held was = held(template_db);
    {
        auto conn = hyperschema::connect(PgCluster::shared().dsn(template_db));
        REQUIRE(migrate(conn, migrations) == 1);
    }
    // An uninterrupted down: its steps and its result.
    const std::string whole_db = PgCluster::shared().create_database_from(template_db, "down_whole");
    std::vector<std::string> steps;
    {
        auto conn = hyperschema::connect(PgCluster::shared().dsn(whole_db));
        MigrateOptions counting;
        counting.progress = [&](const std::string& line) { steps.push_back(line); };
        REQUIRE(migrate_down(conn, migrations, 1, counting) == 1);
    }
    const Held whole = held(whole_db);
    require_kept(was.weekly, whole.weekly, {"total", "n"}, "weekly after the down");
    require_kept(was.daily, whole.daily, {"total", "n"}, "daily after the down");
    PgCluster::shared().drop_database(whole_db);
    REQUIRE(steps.size() >= 4);  // the transaction, then refreshes, carries and drops

    for (size_t stop = 0; stop < steps.size(); ++stop) {
        DYNAMIC_SECTION("stopped before step " << stop + 1 << " of " << steps.size() << ": " << steps[stop]) {
            const std::string db = PgCluster::shared().create_database_from(template_db, "down_stop");
            auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
            MigrateOptions stopping;
            size_t seen = 0;
            stopping.progress = [&](const std::string&) {
                if (seen++ == stop) throw std::runtime_error("stopped");
            };
            CHECK_THROWS(migrate_down(conn, migrations, 1, stopping));
            // Stopped part-way, the history refuses an up until the revert is finished.
            CHECK_THROWS_AS(migrate(conn, migrations), history_error);
            std::vector<std::string> log;
            MigrateOptions logging;
            logging.log = [&](const std::string& line) { log.push_back(line); };
            CHECK(migrate_down(conn, migrations, 1, logging) == 1);
            REQUIRE_FALSE(log.empty());
            CHECK(log.front().find("resuming the revert after a stop in state") != std::string::npos);
            require_clean(db, base);
            const Held now = held(db);
            CHECK(now.hourly == whole.hourly);
            CHECK(now.daily == whole.daily);
            CHECK(now.weekly == whole.weekly);
            // And up again from there.
            CHECK(migrate(conn, migrations) == 1);
            require_clean(db, changed);
            PgCluster::shared().drop_database(db);
        }
    }
    PgCluster::shared().drop_database(template_db);
}

// The runtime's migrator against a real database: applying histories, many
// runners at once, runners killed part-way, and refusals.

#include "support/catch.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "diff/diff.hpp"
#include "hyperschema/hyperschema.hpp"
#include "integration/catalog.hpp"
#include "migrate/migrations.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

Schema schema_of(const std::string& yaml) {
    CompileResult r = compile_texts({{"schema.yaml", yaml}}, "runtime");
    INFO(yaml << "\n" << r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

// Migrations between successive versions, written like `migrate new` does.
std::vector<Migration> history_of(const std::vector<std::string>& versions) {
    std::vector<Migration> out;
    Schema previous;
    previous.name = "runtime";
    for (size_t i = 0; i < versions.size(); ++i) {
        Schema next = schema_of(versions[i]);
        Migration m;
        m.version = static_cast<int>(i) + 1;
        m.name = "v" + std::to_string(i + 1);
        const std::string stem = migration_stem(m.version, m.name);
        m.up = history::render_migration(diff::diff_schemas(previous, next), "runtime", stem, true, {});
        m.down = history::render_migration(diff::diff_schemas(next, previous, diff::Direction::Down), "runtime", stem,
                                           false, {});
        out.push_back(m);
        previous = next;
    }
    return out;
}

std::string write_history(const std::vector<Migration>& migrations) {
    std::string dir = (fs::temp_directory_path() / ("hyperschema-history-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(std::random_device{}())))
                          .string();
    for (const auto& m : migrations) {
        const std::string stem = migration_stem(m.version, m.name);
        write_text(dir + "/" + stem + ".up.sql", m.up);
        write_text(dir + "/" + stem + ".down.sql", m.down);
    }
    return dir;
}

int count(hyperschema::connection& conn, const std::string& sql) {
    pqxx::nontransaction n(conn);
    return n.exec(sql)[0][0].as<int>();
}

// Plain PostgreSQL: a table, a key, an enum label added before the
// transaction, an index built CONCURRENTLY after it.
const std::vector<std::string> kPlainVersions{
    "enums:\n  status: [active, retired]\ntables:\n  users:\n    columns: {id: bigint, email: text, status: status}\n"
    "    primary_key: [id]\n",
    "enums:\n  status: [active, paused, retired]\ntables:\n  users:\n    columns: {id: bigint, email: text, status: "
    "status}\n"
    "    primary_key: [id]\n    indexes:\n      idx_users_email: {columns: [email], concurrently: true}\n",
    "enums:\n  status: [active, paused, retired]\ntables:\n  users:\n"
    "    columns: {id: bigint, email: text, status: status, note: \"text?\"}\n    primary_key: [id]\n"
    "    indexes:\n      idx_users_email: {columns: [email], concurrently: true}\n",
};

std::vector<std::string> cli_args(const std::string& db, const std::string& dir, std::vector<std::string> rest) {
    auto& pg = PgCluster::shared();
    std::vector<std::string> args{HYPERSCHEMA_CLI, "migrate"};
    args.insert(args.end(), rest.begin(), rest.end());
    args.insert(args.end(), {"--migrations", dir, "--db", pg.dsn(db)});
    return args;
}

}  // namespace

TEST_CASE("the migrator applies a history with statements outside the transaction, and reverts it", "[pg][runtime]") {
    auto migrations = history_of(kPlainVersions);
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("runtime");
    auto conn = hyperschema::connect(pg.dsn(db));
    std::vector<std::string> log;
    MigrateOptions options;
    options.log = [&](const std::string& line) { log.push_back(line); };
    // --dry-run prints the SQL in running order and changes nothing.
    MigrateOptions dry = options;
    dry.dry_run = true;
    CHECK(migrate(conn, migrations, dry) == 3);
    REQUIRE(log.size() > 3);
    CHECK(log[0] == "-- 0001_v1 (up)");
    CHECK(std::find(log.begin(), log.end(),
                    "ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'paused' BEFORE 'retired';") != log.end());
    CHECK(count(conn, "SELECT count(*) FROM pg_class WHERE relname IN ('users', 'schema_migrations')") == 0);
    log.clear();
    CHECK(migrate(conn, migrations, options) == 3);
    CHECK(log.size() == 3);
    CHECK(log[1].rfind("0002_v2: applied in ", 0) == 0);
    CHECK(count(conn, "SELECT count(*) FROM hyperschema.schema_migrations WHERE state = 'applied'") == 3);
    CHECK(count(conn, "SELECT count(*) FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass AND indisvalid") ==
          1);
    CHECK(count(conn, "SELECT count(*) FROM pg_enum WHERE enumlabel = 'paused'") == 1);
    CHECK(migrate(conn, migrations, options) == 0);  // nothing left to do
    CHECK(migrate_down(conn, migrations, 0, options) == 3);
    CHECK(count(conn, "SELECT count(*) FROM hyperschema.schema_migrations") == 0);
    CHECK(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'users'") == 0);
    CHECK(migrate(conn, migrations, options) == 3);
    CHECK(migration_status(conn, migrations).pending.empty());
}

TEST_CASE("eight runners started at once apply every migration exactly once", "[pg][runtime]") {
    const std::string dir = write_history(history_of(kPlainVersions));
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("concurrent");
    std::vector<std::thread> runners;
    std::vector<int> status(8, -1);
    std::vector<std::string> output(8);
    for (int i = 0; i < 8; ++i) {
        runners.emplace_back([&, i] { status[i] = run_command(cli_args(db, dir, {"up"}), &output[i]); });
    }
    for (auto& t : runners) t.join();
    int applied_lines = 0;
    for (int i = 0; i < 8; ++i) {
        INFO(output[i]);
        CHECK(status[i] == 0);
        for (size_t at = output[i].find(": applied in "); at != std::string::npos;
             at = output[i].find(": applied in ", at + 1))
            ++applied_lines;
    }
    CHECK(applied_lines == 3);  // each migration ran in exactly one runner
    auto conn = hyperschema::connect(pg.dsn(db));
    CHECK(count(conn, "SELECT count(*) FROM hyperschema.schema_migrations WHERE state = 'applied'") == 3);
    CHECK(count(conn, "SELECT count(DISTINCT version) FROM hyperschema.schema_migrations") == 3);
    CHECK(drift_of(conn, schema_of(kPlainVersions.back()), 3) == "");
    fs::remove_all(dir);
}

TEST_CASE("a runner killed at any point leaves nothing half-applied; the next run finishes", "[pg][runtime]") {
    auto migrations = history_of(kPlainVersions);
    const std::string dir = write_history(migrations);
    auto& pg = PgCluster::shared();
    const Schema final_schema = schema_of(kPlainVersions.back());
    std::mt19937 random(20261121);
    for (int trial = 0; trial < 20; ++trial) {
        INFO("trial " << trial);
        const std::string db = pg.create_database("killed");
        auto args = cli_args(db, dir, {"up"});
        pid_t child = fork();
        if (child == 0) {
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 60000)(random)));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        {
            // Whatever the kill interrupted, a migration recorded as applied is complete.
            auto conn = hyperschema::connect(pg.dsn(db));
            if (count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'schema_migrations'") == 1 &&
                count(conn,
                      "SELECT count(*) FROM hyperschema.schema_migrations WHERE version = 1 AND state = 'applied'") ==
                    1) {
                CHECK(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'users'") == 1);
            }
        }
        std::string output;
        int status = run_command(args, &output);
        INFO(output);
        REQUIRE(status == 0);
        auto conn = hyperschema::connect(pg.dsn(db));
        CHECK(count(conn, "SELECT count(*) FROM hyperschema.schema_migrations WHERE state = 'applied'") == 3);
        CHECK(count(conn,
                    "SELECT count(*) FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass AND indisvalid") ==
              1);
        CHECK(count(conn,
                    "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = "
                    "'note'") == 1);
        CHECK(drift_of(conn, final_schema, 3) == "");
#if PQXX_VERSION_MAJOR >= 7
        conn.close();
#else
        conn.disconnect();
#endif
        pg.drop_database(db);
    }
    fs::remove_all(dir);
}

TEST_CASE("an edited migration and a database ahead of the application are refused", "[pg][runtime]") {
    auto migrations = history_of(kPlainVersions);
    const std::string dir = write_history(migrations);
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("refused");
    std::string output;
    REQUIRE(run_command(cli_args(db, dir, {"up"}), &output) == 0);

    const std::string edited = write_history(migrations);
    write_text(edited + "/0002_v2.up.sql", migrations[1].up + "-- edited\n");
    CHECK(run_command(cli_args(db, edited, {"up"}), &output) == 1);
    CHECK(output.find("a migration was edited after it was applied") != std::string::npos);

    const std::string older = write_history({migrations[0], migrations[1]});
    CHECK(run_command(cli_args(db, older, {"up"}), &output) == 1);
    CHECK(output.find("the database is ahead of the application") != std::string::npos);
    for (const auto& d : {dir, edited, older}) fs::remove_all(d);
}

TEST_CASE("a failing migration rolls back and reports the statement and the server's message", "[pg][runtime]") {
    std::vector<std::string> versions{
        "tables:\n  users:\n    columns: {id: bigint, email: text}\n",
        "tables:\n  users:\n    columns: {id: bigint, email: text}\n    unique:\n      - [email]\n",
    };
    auto migrations = history_of(versions);
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("failing");
    auto conn = hyperschema::connect(pg.dsn(db));
    REQUIRE(migrate(conn, migrations, {}, 1) == 1);
    {
        pqxx::work w(conn);
        w.exec("INSERT INTO users VALUES (1, 'a@example.com'), (2, 'a@example.com')");
        w.commit();
    }
    try {
        migrate(conn, migrations);
        FAIL("the migration should have failed");
    } catch (const migration_error& e) {
        CHECK(std::string(e.what()).find("0002_v2 failed in the transaction (rolled back)") != std::string::npos);
        CHECK(std::string(e.what()).find("could not create unique index \"users_email_key\"") != std::string::npos);
        CHECK(e.version() == 2);
        CHECK(e.name() == "v2");
        CHECK(e.step() == "the transaction (rolled back)");
        CHECK(e.sqlstate() == "23505");
        CHECK(e.statement().find("ADD CONSTRAINT users_email_key UNIQUE (email)") != std::string::npos);
    }
    CHECK(migration_status(conn, migrations).current() == 1);
    CHECK(count(conn, "SELECT count(*) FROM pg_constraint WHERE conname = 'users_email_key'") == 0);
}

TEST_CASE("a concurrent index build that failed leaves an invalid index, which the rerun replaces", "[pg][runtime]") {
    // In a namespace of its own, so the index is found by its qualified name.
    std::vector<std::string> versions{
        "schema: {namespace: app}\ntables:\n  users:\n    columns: {id: bigint, email: text}\n",
        "schema: {namespace: app}\ntables:\n  users:\n    columns: {id: bigint, email: text}\n"
        "    indexes:\n      idx_users_email: {columns: [email], unique: true, concurrently: true}\n",
    };
    auto migrations = history_of(versions);
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("invalid_index");
    auto conn = hyperschema::connect(pg.dsn(db));
    REQUIRE(migrate(conn, migrations, {}, 1) == 1);
    auto run = [&](const std::string& sql) {
        pqxx::nontransaction n(conn);
        return n.exec(sql);
    };
    run("INSERT INTO app.users VALUES (1, 'a@example.com'), (2, 'a@example.com')");
    try {
        migrate(conn, migrations);
        FAIL("the unique index cannot be built over duplicates");
    } catch (const migration_error& e) {
        CHECK(e.version() == 2);
        CHECK(e.sqlstate() == "23505");
        CHECK(e.statement().find("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email") !=
              std::string::npos);
    }
    const std::string validity =
        "SELECT count(*) FILTER (WHERE indisvalid) || '/' || count(*) FROM pg_index WHERE indexrelid = "
        "to_regclass('app.idx_users_email')";
    CHECK(run(validity)[0][0].as<std::string>() == "0/1");  // what PostgreSQL leaves behind

    run("DELETE FROM app.users WHERE id = 2");
    CHECK(migrate(conn, migrations) == 1);
    CHECK(run(validity)[0][0].as<std::string>() == "1/1");
    CHECK_THROWS_AS(run("INSERT INTO app.users VALUES (3, 'a@example.com')"), pqxx::unique_violation);
}

TEST_CASE("every schema's migrations apply through the runtime, go down to zero and up again",
          "[timescaledb][runtime]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    for (const auto& name : subdirectories(source_path("schemas"))) {
        INFO("schema " << name);
        CompileResult compiled = compile_directory(source_path("schemas/" + name));
        REQUIRE(compiled.ok());
        auto migrations = load_migrations(source_path("generated/" + compiled.schema.name + "/migrations"));
        const std::string db = pg.create_database("runtime_" + name);
        auto conn = hyperschema::connect(pg.dsn(db));
        CHECK(migrate(conn, migrations) == static_cast<int>(migrations.size()));
        CHECK(drift_of(conn, compiled.schema, static_cast<int>(migrations.size())) == "");
        CHECK(migrate_down(conn, migrations, 0) == static_cast<int>(migrations.size()));
        CHECK(migrate(conn, migrations) == static_cast<int>(migrations.size()));
        CHECK(drift_of(conn, compiled.schema, static_cast<int>(migrations.size())) == "");
    }
}

TEST_CASE("a history table of an older release gets the states a stopped revert needs", "[pg][runtime]") {
    auto migrations = history_of(kPlainVersions);
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("old_history");
    auto conn = hyperschema::connect(pg.dsn(db));
    {
        // As releases before revert_transaction_done created it.
        pqxx::work w(conn);
        w.exec("CREATE SCHEMA hyperschema");
        w.exec(
            "CREATE TABLE hyperschema.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum "
            "text NOT NULL, state text NOT NULL CHECK (state IN ('started', 'transaction_done', 'applied', "
            "'reverting')), applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint, applied_by text NOT "
            "NULL DEFAULT current_user)");
        w.commit();
    }
    auto check_of = [&] {
        pqxx::nontransaction n(conn);
        return std::string(n.exec("SELECT string_agg(pg_get_constraintdef(oid), ' ') FROM pg_constraint WHERE "
                                  "conrelid = 'hyperschema.schema_migrations'::regclass AND contype = 'c'")[0][0]
                               .c_str());
    };
    const std::string old_check = check_of();
    // An up writes no revert state: it leaves the table as it is (no owner's rights needed).
    CHECK(migrate(conn, migrations) == 3);
    CHECK(check_of() == old_check);
    // The first down upgrades it, once.
    CHECK(migrate_down(conn, migrations, 2) == 1);
    const std::string upgraded = check_of();
    CHECK(upgraded.find("revert_started") != std::string::npos);
    CHECK(upgraded.find("revert_transaction_done") != std::string::npos);
    CHECK(count(conn,
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'hyperschema.schema_migrations'::regclass "
                "AND contype = 'c'") == 1);
    CHECK(migrate_down(conn, migrations, 0) == 2);
    CHECK(check_of() == upgraded);
    // A revert an earlier release left part-way (`reverting`: whether its
    // transaction committed is unknown) is refused, up and down, with what to do.
    CHECK(migrate(conn, migrations, {}, 1) == 1);
    {
        pqxx::nontransaction n(conn);
        n.exec("UPDATE hyperschema.schema_migrations SET state = 'reverting' WHERE version = 1");
    }
    for (int direction = 0; direction < 2; ++direction) {
        try {
            if (direction == 0)
                migrate(conn, migrations);
            else
                migrate_down(conn, migrations, 0);
            FAIL("a legacy reverting row was not refused");
        } catch (const history_error& e) {
            CHECK(std::string(e.what()).find("finish it by hand") != std::string::npos);
        }
    }
    {
        pqxx::nontransaction n(conn);
        n.exec("DELETE FROM hyperschema.schema_migrations");
    }
    CHECK(count(conn, "SELECT count(*) FROM hyperschema.schema_migrations") == 0);
}

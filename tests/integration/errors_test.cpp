// The runtime's exception hierarchy against a real server: each class arises
// from the situation it names, with the SQLSTATE and statement, and no
// libpqxx exception leaves the runtime.

#include "support/catch.hpp"

#include <pqxx/pqxx>
#include <thread>

#include "hyperschema/hyperschema.hpp"
#include "support/pg_cluster.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

void run(hyperschema::connection& conn, const std::string& sql) {
    pqxx::nontransaction n(conn);
    n.exec(sql);
}

}  // namespace

TEST_CASE("a failed connect is connection_lost and never shows the password", "[pg][errors]") {
    auto& pg = PgCluster::shared();
    // The cluster's port with a database that does not exist, and a closed port.
    for (const std::string& dsn : {pg.dsn("no_such_database") + " password=hunter2-secret",
                                   std::string("host=127.0.0.1 port=1 connect_timeout=2 password=hunter2-secret")}) {
        try {
            auto conn = hyperschema::connect(dsn);
            FAIL("connected to " << dsn);
        } catch (const connection_lost& e) {
            CHECK(std::string(e.what()).find("could not connect to the server") != std::string::npos);
            CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
        }
    }
}

TEST_CASE("server errors from runtime statements are typed by SQLSTATE", "[pg][errors]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("errors_sqlstate");
    auto conn = hyperschema::connect(pg.dsn(db));
    run(conn, "CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL CHECK (balance >= 0))");
    run(conn, "INSERT INTO accounts VALUES (1, 10), (2, 10)");

    SECTION("a unique, check or not-null violation is constraint_violation") {
        for (const auto& [sql, state] : std::vector<std::pair<std::string, std::string>>{
                 {"INSERT INTO accounts VALUES ($1, 5)", "23505"},
                 {"UPDATE accounts SET balance = -1 WHERE id = $1", "23514"},
                 {"UPDATE accounts SET balance = NULL WHERE id = $1", "23502"}}) {
            pqxx::work tx(conn);
            try {
                hyperschema::exec_prepared(tx, sql, std::int64_t{1});
                FAIL(sql);
            } catch (const constraint_violation& e) {
                CHECK(e.sqlstate() == state);
                CHECK(e.statement() == sql);
            }
        }
    }
    SECTION("any other rejection is sql_error, with its SQLSTATE") {
        pqxx::work tx(conn);
        try {
            hyperschema::exec(tx, "SELECT 1 / $1", std::int32_t{0});
            FAIL("division by zero");
        } catch (const constraint_violation&) {
            FAIL("not a constraint violation");
        } catch (const sql_error& e) {
            CHECK(e.sqlstate() == "22012");
        }
    }
    SECTION("a row lock not granted within lock_timeout is lock_timeout") {
        auto holder = hyperschema::connect(pg.dsn(db));
        pqxx::work hold(holder);
        hold.exec("SELECT * FROM accounts WHERE id = 1 FOR UPDATE");
        pqxx::work tx(conn);
        tx.exec("SET LOCAL lock_timeout = '100ms'");
        CHECK_THROWS_AS(hyperschema::exec(tx, "UPDATE accounts SET balance = 0 WHERE id = $1", std::int64_t{1}),
                        lock_timeout);
    }
    SECTION("a serialization failure is transaction_conflict: retry the transaction") {
        auto other = hyperschema::connect(pg.dsn(db));
        pqxx::work a(conn);
        a.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        hyperschema::exec(a, "SELECT balance FROM accounts WHERE id = $1", std::int64_t{2});
        {
            pqxx::work b(other);
            b.exec("UPDATE accounts SET balance = 20 WHERE id = 2");
            b.commit();
        }
        try {
            hyperschema::exec(a, "UPDATE accounts SET balance = 30 WHERE id = $1", std::int64_t{2});
            FAIL("a concurrent update must conflict");
        } catch (const transaction_conflict& e) {
            CHECK(e.sqlstate() == "40001");
        }
    }
}

TEST_CASE("a connection killed under a runtime statement is connection_lost", "[pg][errors]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("errors_killed");
    auto conn = hyperschema::connect(pg.dsn(db));
    auto killer = hyperschema::connect(pg.dsn(db));
    int pid = 0;
    {
        pqxx::nontransaction n(conn);
        pid = n.exec("SELECT pg_backend_pid()")[0][0].as<int>();
    }
    pqxx::work tx(conn);
    std::thread kill([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        pqxx::nontransaction n(killer);
        n.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    });
    CHECK_THROWS_AS(hyperschema::exec(tx, "SELECT pg_sleep($1)", 5.0), connection_lost);
    kill.join();
}

TEST_CASE("libpqxx's exceptions from statements of your own, through translated()", "[pg][errors]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("errors_translated");
    auto conn = hyperschema::connect(pg.dsn(db));
    run(conn, "CREATE TABLE t (id int PRIMARY KEY)");
    {
        pqxx::work tx(conn);
        tx.exec("INSERT INTO t VALUES (1)");
        try {
            hyperschema::translated([&] { tx.exec("INSERT INTO t VALUES (1)"); });
            FAIL("duplicate key");
        } catch (const constraint_violation& e) {
            CHECK(e.sqlstate() == "23505");
            CHECK(e.statement() == "INSERT INTO t VALUES (1)");
        }
    }
    // What f returns comes back.
    pqxx::work again(conn);
    CHECK(hyperschema::translated([&] { return again.exec("SELECT 41 + 1")[0][0].as<int>(); }) == 42);
}

TEST_CASE("a runner that cannot get the migration lock in time throws migration_lock_timeout", "[pg][errors]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("errors_lock");
    auto conn = hyperschema::connect(pg.dsn(db));
    auto other = hyperschema::connect(pg.dsn(db));
    std::vector<Migration> migrations{{1, "init", "BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n", "", ""}};
    // The lock the migrator takes: keyed by the history table's name.
    {
        pqxx::nontransaction n(other);
        n.exec("SELECT pg_advisory_lock(hashtextextended('hyperschema:hyperschema.schema_migrations', 0))");
    }
    MigrateOptions options;
    options.lock_wait = std::chrono::milliseconds(300);
    CHECK_THROWS_AS(migrate(conn, migrations, options), migration_lock_timeout);
    {
        pqxx::nontransaction n(other);
        n.exec("SELECT pg_advisory_unlock_all()");
    }
    CHECK(migrate(conn, migrations, options) == 1);
}

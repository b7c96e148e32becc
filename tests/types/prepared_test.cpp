// The per-connection prepared statement cache: one preparation per statement
// and connection, on any number of connections, across transactions (also
// failed ones), and never stale on a new or reset connection.

#include "support/catch.hpp"

#include <memory>
#include <set>

#include "hyperschema/query.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;

namespace {

constexpr const char* kLookup = "SELECT name FROM items WHERE id = $1";

// The runtime's statements prepared in the session, as the server lists them.
std::vector<std::string> server_statements(pqxx::dbtransaction& tx) {
    std::vector<std::string> out;
    for (const auto& [sql] : exec(tx,
                                  "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'hyperschema%' "
                                  "ORDER BY statement")
                                 .rows<std::string>())
        out.push_back(sql);
    return out;
}

void create_items(const std::string& dsn) {
    auto conn = hyperschema::connect(dsn);
    types_test::run_sql(conn,
                        "CREATE TABLE items (id int PRIMARY KEY, name text); "
                        "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g");
}

}  // namespace

TEST_CASE("a statement is prepared once per connection", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_prepared");
    create_items(dsn);
    auto conn = hyperschema::connect(dsn);
    for (int round = 0; round < 3; ++round) {
        pqxx::work tx(conn);
        for (int id = 1; id <= 100; ++id)
            CHECK(exec_prepared(tx, kLookup, id).get<std::string>(0, 0) == "item " + std::to_string(id));
        tx.commit();
    }
    pqxx::work tx(conn);
    CHECK(prepared_statement_count(tx) == 1);
    CHECK(server_statements(tx) == std::vector<std::string>{kLookup});

    SECTION("other parameter types make another statement") {
        CHECK(exec_prepared(tx, kLookup, std::int64_t{5}).get<std::string>(0, 0) == "item 5");
        CHECK(prepared_statement_count(tx) == 2);
        exec_prepared(tx, kLookup, 6);
        CHECK(prepared_statement_count(tx) == 2);
    }
    SECTION("unnamed statements are not prepared") {
        for (int i = 0; i < 10; ++i) exec(tx, kLookup, i);
        CHECK(prepared_statement_count(tx) == 1);
    }
}

TEST_CASE("each connection has its own prepared statements", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_prepared_two");
    create_items(dsn);
    auto a = hyperschema::connect(dsn);
    auto b = hyperschema::connect(dsn);
    pqxx::work ta(a);
    pqxx::work tb(b);
    for (int i = 1; i <= 10; ++i) {
        CHECK(exec_prepared(ta, kLookup, i).size() == 1);
        CHECK(exec_prepared(tb, kLookup, i).size() == 1);
    }
    CHECK(prepared_statement_count(ta) == 1);
    CHECK(prepared_statement_count(tb) == 1);
    CHECK(server_statements(ta) == std::vector<std::string>{kLookup});
    CHECK(server_statements(tb) == std::vector<std::string>{kLookup});
}

TEST_CASE("a new connection never inherits a closed one's statements", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_prepared_reopen");
    create_items(dsn);
    // libpq often allocates the new PGconn where the old one was: the cache
    // must not key on the address.
    std::set<const void*> addresses;
    int reused = 0;
    for (int i = 1; i <= 8; ++i) {
        auto conn = hyperschema::connect(dsn);  // closed at the end of each round
        pqxx::work tx(conn);
        const void* address = detail::pq::connection_of(tx);
        reused += addresses.insert(address).second ? 0 : 1;
        CHECK(prepared_statement_count(tx) == 0);
        CHECK(exec_prepared(tx, kLookup, i).get<std::string>(0, 0) == "item " + std::to_string(i));
        CHECK(prepared_statement_count(tx) == 1);
        tx.commit();
    }
    INFO("a PGconn address was reused " << reused << " times");
    SUCCEED();
}

TEST_CASE("a reset connection prepares again", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_prepared_reset");
    create_items(dsn);
    auto conn = hyperschema::connect(dsn);
    PGconn* raw = nullptr;
    int backend = 0;
    {
        pqxx::work tx(conn);
        exec_prepared(tx, kLookup, 1);
        raw = detail::pq::connection_of(tx);
        backend = PQbackendPID(raw);
        tx.commit();
    }
    PQreset(raw);  // what a reconnect does: the same PGconn, a new session
    REQUIRE(PQstatus(raw) == CONNECTION_OK);
    pqxx::work tx(conn);
    CHECK(PQbackendPID(raw) != backend);
    CHECK(prepared_statement_count(tx) == 0);
    CHECK(exec_prepared(tx, kLookup, 2).get<std::string>(0, 0) == "item 2");
    CHECK(server_statements(tx) == std::vector<std::string>{kLookup});
}

TEST_CASE("errors in prepared statements", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_prepared_errors");
    create_items(dsn);
    auto conn = hyperschema::connect(dsn);
    const std::string divide = "SELECT 100 / $1";

    SECTION("an execution error aborts the transaction; the statement stays prepared") {
        {
            pqxx::work tx(conn);
            CHECK(exec_prepared(tx, divide, 4).get<std::int32_t>(0, 0) == 25);
            try {
                exec_prepared(tx, divide, 0);
                FAIL("no exception");
            } catch (const error& e) {
                CHECK(e.sqlstate() == "22012");
                CHECK(e.statement() == divide);
            }
            CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
        }
        pqxx::work tx(conn);
        CHECK(exec_prepared(tx, divide, 5).get<std::int32_t>(0, 0) == 20);
        CHECK(prepared_statement_count(tx) == 1);
    }
    SECTION("a statement that fails to prepare is not remembered") {
        for (int attempt = 0; attempt < 2; ++attempt) {
            pqxx::work tx(conn);
            try {
                exec_prepared(tx, "SELEC 1");
                FAIL("no exception");
            } catch (const error& e) {
                CHECK(e.sqlstate() == "42601");  // the syntax error each time, never 26000
            }
        }
        pqxx::work tx(conn);
        CHECK(prepared_statement_count(tx) == 0);
        CHECK(exec_prepared(tx, kLookup, 3).size() == 1);
    }
    SECTION("a statement prepared in a transaction that rolls back stays prepared") {
        {
            pqxx::work tx(conn);
            exec_prepared(tx, kLookup, 1);
            tx.abort();
        }
        pqxx::work tx(conn);
        CHECK(exec_prepared(tx, kLookup, 2).size() == 1);
        CHECK(prepared_statement_count(tx) == 1);
    }
}

TEST_CASE("results report what the command did", "[db][prepared]") {
    const std::string dsn = types_test::fresh_database("types_results");
    create_items(dsn);
    auto conn = hyperschema::connect(dsn);
    pqxx::work tx(conn);
    CHECK(exec_prepared(tx, "UPDATE items SET name = $1 WHERE id <= $2", std::string("x"), 10).affected_rows() == 10);
    CHECK(exec(tx, "DELETE FROM items WHERE id > 95").affected_rows() == 5);
    auto r = exec(tx, "SELECT id AS \"the id\", name FROM items WHERE id = $1", 1);
    CHECK(r.columns() == 2);
    CHECK(r.column_name(0) == "the id");
    CHECK(r.column_type(1) == oids::text);
    CHECK(r.affected_rows() == 1);
    CHECK(exec(tx, "SELECT 1 WHERE false").empty());
    CHECK(exec(tx, "SELECT $1::int4 + $2::int4, $3 IS NULL", 1, 2, std::optional<std::int32_t>{})
              .row<std::int32_t, bool>(0) == std::tuple<std::int32_t, bool>{3, true});
}

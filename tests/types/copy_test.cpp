// Binary COPY failures: the server's error with its SQLSTATE, the
// transaction aborted, and the connection usable afterwards; and the
// writer's own refusals, which leave it usable.

#include "support/catch.hpp"

#include "hyperschema/copy.hpp"
#include "hyperschema/query.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;
using namespace std::chrono;

namespace {

std::int64_t count_rows(hyperschema::connection& conn, const std::string& table) {
    pqxx::work tx(conn);
    return exec(tx, "SELECT count(*) FROM " + table).get<std::int64_t>(0, 0);
}

// A new transaction on the connection works, also for another COPY.
void check_usable(hyperschema::connection& conn) {
    pqxx::work tx(conn);
    CHECK(PQtransactionStatus(detail::pq::connection_of(tx)) == PQTRANS_INTRANS);
    {
        copy_writer copy(tx, "", "scratch", {"n"});
        copy.write_row(1);
        CHECK(copy.complete() == 1);
    }
    CHECK(exec(tx, "SELECT count(*) FROM scratch").get<std::int64_t>(0, 0) == 1);
    // not committed: scratch stays empty
}

}  // namespace

TEST_CASE("COPY failures throw the server's error and abort the transaction", "[db][copy]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_copy_fail"));
    types_test::run_sql(conn,
                        "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(3,1));"
                        "CREATE TABLE scratch (n int)");
    const std::string payload(100, 'p');  // rows of ~130 bytes: the duplicate comes after several flushes

    SECTION("a unique violation mid-stream") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "public", "t", {"id", "name"});
            for (std::int64_t i = 0; i < 20000; ++i) copy.write_row(i == 15000 ? std::int64_t{7} : i, payload);
            copy.complete();
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "23505");
            CHECK_THAT(e.what(), Catch::Contains("duplicate key") && Catch::Contains("(id)=(7)"));
            CHECK(e.statement() == R"(COPY "public"."t" ("id", "name") FROM STDIN (FORMAT binary))");
        }
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);  // aborted: no silent rollback at COMMIT
    }
    SECTION("a NOT NULL violation") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "", "t", {"id", "name"});
            copy.write_row(std::int64_t{1}, std::string("a"));
            copy.write_row(std::int64_t{2}, std::optional<std::string>{});
            copy.complete();
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "23502");
            CHECK_THAT(e.what(), Catch::Contains("\"name\""));
        }
    }
    SECTION("a value the column's type modifier rejects") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "", "t", {"id", "name", "amount"});
            copy.write_row(std::int64_t{1}, std::string("a"), *numeric::parse("123.4"));
            copy.complete();
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "22003");  // numeric field overflow
        }
    }
    SECTION("a missing table") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "", "no_such_table", {"id"});
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "42P01");
        }
    }
    SECTION("a missing column") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "", "t", {"id", "no_such_column"});
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "42703");
        }
    }
    SECTION("a writer destroyed before complete()") {
        pqxx::work tx(conn);
        {
            copy_writer copy(tx, "", "t", {"id", "name"});
            copy.write_row(std::int64_t{1}, std::string("never stored"));
        }
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    SECTION("an exception thrown between rows") {
        pqxx::work tx(conn);
        try {
            copy_writer copy(tx, "", "t", {"id", "name"});
            copy.write_row(std::int64_t{1}, payload);
            throw std::runtime_error("the application gave up");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "the application gave up");
        }
    }
    CHECK(count_rows(conn, "t") == 0);
    check_usable(conn);
}

TEST_CASE("the writer refuses values before sending them and stays usable", "[db][copy]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_copy_refuse"));
    types_test::run_sql(conn, "CREATE TABLE t (id integer, d date, amount numeric, tags varchar(5)[])");
    pqxx::work tx(conn);
    copy_writer copy(tx, "public", "t", {"id", "d", "amount", "tags"});
    const std::vector<std::string> tags = {"a", "b"};
    copy.write_row(1, date(sys_days{2024y / 1 / 1}), numeric::from_integer(1), tags);
    // A date PostgreSQL cannot hold.
    CHECK_THROWS_WITH(copy.write_row(2, date::max() - days(1), numeric::from_integer(2), tags),
                      Catch::Contains("outside PostgreSQL's range"));
    // A C++ type that does not match the column: the server would misread the bytes.
    CHECK_THROWS_WITH(copy.write_row(std::int64_t{3}, date::max(), numeric::from_integer(3), tags),
                      Catch::Contains("\"id\"") && Catch::Contains("bigint"));
    CHECK_THROWS_WITH(copy.write_row(4, date::max(), 4.0, tags), Catch::Contains("\"amount\""));
    CHECK_THROWS_WITH(copy.write_row(5, date::max()), Catch::Contains("2 values for 4 columns"));
    // Between rows the connection is idle: other statements run meanwhile.
    CHECK(tx.exec("SELECT 1")[0][0].as<int>() == 1);
    CHECK(exec(tx, "SELECT count(*) FROM t").get<std::int64_t>(0, 0) == 0);  // nothing sent yet
    copy.write_row(6, date::max(), std::optional<numeric>{}, std::vector<std::string>{});
    CHECK(copy.rows() == 2);
    CHECK(copy.complete() == 2);
    CHECK_THROWS_AS(copy.write_row(7, date::max(), numeric{}, tags), usage_error);  // completed
    CHECK_THROWS_AS(copy.complete(), usage_error);
    auto r = exec(tx, "SELECT id, d::text, amount::text, tags::text FROM t ORDER BY id")
                 .rows<std::int32_t, std::string, std::optional<std::string>, std::string>();
    using row = std::tuple<std::int32_t, std::string, std::optional<std::string>, std::string>;
    CHECK(r == std::vector<row>{{1, "2024-01-01", "1", "{a,b}"}, {6, "infinity", std::nullopt, "{}"}});
    tx.commit();
}

TEST_CASE("large COPY loads stream in chunks", "[db][copy]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_copy_large"));
    types_test::run_sql(conn, "CREATE TABLE m (ts timestamptz NOT NULL, device text NOT NULL, value double precision)");
    const timestamptz start = sys_days{2024y / 1 / 1};
    const int n = 200000;
    {
        pqxx::work tx(conn);
        copy_writer copy(tx, "", "m", {"ts", "device", "value"});
        for (int i = 0; i < n; ++i)
            copy.write_row(start + seconds(i), "device-" + std::to_string(i % 100),
                           i % 10 == 0 ? std::optional<double>{} : std::optional<double>{i * 0.5});
        CHECK(copy.complete() == static_cast<std::uint64_t>(n));
        tx.commit();
    }
    pqxx::work tx(conn);
    auto [count, nulls, last, sum] = exec(tx, "SELECT count(*), count(*) - count(value), max(ts), sum(value) FROM m")
                                         .row<std::int64_t, std::int64_t, timestamptz, double>(0);
    CHECK(count == n);
    CHECK(nulls == n / 10);
    CHECK(last == start + seconds(n - 1));
    double expected = 0;
    for (int i = 0; i < n; ++i)
        if (i % 10 != 0) expected += i * 0.5;
    CHECK(sum == Approx(expected));
}

TEST_CASE("a COPY statement given to exec does not leave the connection in COPY state", "[db][copy]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_copy_exec"));
    types_test::run_sql(conn, "CREATE TABLE scratch (n int); INSERT INTO scratch VALUES (1), (2)");
    for (std::string sql : {"COPY scratch TO STDOUT", "COPY scratch FROM STDIN"}) {
        INFO(sql);
        {
            pqxx::work tx(conn);
            CHECK_THROWS_WITH(exec(tx, sql), Catch::Contains("use copy_writer"));
        }
        pqxx::work tx(conn);
        CHECK(exec(tx, "SELECT count(*) FROM scratch").get<std::int64_t>(0, 0) == 2);
        tx.exec("SELECT 1");
    }
}

// The streaming reader: batches, parameters in the declared cursor, stopping
// early, other statements between batches, reading ahead, and errors.

#include "support/catch.hpp"

#include <functional>
#include <memory>

#include "hyperschema/copy.hpp"
#include "hyperschema/query.hpp"
#include "hyperschema/stream.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;

namespace {

std::int64_t open_cursors(pqxx::dbtransaction& tx) {
    // Protocol-level portals are listed too: count only the runtime's cursors.
    return exec(tx, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'hyperschema%'").get<std::int64_t>(0, 0);
}

}  // namespace

TEST_CASE("row_stream reads every row in order, a batch at a time", "[db][stream]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_stream"));
    types_test::run_sql(conn,
                        "CREATE TABLE n (i int, label text); "
                        "INSERT INTO n SELECT g, 'n' || g FROM generate_series(1, 100000) g");
    pqxx::work tx(conn);

    SECTION("small batches, with parameters bound in the cursor's query") {
        for (int batch : {1, 3, 10, 11}) {
            row_stream s(tx, "SELECT i, label FROM n WHERE i > $1 AND i <= $2 AND label <> $3 ORDER BY i", 0, 10,
                         std::string("n5"));
            s.set_batch_rows(batch);
            std::vector<int> seen;
            while (s.next()) {
                CHECK(s.columns() == 2);
                auto [i, label] = s.row<std::int32_t, std::string>();
                CHECK(label == "n" + std::to_string(i));
                CHECK(s.get<std::int32_t>(0) == i);
                seen.push_back(i);
            }
            CHECK(seen == std::vector<int>{1, 2, 3, 4, 6, 7, 8, 9, 10});
            CHECK_FALSE(s.next());
        }
        CHECK(open_cursors(tx) == 0);  // closed when the last batch came back short
    }
    SECTION("a large result with the default batch size") {
        row_stream s(tx, "SELECT i FROM n ORDER BY i");
        std::int64_t count = 0, sum = 0;
        while (s.next()) {
            ++count;
            sum += s.get<std::int32_t>(0);
        }
        CHECK(count == 100000);
        CHECK(sum == 100000LL * 100001 / 2);
    }
    SECTION("wide rows, batches sized by memory") {
        row_stream s(tx, "SELECT i, repeat('w', 100000) FROM n WHERE i <= $1 ORDER BY i", 1500);
        int count = 0;
        while (s.next()) {
            CHECK(s.get<std::string>(1).size() == 100000);
            CHECK(s.get<std::int32_t>(0) == ++count);
        }
        CHECK(count == 1500);
    }
    SECTION("no rows") {
        row_stream s(tx, "SELECT i FROM n WHERE i < $1", 0);
        CHECK_FALSE(s.next());
        CHECK_THROWS_AS(s.get<std::int32_t>(0), error);
    }
    SECTION("other statements run between rows, and two streams at once") {
        row_stream a(tx, "SELECT i FROM n WHERE i <= 5 ORDER BY i");
        row_stream b(tx, "SELECT i FROM n WHERE i <= 5 ORDER BY i DESC");
        a.set_batch_rows(2);
        b.set_batch_rows(2);
        int total = 0;
        while (a.next() && b.next()) {
            total += a.get<std::int32_t>(0) + b.get<std::int32_t>(0);
            CHECK(a.get<std::int32_t>(0) + b.get<std::int32_t>(0) == 6);
            exec_prepared(tx, "UPDATE n SET label = $1 WHERE i = $2", std::string("seen"), a.get<std::int32_t>(0));
            tx.exec("SELECT 1");  // libpqxx too: the connection is free between batches
        }
        CHECK(total == 30);
        CHECK(exec(tx, "SELECT count(*) FROM n WHERE label = 'seen'").get<std::int64_t>(0, 0) == 5);
    }
    SECTION("stopping early closes the cursor") {
        {
            row_stream s(tx, "SELECT i FROM n ORDER BY i");
            s.set_batch_rows(100);
            for (int i = 0; i < 5; ++i) REQUIRE(s.next());
            CHECK(open_cursors(tx) == 1);
        }
        CHECK(open_cursors(tx) == 0);
        row_stream s(tx, "SELECT i FROM n");
        REQUIRE(s.next());
        s.close();
        CHECK_FALSE(s.next());
        CHECK(open_cursors(tx) == 0);
    }
    SECTION("the wrong row type is refused") {
        row_stream s(tx, "SELECT i, label FROM n ORDER BY i");
        REQUIRE(s.next());
        CHECK_THROWS_WITH((s.row<std::int32_t, std::int32_t>()), Catch::Contains("\"label\""));
        CHECK_THROWS_AS(s.row<std::int32_t>(), error);
        CHECK((s.row<std::int32_t, std::string>()) == std::tuple<std::int32_t, std::string>{1, "n1"});
    }
}

TEST_CASE("row_stream reading ahead: the same rows, whatever runs on the transaction between them", "[db][stream]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_stream_ahead"));
    types_test::run_sql(conn,
                        "CREATE TABLE n (i int, label text); "
                        "INSERT INTO n SELECT g, 'n' || g FROM generate_series(1, 20000) g; "
                        "CREATE TABLE copied (i int)");
    conn.prepare("count_n", "SELECT count(*) FROM n WHERE i <= $1");
    pqxx::work tx(conn);
    // Reads every row of n, in order, calling between(i) after each.
    auto read_all = [&](int batch, const std::function<void(int)>& between) {
        row_stream s(tx, "SELECT i FROM n WHERE i > $1 ORDER BY i", 0);
        if (batch > 0) s.set_batch_rows(batch);
        s.read_ahead();
        std::int64_t count = 0;
        bool in_order = true;
        while (s.next()) {
            const std::int32_t i = s.get<std::int32_t>(0);
            in_order = in_order && i == ++count;
            between(i);
        }
        CHECK(count == 20000);
        CHECK(in_order);
    };

    SECTION("every row in order, whatever the batch size") {
        for (int batch : {0, 1, 3, 10, 20000, 30000}) {
            INFO("batch " << batch);
            read_all(batch, [](int) {});
        }
        CHECK(open_cursors(tx) == 0);
    }
    SECTION("the runtime's statements between rows, a COPY and a nested stream reading ahead too") {
        read_all(7, [&](int i) {
            if (i % 5 == 0) exec_prepared(tx, "UPDATE n SET label = $1 WHERE i = $2", std::string("seen"), i);
            if (i % 700 == 0) {
                copy_writer copy(tx, "", "copied", {"i"});
                copy.write_row(i);
                copy.complete();
            }
            if (i % 1000 == 0) {
                row_stream inner(tx, "SELECT i FROM n WHERE i <= 3 ORDER BY i");
                inner.set_batch_rows(1);
                inner.read_ahead();
                int inner_rows = 0;
                while (inner.next()) ++inner_rows;
                CHECK(inner_rows == 3);
            }
        });
        CHECK(exec(tx, "SELECT count(*) FROM n WHERE label = 'seen'").get<std::int64_t>(0, 0) == 4000);
        CHECK(exec(tx, "SELECT count(*) FROM copied").get<std::int64_t>(0, 0) == 28);
    }
    SECTION("libpqxx's statements between rows: the batch they make libpq discard is kept") {
        read_all(7, [&](int i) {
            if (i % 3 == 0) tx.exec("SELECT 1");
                // libpqxx's own calls for parameters and prepared statements, as each version spells them.
                // (On 7+ the parameter goes as a string: params' inline append of an int trips GCC 14's
                // false -Wmaybe-uninitialized in Release builds; see detail/pqxx_bridge.hpp.)
#if PQXX_VERSION_MAJOR >= 7
            const pqxx::params param{std::to_string(i)};
            if (i % 3 == 1) CHECK(tx.exec("SELECT $1::int + 1", param)[0][0].as<int>() == i + 1);
            if (i % 3 == 2) CHECK(tx.exec(pqxx::prepped{"count_n"}, param)[0][0].as<int>() == i);
#else
            if (i % 3 == 1) CHECK(tx.exec_params1("SELECT $1::int + 1", i)[0].as<int>() == i + 1);
            if (i % 3 == 2) CHECK(tx.exec_prepared1("count_n", i)[0].as<int>() == i);
#endif
            if (i % 1000 == 0) {
                pqxx::subtransaction sub(tx, "per_row");
                sub.exec("UPDATE n SET label = 'sub' WHERE i = " + std::to_string(i));
                sub.commit();
            }
        });
        CHECK(exec(tx, "SELECT count(*) FROM n WHERE label = 'sub'").get<std::int64_t>(0, 0) == 20);
    }
    SECTION("stopping early, with a batch in flight, closes the cursor") {
        {
            row_stream s(tx, "SELECT i FROM n ORDER BY i");
            s.set_batch_rows(100);
            s.read_ahead();
            for (int i = 0; i < 150; ++i) REQUIRE(s.next());
        }
        CHECK(open_cursors(tx) == 0);
        row_stream s(tx, "SELECT i FROM n ORDER BY i");
        s.set_batch_rows(100);
        s.read_ahead();
        REQUIRE(s.next());
        s.close();
        CHECK_FALSE(s.next());
        CHECK(open_cursors(tx) == 0);
        // Two streams at once, the one reading ahead destroyed last.
        row_stream a(tx, "SELECT i FROM n ORDER BY i");
        a.set_batch_rows(10);
        a.read_ahead();
        {
            row_stream b(tx, "SELECT i FROM n ORDER BY i");
            b.set_batch_rows(10);
            for (int i = 0; i < 15; ++i) REQUIRE((a.next() && b.next()));
        }
        CHECK(open_cursors(tx) == 1);
    }
}

TEST_CASE("row_stream errors throw and abort the transaction", "[db][stream]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_stream_errors"));
    types_test::run_sql(conn, "CREATE TABLE n (i int)");
    {
        pqxx::work tx(conn);
        try {
            row_stream s(tx, "SELECT * FROM no_such_table WHERE i = $1", 1);
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "42P01");
            CHECK_THAT(e.statement(), Catch::Contains("DECLARE") && Catch::Contains("no_such_table"));
        }
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    {
        // An error while fetching: division by zero in the third row.
        types_test::run_sql(conn, "INSERT INTO n VALUES (1), (2), (0)");
        pqxx::work tx(conn);
        row_stream s(tx, "SELECT 10 / i FROM n");
        s.set_batch_rows(1);
        REQUIRE(s.next());
        REQUIRE(s.next());
        try {
            s.next();
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(e.sqlstate() == "22012");
        }
    }
    // The same error in a batch read ahead: thrown when the batch is wanted,
    // by the runtime statement that has it read, or (when the stream is left
    // early) not thrown but the transaction is aborted all the same.
    auto ahead_of_error = [](pqxx::dbtransaction& tx) {
        auto s = std::make_unique<row_stream>(tx, "SELECT 10 / i FROM n");
        s->set_batch_rows(1);
        s->read_ahead();
        REQUIRE(s->next());
        REQUIRE(s->next());  // and the FETCH of the row with 0 is in flight
        return s;
    };
    auto sqlstate_of = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const error& e) {
            return e.sqlstate();
        }
        return std::string("no exception");
    };
    {
        pqxx::work tx(conn);
        auto s = ahead_of_error(tx);
        CHECK(sqlstate_of([&] { s->next(); }) == "22012");
        CHECK(sqlstate_of([&] { s->next(); }) == "22012");  // and again
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    {
        pqxx::work tx(conn);
        auto s = ahead_of_error(tx);
        CHECK(sqlstate_of([&] { exec(tx, "SELECT 1"); }) == "22012");
        CHECK(sqlstate_of([&] { s->next(); }) == "22012");
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    {
        pqxx::work tx(conn);
        auto s = ahead_of_error(tx);
        CHECK_THROWS_AS(tx.exec("SELECT 1"), pqxx::sql_error);  // 25P02: the server aborted already
        CHECK(sqlstate_of([&] { s->next(); }) == "22012");
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    {
        pqxx::work tx(conn);
        ahead_of_error(tx).reset();
        CHECK_THROWS_AS(tx.commit(), pqxx::usage_error);
    }
    pqxx::work tx(conn);
    CHECK(exec(tx, "SELECT count(*) FROM n").get<std::int64_t>(0, 0) == 3);
}

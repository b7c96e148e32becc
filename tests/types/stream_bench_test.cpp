// How the figures in stream.hpp were measured (hidden; run with
//   hyperschema_types_tests "[.bench]"
// in a Release build): 1M rows of (timestamptz, integer, text, double
// precision, text) read and decoded by the cursor reader at several batch
// sizes and by libpq's single-row mode, beside binary COPY TO STDOUT (what
// `psql -c "COPY (...) TO STDOUT"` does, minus the writing).

#include "support/catch.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>

#include "hyperschema/stream.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;

namespace {

constexpr const char* kQuery = "SELECT ts, n, name, v, note FROM bench WHERE n > $1";
using row_types = std::tuple<timestamptz, std::int32_t, std::string, double, std::string>;

struct checksum {
    std::int64_t ints = 0;
    std::size_t text = 0;
    void add(const row_types& r) {
        ints += std::get<0>(r).time_since_epoch().count() + std::get<1>(r) + static_cast<std::int64_t>(std::get<3>(r));
        text += std::get<2>(r).size() + std::get<4>(r).size();
    }
};

template <class F>
double rows_per_second(hyperschema::connection& conn, F&& read) {
    pqxx::work tx(conn);
    auto start = std::chrono::steady_clock::now();
    std::int64_t rows = read(tx);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(rows == 1000000);
    return static_cast<double>(rows) / seconds;
}

std::int64_t with_cursor(pqxx::dbtransaction& tx, int batch) {
    row_stream s(tx, kQuery, 0);
    if (batch > 0) s.set_batch_rows(batch);
    checksum sum;
    std::int64_t rows = 0;
    while (s.next()) {
        sum.add(s.row<timestamptz, std::int32_t, std::string, double, std::string>());
        ++rows;
    }
    return rows;
}

std::int64_t with_single_row_mode(pqxx::dbtransaction& tx) {
    PGconn* conn = detail::pq::connection_of(tx);
    detail::bound_params params(0);
    REQUIRE(PQsendQueryParams(conn, kQuery, params.count(), params.types(), params.values(), params.lengths(),
                              params.formats(), 1));
    REQUIRE(PQsetSingleRowMode(conn));
    checksum sum;
    std::int64_t rows = 0;
    while (PGresult* r = PQgetResult(conn)) {
        if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
            sum.add(detail::result_row<timestamptz, std::int32_t, std::string, double, std::string>(r, 0));
            ++rows;
        }
        PQclear(r);
    }
    return rows;
}

std::int64_t with_binary_copy_out(pqxx::dbtransaction& tx) {
    PGconn* conn = detail::pq::connection_of(tx);
    PQclear(PQexec(conn, "COPY (SELECT ts, n, name, v, note FROM bench WHERE n > 0) TO STDOUT (FORMAT binary)"));
    checksum sum;
    std::int64_t rows = 0;
    char* buffer = nullptr;
    bool header = true;
    for (int length; (length = PQgetCopyData(conn, &buffer, 0)) > 0; PQfreemem(buffer)) {
        const char* p = buffer + (header ? 19 : 0);
        header = false;
        if (detail::wire::get_i16(p) != 5) continue;  // the trailer
        p += 2;
        auto field = [&p](auto decode) {
            int n = detail::wire::get_i32(p);
            auto value = decode(p + 4, n);
            p += 4 + n;
            return value;
        };
        row_types r{field(pg_codec<timestamptz>::decode), field(pg_codec<std::int32_t>::decode),
                    field(pg_codec<std::string>::decode), field(pg_codec<double>::decode),
                    field(pg_codec<std::string>::decode)};
        sum.add(r);
        ++rows;
    }
    while (PGresult* r = PQgetResult(conn)) PQclear(r);
    return rows;
}

}  // namespace

TEST_CASE("streaming throughput: cursor batches against single-row mode", "[.bench]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_bench"));
    types_test::run_sql(conn,
                        "CREATE TABLE bench AS SELECT timestamptz '2024-01-01' + g * interval '1 second' AS ts, "
                        "g::int AS n, 'device-' || (g % 1000) AS name, g * 0.5::float8 AS v, md5(g::text) AS note "
                        "FROM generate_series(1, 1000000) g");
    types_test::run_sql(conn, "ANALYZE bench");
    struct variant {
        std::string name;
        std::function<std::int64_t(pqxx::dbtransaction&)> read;
        std::vector<double> rates;
    };
    std::vector<variant> variants;
    for (int batch : {0, 1000, 2000, 10000, 50000})
        variants.push_back({batch ? "cursor, FETCH " + std::to_string(batch) : "cursor, batches of ~256 KiB (default)",
                            [batch](pqxx::dbtransaction& tx) { return with_cursor(tx, batch); },
                            {}});
    variants.push_back({"single-row mode", with_single_row_mode, {}});
    variants.push_back({"binary COPY TO STDOUT", with_binary_copy_out, {}});
    for (int round = 0; round < 7; ++round)
        for (auto& v : variants) v.rates.push_back(rows_per_second(conn, v.read));
    for (auto& v : variants) {
        std::sort(v.rates.begin(), v.rates.end());
        std::cout << v.name << ": median " << v.rates[v.rates.size() / 2] / 1e6 << "M rows/s, best "
                  << v.rates.back() / 1e6 << "M rows/s\n";
    }
}

// Every mapped type through a real PostgreSQL 15 and back: written with
// binary COPY and with bound parameters, read with binary queries and with
// the streaming reader; and checked against what the server itself says the
// values are (col::text), and what it parses from SQL literals.

#include "support/catch.hpp"

#include <cmath>

#include "hyperschema/copy.hpp"
#include "hyperschema/query.hpp"
#include "hyperschema/stream.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;
using namespace std::chrono;
using types_test::mood;

namespace {

template <class T>
using opt = std::optional<T>;
template <class T>
using opt_array = std::optional<std::vector<T>>;

// One row of table `everything`: every type, nullable, and arrays of each.
using everything =
    std::tuple<std::int32_t, opt<bool>, opt<std::int16_t>, opt<std::int32_t>, opt<std::int64_t>, opt<float>,
               opt<double>, opt<std::string>, opt<std::string>, opt<bytea>, opt<numeric>, opt<numeric>,
               opt<timestamptz>, opt<timestamp>, opt<date>, opt<interval>, opt<uuid>, opt<json>, opt<jsonb>, opt<mood>,
               opt_array<std::int32_t>, opt_array<std::string>, opt_array<std::string>, opt_array<numeric>,
               opt_array<timestamptz>, opt_array<mood>, opt_array<uuid>, opt_array<bool>, opt_array<bytea>,
               opt_array<date>, opt_array<interval>, opt_array<jsonb>, opt_array<json>, opt_array<double>,
               opt_array<float>, opt_array<std::int64_t>, opt_array<std::int16_t>, opt_array<timestamp>,
               opt_array<std::optional<std::string>>>;

const std::vector<std::string> kColumns = {
    "id",  "b",   "i2",   "i4",  "i8",   "f4",   "f8",   "t",    "vc",   "by",   "num",   "num_s",  "tstz",
    "ts",  "d",   "iv",   "u",   "js",   "jb",   "m",    "a_i4", "a_t",  "a_vc", "a_num", "a_tstz", "a_m",
    "a_u", "a_b", "a_by", "a_d", "a_iv", "a_jb", "a_js", "a_f8", "a_f4", "a_i8", "a_i2",  "a_ts",   "a_nt"};

constexpr const char* kCreateEverything = R"(
CREATE TABLE everything (
    id integer PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
    t text, vc varchar(200), "by" bytea, num numeric, num_s numeric(20,6), tstz timestamptz, ts timestamp,
    d date, iv interval, u uuid, js json, jb jsonb, m mood,
    a_i4 integer[], a_t text[], a_vc varchar(10)[], a_num numeric[], a_tstz timestamptz[], a_m mood[],
    a_u uuid[], a_b boolean[], a_by bytea[], a_d date[], a_iv interval[], a_jb jsonb[], a_js json[],
    a_f8 double precision[], a_f4 real[], a_i8 bigint[], a_i2 smallint[], a_ts timestamp[], a_nt text[]);
CREATE TABLE everything_params (LIKE everything INCLUDING ALL);
)";

std::string column_list() {
    std::string s;
    for (const auto& c : kColumns) s += (s.empty() ? "" : ", ") + detail::pq::quote_identifier(c);
    return s;
}

numeric num(std::string_view text) {
    return *numeric::parse(text);
}
uuid uid(std::string_view text) {
    return *uuid::parse(text);
}
bytea bytes(std::initializer_list<int> values) {
    bytea out;
    for (int v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

const timestamptz kLeap = sys_days{2024y / 2 / 29} + 23h + 59min + 59s + 999999us;
const std::string kWorld = "Zürich ☀ 東京";

std::vector<everything> sample_rows() {
    everything full{1,
                    true,
                    std::int16_t{-32768},
                    INT32_MIN,
                    INT64_MAX,
                    1.25f,
                    -1e300,
                    kWorld,
                    std::string("varchar ✓"),
                    bytes({0, 1, 0, 255, 0}),
                    num("-12345678901234567890.000123"),
                    num("12345678901234.123456"),
                    kLeap,
                    timestamp(local_days{1999y / 12 / 31} + 23h + 59min + 59s + 500000us),
                    date(sys_days{1y / 1 / 1}),
                    interval{-11045000006, -2, -1},
                    uid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                    json{R"({"b":1,   "a": [true, null]})"},
                    jsonb{R"({"a": "ü☀", "b": [1, 2]})"},
                    mood::awkward,
                    std::vector<std::int32_t>{1, -2, INT32_MAX},
                    std::vector<std::string>{"x", "", kWorld, R"(with "quote" and \ and ,{})", "NULL"},
                    std::vector<std::string>{"short", "ü"},
                    std::vector<numeric>{num("1.5"), num("-0.000001"), num("NaN"), num("-Infinity")},
                    std::vector<timestamptz>{timestamptz::max(), timestamptz::min(), timestamptz{}},
                    std::vector<mood>{mood::sad, mood::awkward, mood::ok},
                    std::vector<uuid>{uid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), uuid{}},
                    std::vector<bool>{true, false},
                    std::vector<bytea>{bytea{}, bytes({0})},
                    std::vector<date>{date(sys_days{9999y / 12 / 31}), date::max(), date::min()},
                    std::vector<interval>{interval{1, 2, 3}},
                    std::vector<jsonb>{jsonb{"[]"}, jsonb{R"({"k": null})"}},
                    std::vector<json>{json{" 1 "}},
                    std::vector<double>{0.1, -2.5e-300},
                    std::vector<float>{3.5f},
                    std::vector<std::int64_t>{INT64_MIN},
                    std::vector<std::int16_t>{7},
                    std::vector<timestamp>{timestamp::max()},
                    std::vector<std::optional<std::string>>{"a", std::nullopt, ""}};

    everything nulls{};
    std::get<0>(nulls) = 2;

    everything edges{3,
                     false,
                     std::int16_t{32767},
                     0,
                     INT64_MIN,
                     -0.0f,
                     HUGE_VAL,
                     std::string(),
                     std::string(),
                     bytea{},
                     num("0.00"),
                     num("-0.000001"),
                     timestamptz::min(),
                     timestamp::max(),
                     date::max(),
                     interval{},
                     uuid{},
                     json{"null"},
                     jsonb{"[]"},
                     mood::sad,
                     std::vector<std::int32_t>{},
                     std::vector<std::string>{},
                     std::vector<std::string>{},
                     std::vector<numeric>{},
                     std::vector<timestamptz>{},
                     std::vector<mood>{},
                     std::vector<uuid>{},
                     std::vector<bool>{},
                     std::vector<bytea>{},
                     std::vector<date>{},
                     std::vector<interval>{},
                     std::vector<jsonb>{},
                     std::vector<json>{},
                     std::vector<double>{},
                     std::vector<float>{},
                     std::vector<std::int64_t>{},
                     std::vector<std::int16_t>{},
                     std::vector<timestamp>{},
                     std::vector<std::optional<std::string>>{}};

    everything far = nulls;
    std::get<0>(far) = 4;
    std::get<11>(far) = num("99999999999999.999999");
    std::get<12>(far) = timestamptz::max();
    std::get<13>(far) = timestamp::min();
    std::get<14>(far) = date(sys_days{9999y / 12 / 31});
    std::get<15>(far) = interval{INT64_MAX, INT32_MIN, INT32_MAX};
    std::get<6>(far) = -HUGE_VAL;
    std::get<10>(far) = num("Infinity");
    return {full, nulls, edges, far};
}

// Column by column, so that a failure names the column.
template <std::size_t... I>
void compare_rows(const std::vector<everything>& expected, const std::vector<everything>& actual,
                  std::index_sequence<I...>) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t r = 0; r < expected.size(); ++r) {
        auto one = [&](std::size_t column, bool same) {
            INFO("row id " << std::get<0>(expected[r]) << ", column " << kColumns[column]);
            CHECK(same);
        };
        (one(I, std::get<I>(expected[r]) == std::get<I>(actual[r])), ...);
    }
}

void compare_rows(const std::vector<everything>& expected, const std::vector<everything>& actual) {
    compare_rows(expected, actual, std::make_index_sequence<std::tuple_size_v<everything>>{});
}

template <class Tuple>
struct typed;
template <class... T>
struct typed<std::tuple<T...>> {
    static std::vector<std::tuple<T...>> all(const result& r) { return r.template rows<T...>(); }
    static std::vector<std::tuple<T...>> streamed(row_stream& s) {
        std::vector<std::tuple<T...>> out;
        while (s.next()) out.push_back(s.template row<T...>());
        return out;
    }
};

void copy_rows(pqxx::dbtransaction& tx, const std::string& table, const std::vector<everything>& rows) {
    copy_writer copy(tx, "public", table, kColumns);
    for (const auto& row : rows) copy.write_tuple(row);
    CHECK(copy.complete() == rows.size());
}

void insert_rows(pqxx::dbtransaction& tx, const std::string& table, const std::vector<everything>& rows) {
    std::string sql = "INSERT INTO " + table + " (" + column_list() + ") VALUES (";
    for (std::size_t i = 0; i < kColumns.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(i + 1);
    sql += ")";
    for (const auto& row : rows) {
        auto r = std::apply([&](const auto&... v) { return exec_prepared(tx, sql, v...); }, row);
        CHECK(r.affected_rows() == 1);
    }
}

std::string server_text(pqxx::dbtransaction& tx, const std::string& expression, int id,
                        const std::string& table = "everything") {
    auto r = hyperschema::detail::pqxx_bridge::exec(
        tx, "SELECT (" + expression + ")::text FROM " + table + " WHERE id = $1", id);
    return r[0][0].is_null() ? "<NULL>" : r[0][0].c_str();
}

}  // namespace

TEST_CASE("every type round-trips through COPY, parameters, queries and the stream", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_roundtrip"));
    types_test::run_sql(conn, types_test::kCreateMood);
    types_test::run_sql(conn, kCreateEverything);
    const auto rows = sample_rows();
    {
        pqxx::work tx(conn);
        copy_rows(tx, "everything", rows);
        insert_rows(tx, "everything_params", rows);
        tx.commit();
    }
    for (std::string table : {"everything", "everything_params"}) {
        DYNAMIC_SECTION("written into " << table) {
            pqxx::work tx(conn);
            // Binary values do not depend on the session's time zone.
            tx.exec("SET TIME ZONE 'America/St_Johns'");
            const std::string select = "SELECT " + column_list() + " FROM " + table + " ORDER BY id";
            SECTION("read with a prepared statement") {
                compare_rows(rows, typed<everything>::all(exec_prepared(tx, select)));
            }
            SECTION("read with an unnamed statement") {
                compare_rows(rows, typed<everything>::all(exec(tx, select)));
            }
            SECTION("read with the stream, one row per batch") {
                row_stream stream(tx, select);
                stream.set_batch_rows(1);
                compare_rows(rows, typed<everything>::streamed(stream));
            }
            SECTION("read with the stream, default batches") {
                row_stream stream(tx, select);
                compare_rows(rows, typed<everything>::streamed(stream));
            }
            SECTION("the server sees the values written") {
                CHECK(server_text(tx, "num", 1, table) == "-12345678901234567890.000123");
                CHECK(server_text(tx, "num_s", 1, table) == "12345678901234.123456");
                CHECK(server_text(tx, "tstz", 1, table) == "2024-02-29 20:29:59.999999-03:30");
                CHECK(server_text(tx, "tstz = '2024-02-29 23:59:59.999999+00'", 1, table) == "true");
                CHECK(server_text(tx, "ts", 1, table) == "1999-12-31 23:59:59.5");
                CHECK(server_text(tx, "iv", 1, table) == "-1 mons -2 days -03:04:05.000006");
                CHECK(server_text(tx, "d", 1, table) == "0001-01-01");
                CHECK(server_text(tx, "d", 4, table) == "9999-12-31");
                CHECK(server_text(tx, "d", 3, table) == "infinity");
                CHECK(server_text(tx, "tstz", 3, table) == "-infinity");
                CHECK(server_text(tx, "tstz", 4, table) == "infinity");
                CHECK(server_text(tx, "ts", 3, table) == "infinity");
                CHECK(server_text(tx, "t", 1, table) == kWorld);
                CHECK(server_text(tx, "length(t)", 1, table) == "11");
                CHECK(server_text(tx, "t = '' AND t IS NOT NULL", 3, table) == "true");
                CHECK(server_text(tx, "t IS NULL", 2, table) == "true");
                CHECK(server_text(tx, "vc", 1, table) == "varchar ✓");
                CHECK(server_text(tx, "encode(\"by\", 'hex')", 1, table) == "000100ff00");
                CHECK(server_text(tx, "octet_length(\"by\")", 3, table) == "0");
                CHECK(server_text(tx, "js", 1, table) == R"({"b":1,   "a": [true, null]})");
                CHECK(server_text(tx, "jb", 1, table) == R"({"a": "ü☀", "b": [1, 2]})");
                CHECK(server_text(tx, "jb ->> 'a'", 1, table) == "ü☀");
                CHECK(server_text(tx, "m", 1, table) == R"(so-so, "really" {\})");
                CHECK(server_text(tx, "a_m", 1, table) == R"({sad,"so-so, \"really\" {\\}",ok})");
                CHECK(server_text(tx, "pg_typeof(a_vc)", 1, table) == "character varying[]");
                CHECK(server_text(tx, "a_vc", 1, table) == "{short,ü}");
                CHECK(server_text(tx, "a_t", 1, table) ==
                      R"({x,"","Zürich ☀ 東京","with \"quote\" and \\ and ,{}","NULL"})");
                CHECK(server_text(tx, "a_nt", 1, table) == R"({a,NULL,""})");
                CHECK(server_text(tx, "a_num", 1, table) == "{1.5,-0.000001,NaN,-Infinity}");
                CHECK(server_text(tx, "a_tstz[3]", 1, table) == "1969-12-31 20:30:00-03:30");
                CHECK(server_text(tx, "a_d", 1, table) == "{9999-12-31,infinity,-infinity}");
                CHECK(server_text(tx, "a_i4", 3, table) == "{}");
                CHECK(server_text(tx, "cardinality(a_i4)", 3, table) == "0");
                CHECK(server_text(tx, "u", 1, table) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
                CHECK(server_text(tx, "i8", 1, table) == "9223372036854775807");
                CHECK(server_text(tx, "f8", 3, table) == "Infinity");
                CHECK(server_text(tx, "num", 4, table) == "Infinity");
                CHECK(server_text(tx, "iv", 4, table) ==
                      "178956970 years 7 mons -2147483648 days +2562047788:00:54.775807");
            }
        }
    }
}

TEST_CASE("values the server parses from SQL literals decode to the expected C++ values", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_literals"));
    types_test::run_sql(conn, types_test::kCreateMood);
    pqxx::work tx(conn);
    tx.exec("SET TIME ZONE 'Asia/Kolkata'");
    auto r = exec(tx,
                  "SELECT '-12345678901234567890.000123'::numeric, '2024-02-29 23:59:59.999999+00'::timestamptz, "
                  "'-1 mon -2 days -03:04:05.000006'::interval, '0001-01-01'::date, '9999-12-31'::date, "
                  "'infinity'::date, '-infinity'::timestamptz, 'Zürich ☀ 東京'::text, '\\x000100ff00'::bytea, "
                  "'{\"a\": \"ü☀\"}'::jsonb, 'NaN'::numeric, '-Infinity'::numeric, "
                  "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, '{1,NULL,3}'::int[], 'happy'::mood, "
                  "'{sad,ok}'::mood[], '1.50'::numeric(5,2), 'Infinity'::float8, '2000-01-01 00:00'::timestamp, "
                  "''::varchar, NULL::text, '{}'::text[], '[2:3]={7,8}'::int[]");
    auto [n, ts, iv, d1, d2, d3, ts_inf, text, by, jb, nan, minf, u, ints, m, moods, n2, f, local, empty, null, none,
          shifted] =
        r.row<numeric, timestamptz, interval, date, date, date, timestamptz, std::string, bytea, jsonb, numeric,
              numeric, uuid, std::vector<std::optional<std::int32_t>>, mood, std::vector<mood>, numeric, double,
              timestamp, std::string, std::optional<std::string>, std::vector<std::string>, std::vector<std::int32_t>>(
            0);
    CHECK(n.to_string() == "-12345678901234567890.000123");
    CHECK(ts == kLeap);
    CHECK(iv == interval{-11045000006, -2, -1});
    CHECK(d1 == sys_days{1y / 1 / 1});
    CHECK(d2 == sys_days{9999y / 12 / 31});
    CHECK(d3 == date::max());
    CHECK(ts_inf == timestamptz::min());
    CHECK(text == kWorld);
    CHECK(by == bytes({0, 1, 0, 255, 0}));
    CHECK(jb.text == R"({"a": "ü☀"})");
    CHECK(nan.is_nan());
    CHECK(minf.to_string() == "-Infinity");
    CHECK(u.to_string() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK(ints == std::vector<std::optional<std::int32_t>>{1, std::nullopt, 3});
    CHECK(m == mood::happy);
    CHECK(moods == std::vector<mood>{mood::sad, mood::ok});
    CHECK(n2.to_string() == "1.50");
    CHECK(n2.to_scaled(2) == 150);
    CHECK(std::isinf(f));
    CHECK(local == timestamp(local_days{2000y / 1 / 1}));
    CHECK(empty.empty());
    CHECK_FALSE(null.has_value());
    CHECK(none.empty());
    CHECK(shifted == std::vector<std::int32_t>{7, 8});
}

TEST_CASE("NaN floating-point values survive the round trip", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_nan"));
    types_test::run_sql(conn, "CREATE TABLE f (id int, r real, d double precision)");
    pqxx::work tx(conn);
    {
        copy_writer copy(tx, "", "f", {"id", "r", "d"});
        copy.write_row(1, std::nanf(""), std::nan(""));
        copy.complete();
    }
    exec_prepared(tx, "INSERT INTO f VALUES (2, $1, $2)", std::nanf(""), std::nan(""));
    auto rows =
        exec(tx, "SELECT r, d, r::text, d::text FROM f ORDER BY id").rows<float, double, std::string, std::string>();
    REQUIRE(rows.size() == 2);
    for (const auto& [r, d, rt, dt] : rows) {
        CHECK(std::isnan(r));
        CHECK(std::isnan(d));
        CHECK(rt == "NaN");
        CHECK(dt == "NaN");
    }
}

TEST_CASE("reading a column as the wrong type is refused", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_mismatch"));
    pqxx::work tx(conn);
    auto r = exec(tx, "SELECT 1::int4, 'x'::text, NULL::int4, '{{1},{2}}'::int[]");
    CHECK_THROWS_WITH(r.get<float>(0, 0), Catch::Contains("cannot be read as real"));
    CHECK_THROWS_WITH(r.get<std::int64_t>(0, 0), Catch::Contains("cannot be read as bigint"));
    CHECK_THROWS_WITH(r.get<std::int32_t>(0, 1), Catch::Contains("cannot be read as integer"));
    CHECK_THROWS_WITH(r.get<std::int32_t>(0, 2), Catch::Contains("use std::optional"));
    CHECK(r.get<std::optional<std::int32_t>>(0, 2) == std::nullopt);
    CHECK_THROWS_WITH(r.get<std::vector<std::int32_t>>(0, 3), Catch::Contains("2-dimensional"));
    CHECK_THROWS_AS((r.row<std::int32_t, std::string>(0)), error);  // four columns, not two
    CHECK_THROWS_AS(r.get<std::int32_t>(1, 0), error);
    CHECK(r.get<std::int32_t>(0, 0) == 1);
}

TEST_CASE("numerics at PostgreSQL's limits round-trip through the server", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_numeric_limits"));
    pqxx::work tx(conn);
    const std::vector<std::string> texts = {"-" + std::string(131072, '7') + "." + std::string(16383, '3'),
                                            "0." + std::string(16382, '0') + "1", "1" + std::string(1000, '0'),
                                            "-0.000000000000000000000000000001", "99999999999999999999.99999999"};
    for (const auto& text : texts) {
        INFO(text.substr(0, 40) << "... (" << text.size() << " characters)");
        auto n = *numeric::parse(text);
        // Sent in binary, compared by the server with its own parse of the text.
        auto [same, back, printed] =
            exec(tx, "SELECT $1 = $2::text::numeric, $1, $1::text", n, text).row<bool, numeric, std::string>(0);
        CHECK(same);
        CHECK(back == n);
        CHECK(printed == text);
    }
}

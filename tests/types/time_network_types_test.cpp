// char(n), time, timetz, inet, cidr, macaddr and macaddr8 through a real
// PostgreSQL and back: written with binary COPY and with bound parameters,
// read in binary, and compared with what the server prints for them.

#include "support/catch.hpp"

#include "hyperschema/copy.hpp"
#include "hyperschema/query.hpp"
#include "hyperschema/stream.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;
using namespace std::chrono;

namespace {

using row_t = std::tuple<std::int32_t, std::string, time_of_day, timetz, inet, cidr, macaddr, macaddr8,
                         std::vector<time_of_day>, std::vector<inet>, std::optional<cidr>, std::optional<timetz>>;

const std::vector<std::string> kColumns = {"id",  "code", "opens",  "local_noon", "host",  "net",
                                           "mac", "eui",  "a_time", "a_inet",     "o_net", "o_tz"};

constexpr const char* kCreate = R"(
CREATE TABLE kinds (
    id integer PRIMARY KEY, code char(5), opens time(6), local_noon timetz, host inet, net cidr, mac macaddr,
    eui macaddr8, a_time time[], a_inet inet[], o_net cidr, o_tz timetz);
CREATE TABLE kinds_params (LIKE kinds INCLUDING ALL);
)";

std::vector<row_t> sample_rows() {
    return {
        {1,
         "EUR  ",
         time_of_day{8h + 30min + 15s + 123456us},
         timetz{12h, 2 * 3600},
         *inet::parse("192.168.0.5/24"),
         *cidr::parse("10.0.0.0/8"),
         *macaddr::parse("08:00:2b:01:02:03"),
         *macaddr8::parse("08:00:2b:01:02:03:04:05"),
         {time_of_day{}, time_of_day{24h}},
         {*inet::parse("::1"), *inet::parse("2001:db8::1/64")},
         cidr::parse("2001:db8::/32"),
         timetz{23h + 59min, -(9 * 3600 + 30 * 60)}},
        {2,
         "ab   ",
         time_of_day{24h},
         timetz{0h, 15 * 3600 + 59 * 60},
         *inet::parse("0.0.0.0/0"),
         *cidr::parse("0.0.0.0/0"),
         macaddr{},
         macaddr8::from(*macaddr::parse("08-00-2b-01-02-03")),
         {},
         {},
         std::nullopt,
         std::nullopt},
    };
}

std::string server_text(pqxx::dbtransaction& tx, const std::string& table, const std::string& expression, int id) {
    auto r = hyperschema::detail::pqxx_bridge::exec(
        tx, "SELECT (" + expression + ")::text FROM " + table + " WHERE id = $1", id);
    return r[0][0].is_null() ? "<NULL>" : r[0][0].c_str();
}

template <std::size_t... I>
void compare(const std::vector<row_t>& expected, const std::vector<row_t>& actual, std::index_sequence<I...>) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t r = 0; r < expected.size(); ++r) {
        auto one = [&](std::size_t column, bool same) {
            INFO("row " << r << ", column " << kColumns[column]);
            CHECK(same);
        };
        (one(I, std::get<I>(expected[r]) == std::get<I>(actual[r])), ...);
    }
}

}  // namespace

TEST_CASE("char, time, timetz and the network types round-trip in binary", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_time_network"));
    types_test::run_sql(conn, kCreate);
    const auto rows = sample_rows();
    std::string columns, placeholders;
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        columns += (i ? ", " : "") + kColumns[i];
        placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    {
        pqxx::work tx(conn);
        copy_writer copy(tx, "public", "kinds", kColumns);
        for (const auto& row : rows) copy.write_tuple(row);
        CHECK(copy.complete() == rows.size());
        for (const auto& row : rows)
            std::apply(
                [&](const auto&... v) {
                    exec_prepared(tx, "INSERT INTO kinds_params (" + columns + ") VALUES (" + placeholders + ")", v...);
                },
                row);
        tx.commit();
    }
    for (std::string table : {"kinds", "kinds_params"}) {
        DYNAMIC_SECTION("written into " << table) {
            pqxx::work tx(conn);
            tx.exec("SET TIME ZONE 'America/St_Johns'");  // binary timetz keeps its own offset
            const std::string select = "SELECT " + columns + " FROM " + table + " ORDER BY id";
            auto read =
                std::apply([&](auto... t) { return exec(tx, select).template rows<decltype(t)...>(); }, row_t{});
            compare(rows, read, std::make_index_sequence<std::tuple_size_v<row_t>>{});
            row_stream stream(tx, select);
            std::vector<row_t> streamed;
            while (stream.next())
                streamed.push_back(
                    std::apply([&](auto... t) { return stream.template row<decltype(t)...>(); }, row_t{}));
            compare(rows, streamed, std::make_index_sequence<std::tuple_size_v<row_t>>{});

            CHECK(server_text(tx, table, "code", 1) == "EUR");  // ::text drops char(n)'s padding
            CHECK(server_text(tx, table, "octet_length(code)", 1) == "5");
            CHECK(server_text(tx, table, "code = 'EUR'", 1) == "true");  // char(n) ignores trailing spaces
            CHECK(server_text(tx, table, "opens", 1) == "08:30:15.123456");
            CHECK(server_text(tx, table, "opens", 2) == "24:00:00");
            CHECK(server_text(tx, table, "local_noon", 1) == "12:00:00+02");
            CHECK(server_text(tx, table, "local_noon", 2) == "00:00:00+15:59");
            CHECK(server_text(tx, table, "o_tz", 1) == "23:59:00-09:30");
            CHECK(server_text(tx, table, "host", 1) == "192.168.0.5/24");
            CHECK(server_text(tx, table, "net", 1) == "10.0.0.0/8");
            CHECK(server_text(tx, table, "net", 2) == "0.0.0.0/0");
            CHECK(server_text(tx, table, "o_net", 1) == "2001:db8::/32");
            CHECK(server_text(tx, table, "a_inet", 1) == "{::1,2001:db8::1/64}");
            CHECK(server_text(tx, table, "a_time", 1) == "{00:00:00,24:00:00}");
            CHECK(server_text(tx, table, "mac", 1) == "08:00:2b:01:02:03");
            CHECK(server_text(tx, table, "eui", 1) == "08:00:2b:01:02:03:04:05");
            CHECK(server_text(tx, table, "eui", 2) == "08:00:2b:ff:fe:01:02:03");
            CHECK(server_text(tx, table, "host << '192.168.0.0/16'", 1) == "true");
        }
    }
}

TEST_CASE("values the server parses decode to the expected time and network values", "[db][roundtrip]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_time_network_literals"));
    pqxx::work tx(conn);
    auto [t, tz, host, net, mac, eui, nets] =
        exec(tx,
             "SELECT '4:05:06.5 PM'::time, '04:05:06-08'::timetz, '::ffff:1.2.3.4'::inet, '10.1'::cidr, "
             "'0800.2b01.0203'::macaddr, '08002b0102030405'::macaddr8, '{10/8,192.168.1}'::cidr[]")
            .row<time_of_day, timetz, inet, cidr, macaddr, macaddr8, std::vector<cidr>>(0);
    CHECK(t == time_of_day{16h + 5min + 6s + 500ms});
    CHECK(tz == timetz{4h + 5min + 6s, -8 * 3600});
    CHECK(host.to_string() == "::ffff:1.2.3.4");
    CHECK(host.family == ip_family::v6);
    CHECK(net.to_string() == "10.1.0.0/16");
    CHECK(mac.to_string() == "08:00:2b:01:02:03");
    CHECK(eui.to_string() == "08:00:2b:01:02:03:04:05");
    CHECK(nets == std::vector<cidr>{*cidr::parse("10.0.0.0/8"), *cidr::parse("192.168.1.0/24")});
    // A cidr column reads as inet too.
    CHECK(exec(tx, "SELECT '10.0.0.0/8'::cidr").get<inet>(0, 0).to_string() == "10.0.0.0/8");
}

TEST_CASE("invalid time and network values are refused before they are sent", "[roundtrip]") {
    byte_buffer out;
    CHECK_THROWS_WITH(pg_codec<time_of_day>::encode(time_of_day{24h + 1us}, out), Catch::Contains("24:00:00"));
    CHECK_THROWS_WITH(pg_codec<time_of_day>::encode(time_of_day{-1us}, out), Catch::Contains("24:00:00"));
    CHECK_THROWS_WITH(pg_codec<timetz>::encode(timetz{1h, 16 * 3600}, out), Catch::Contains("15:59"));
    cidr bad;
    bad.address = {10, 1, 0, 0};
    bad.prefix_length = 8;
    CHECK_THROWS_WITH(pg_codec<cidr>::encode(bad, out), Catch::Contains("bits set to the right"));
    CHECK_FALSE(cidr::parse("10.1.2.3/24"));
    CHECK(inet::parse("10.1.2.3/24"));
    CHECK_FALSE(inet::parse("10.1.2"));
    CHECK_FALSE(inet::parse("1.2.3.4/33"));
    CHECK_FALSE(macaddr::parse("08:00:2b:01:02"));
    CHECK_FALSE(macaddr::parse("08:00-2b:01:02:03"));
    CHECK(macaddr::parse("08002b010203"));
    CHECK(inet::parse("192.168.0.5/24")->to_string() == "192.168.0.5/24");
    CHECK(inet::parse("192.168.0.5")->to_string() == "192.168.0.5");
    CHECK(cidr::parse("2001:db8::/32")->to_string() == "2001:db8::/32");
    CHECK(out.empty());
}

// Strings that break naive quoting and escaping are stored and read back
// byte for byte, through binary COPY and through bound parameters; and
// identifiers that need quoting work as COPY targets.

#include "support/catch.hpp"

#include "hyperschema/copy.hpp"
#include "hyperschema/query.hpp"
#include "hyperschema/stream.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;

namespace {

std::vector<std::string> hostile_strings() {
    std::vector<std::string> v = {"",
                                  "'",
                                  "''",
                                  "\"",
                                  "\\",
                                  "\\\\",
                                  "'); DROP TABLE x; --",
                                  "\"); DROP TABLE x; --",
                                  "x'; DELETE FROM hostile WHERE 't' = 't",
                                  "$1",
                                  "$$ $$ $body$",
                                  "%s%n%x",
                                  "\\N",
                                  "\\.",
                                  "\\.\n",
                                  "E'\\x41'",
                                  "line1\nline2\r\nline3",
                                  "tab\there",
                                  "{a,b}",
                                  "{\"a\":\"b\"}",
                                  "NULL",
                                  " leading and trailing ",
                                  "ü☀東京𝄞",
                                  "\xef\xbb\xbf"
                                  "BOM"};
    std::string control;
    for (int c = 1; c < 32; ++c) control += static_cast<char>(c);
    control += '\x7f';
    v.push_back(control);
    // Every string above, run together (made before the large one, which
    // would make it 77 MiB and the test minutes long under ASan).
    std::string mixed;
    for (int i = 0; i < 2000; ++i) mixed += v[static_cast<std::size_t>(i) % v.size()];
    v.push_back(mixed);
    v.push_back(std::string(1 << 20, 'x') + "'\\\"");  // 1 MiB
    return v;
}

}  // namespace

TEST_CASE("hostile strings are stored and read back verbatim", "[db][hostile]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_hostile"));
    types_test::run_sql(conn,
                        "CREATE TABLE x (keep int); CREATE TABLE hostile (id int PRIMARY KEY, path text, "
                        "t text NOT NULL, vc varchar, arr text[], j jsonb)");
    const auto strings = hostile_strings();
    {
        pqxx::work tx(conn);
        copy_writer copy(tx, "public", "hostile", {"id", "path", "t", "vc", "arr"});
        int id = 0;
        for (const auto& s : strings)
            copy.write_row(++id, "copy", s, std::string_view(s), std::vector<std::string>{s, s});
        copy.complete();
        for (const auto& s : strings) {
            exec_prepared(tx, "INSERT INTO hostile (id, path, t, vc, arr) VALUES ($1, 'prepared', $2, $3, $4)", ++id, s,
                          s, std::vector<std::string>{s, s});
            exec(tx, "INSERT INTO hostile (id, path, t, vc, arr) VALUES ($1, 'unnamed', $2, $3, $4)", 10000 + id,
                 s.c_str(), std::string_view(s), std::vector<std::string>{s, s});
        }
        // jsonb built by the server from a parameter: the text is data, never SQL.
        for (const auto& s : strings)
            exec_prepared(tx, "UPDATE hostile SET j = jsonb_build_object('s', $1::text) WHERE t = $1", s);
        tx.commit();
    }
    pqxx::work tx(conn);
    CHECK(exec(tx, "SELECT count(*) FROM x").get<std::int64_t>(0, 0) == 0);  // table x is still there
    for (const std::string path : {"copy", "prepared", "unnamed"}) {
        for (const auto& s : strings) {
            INFO(path << ": string of " << s.size() << " bytes starting " << s.substr(0, 40));
            auto r = exec_prepared(
                tx, "SELECT t, vc, arr, octet_length(t), j ->> 's' FROM hostile WHERE path = $1 AND t = $2", path, s);
            REQUIRE(r.size() == 1);
            auto [t, vc, arr, length, from_json] =
                r.row<std::string, std::string, std::vector<std::string>, std::int32_t, std::string>(0);
            CHECK(t == s);
            CHECK(vc == s);
            CHECK(arr == std::vector<std::string>{s, s});
            CHECK(static_cast<std::size_t>(length) == s.size());
            CHECK(from_json == s);
        }
        row_stream stream(tx, "SELECT t FROM hostile WHERE path = $1 ORDER BY id", path);
        stream.set_batch_rows(7);
        std::vector<std::string> streamed;
        while (stream.next()) streamed.push_back(stream.get<std::string>(0));
        CHECK(streamed == strings);
    }
}

TEST_CASE("hostile enum labels travel as parameters and through COPY", "[db][hostile]") {
    using types_test::mood;
    auto conn = hyperschema::connect(types_test::fresh_database("types_hostile_enum"));
    types_test::run_sql(conn, types_test::kCreateMood);
    types_test::run_sql(conn, "CREATE TABLE moods (id int, m mood, ms mood[])");
    pqxx::work tx(conn);
    const std::vector<mood> all = {mood::awkward, mood::sad, mood::awkward};
    {
        copy_writer copy(tx, "", "moods", {"id", "m", "ms"});
        copy.write_row(1, mood::awkward, all);
        copy.complete();
    }
    exec_prepared(tx, "INSERT INTO moods VALUES ($1, $2, $3)", 2, mood::awkward, all);
    exec_prepared(tx, "INSERT INTO moods VALUES ($1, $2, $3)", 3, std::optional<mood>{},
                  std::optional<std::vector<mood>>{});
    auto r = exec_prepared(tx, "SELECT id FROM moods WHERE m = $1 AND $2 = ms ORDER BY id", mood::awkward, all);
    CHECK(r.rows<std::int32_t>() == std::vector<std::tuple<std::int32_t>>{{1}, {2}});
    // Where the statement gives no type, a cast does.
    CHECK(exec(tx, "SELECT $1::mood", mood::awkward).get<mood>(0, 0) == mood::awkward);
    CHECK(exec(tx, "SELECT $1::mood[]", all).get<std::vector<mood>>(0, 0) == all);
    CHECK(exec(tx, "SELECT m, ms FROM moods WHERE id = 3")
              .row<std::optional<mood>, std::optional<std::vector<mood>>>(0) ==
          std::tuple<std::optional<mood>, std::optional<std::vector<mood>>>{});
}

TEST_CASE("COPY quotes table and column names", "[db][hostile]") {
    auto conn = hyperschema::connect(types_test::fresh_database("types_identifiers"));
    types_test::run_sql(conn, R"(CREATE SCHEMA "Odd ""Schema"""; CREATE TABLE "Odd ""Schema"""."we""ird ta'ble" )"
                              R"(("co""l; --" text, "select" int, "Üñí" text))");
    pqxx::work tx(conn);
    {
        copy_writer copy(tx, "Odd \"Schema\"", "we\"ird ta'ble", {"co\"l; --", "select", "Üñí"});
        copy.write_row(std::string("a"), 1, std::string("b"));
        CHECK(copy.complete() == 1);
    }
    auto r = exec(tx, R"(SELECT "co""l; --", "select", "Üñí" FROM "Odd ""Schema"""."we""ird ta'ble")");
    CHECK((r.row<std::string, std::int32_t, std::string>(0)) ==
          std::tuple<std::string, std::int32_t, std::string>{"a", 1, "b"});
    CHECK(detail::pq::quote_identifier("a\"b") == "\"a\"\"b\"");
    CHECK_THROWS_AS(detail::pq::quote_identifier(""), error);
    CHECK_THROWS_AS(detail::pq::quote_identifier(std::string_view("a\0b", 3)), error);
}

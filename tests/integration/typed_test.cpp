// The generated typed headers against a real database: every helper of a
// table and an aggregate, with the seed schemas' headers compiled here with
// -Werror.

#include "support/catch.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "aetherlens/schema.hpp"
#include "all_types/migrations.hpp"
#include "all_types/schema.hpp"
#include "forecast/schema.hpp"
#include "gridpulse/schema.hpp"
#include "heatpump/migrations.hpp"
#include "heatpump/schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;
using namespace std::chrono;

namespace {

timestamptz at(int day, int hour, int minute = 0) {
    return timestamptz{sys_days{year{2024} / March / day}} + hours{hour} + minutes{minute};
}

std::vector<heatpump::readings::row> day_of_readings(const std::string& device, double kwh_per_hour) {
    std::vector<heatpump::readings::row> rows;
    for (int quarter = 0; quarter < 96; ++quarter) {
        heatpump::readings::row r;
        r.time = at(1, 0) + minutes{15 * quarter};
        r.device_id = device;
        r.power_w = static_cast<float>(kwh_per_hour * 1000);
        r.energy_total_kwh = kwh_per_hour * quarter / 4.0;
        if (quarter % 2 == 0) r.flow_temp_c = 35.5f;
        rows.push_back(r);
    }
    return rows;
}

}  // namespace

TEST_CASE("typed helpers: insert, upsert, find, insert_many, range, stream, latest, bucket range, refresh",
          "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, heatpump::migrations());
    namespace hp = heatpump;
    {
        pqxx::work tx(conn);
        hp::devices::row d{"hp-1",  "Kitchen", std::nullopt, numeric::parse("7.50"), date{year{2020} / May / 4},
                           at(1, 0)};
        hp::devices::insert(tx, d);
        CHECK(hp::devices::find(tx, "hp-1") == d);
        CHECK_FALSE(hp::devices::find(tx, "nope"));
        d.name = "Kitchen heat pump";
        CHECK(hp::devices::upsert(tx, d, on_conflict::do_nothing) == 0);
        CHECK(hp::devices::find(tx, "hp-1")->name == "Kitchen");
        CHECK(hp::devices::upsert(tx, d) == 1);
        CHECK(hp::devices::find(tx, "hp-1") == d);
        hp::devices::insert(tx, {"hp-2", "Garage", "north", std::nullopt, std::nullopt, at(1, 0)});
        CHECK(hp::readings::insert_many(tx, day_of_readings("hp-1", 1.0)) == 96);
        CHECK(hp::readings::insert_many(tx, day_of_readings("hp-2", 2.0)) == 96);
        tx.commit();
    }
    {
        pqxx::work tx(conn);
        auto all = hp::readings::range(tx, at(1, 0), at(2, 0));
        REQUIRE(all.size() == 192);
        CHECK(all.front().time == at(1, 0));
        CHECK(day_of_readings("hp-1", 1.0)[5] ==
              hp::readings::range(tx, at(1, 1, 15), at(1, 1, 16), {.device_id = "hp-1"}).at(0));
        auto newest =
            hp::readings::range(tx, at(1, 0), at(2, 0), {.device_id = "hp-2"}, {.descending = true, .limit = 3});
        REQUIRE(newest.size() == 3);
        CHECK(newest[0].time == at(1, 23, 45));
        CHECK(newest[2].time == at(1, 23, 15));
        std::uint64_t seen = 0;
        double sum = 0;
        CHECK(hp::readings::for_each_in_range(tx, at(1, 6), at(1, 12), {}, [&](const hp::readings::row& r) {
                  ++seen;
                  sum += r.energy_total_kwh;
              }) == 48);
        CHECK(seen == 48);
        auto latest = hp::readings::latest(tx, at(1, 0), at(1, 12));
        REQUIRE(latest.size() == 2);
        CHECK(latest[0].device_id == "hp-1");
        CHECK(latest[0].time == at(1, 11, 45));
        CHECK(latest[1].device_id == "hp-2");
    }
    hp::energy_hourly::refresh(conn, at(1, 0), at(2, 0));
    {
        pqxx::work tx(conn);
        auto hours = hp::energy_hourly::range(tx, at(1, 0), at(2, 0), {.device_id = "hp-2"});
        REQUIRE(hours.size() == 24);
        CHECK(hours[3].bucket == at(1, 3));
        CHECK(hours[3].device_id == "hp-2");
        CHECK(hours[3].samples == 4);
        REQUIRE(hours[3].avg_power_w);
        CHECK(*hours[3].avg_power_w == Approx(2000.0));
    }
}

// ---- every mapped type through the generated helpers -----------------------

namespace {

namespace types = all_types;

const std::string kHostile = "'); DROP TABLE samples; -- \\ \" $1 %s \t\n\r ü 東京 ☀";

types::samples::row edge_row(std::int64_t id) {
    types::samples::row r;
    r.time = timestamptz{sys_days{year{2024} / February / 29}} + hours{23} + minutes{59} + seconds{59} +
             microseconds{999999};
    r.id = id;
    r.label = kHostile;
    r.small = std::numeric_limits<std::int16_t>::min();
    r.medium = std::numeric_limits<std::int32_t>::max();
    r.ratio = -1.5e-30f;
    r.precise = 1.7976931348623157e308;
    r.amount = *numeric::parse("-12345678901234.123456");
    r.free_amount = *numeric::parse("0.000000000000000000000000000001");
    r.code = "Zürich ☀";
    r.flag = true;
    r.local_time = hyperschema::timestamp{local_days{year{1999} / December / 31}} + hours{23} + minutes{59};
    r.day = sys_days{year{1} / January / 1};
    r.span = hyperschema::interval{-(3 * 3600 + 4 * 60 + 5) * 1'000'000LL - 6, -2, -1};
    r.key = *uuid::parse("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
    r.doc = jsonb{R"({"a": 1, "b": ["ü", null], "c": "'; --"})"};
    r.raw_doc = json{R"({ "kept" :  "as written" })"};
    r.payload = {std::byte{0}, std::byte{255}, std::byte{'\''}, std::byte{'\\'}};
    r.mood = types::mood::in_progress;
    r.tags = {"a,b", "\"quoted\"", "NULL", "", kHostile};
    r.readings = {1.5, -0.0, 1e-300};
    r.moods = {types::mood::class_, types::mood::v_2fa, types::mood::calm};
    r.currency = "EU ";  // char(3): padded to three characters, as the server returns it
    r.opens = time_of_day{hours{8} + minutes{30} + microseconds{123000}};
    r.local_noon = timetz{hours{12}, -(3 * 3600 + 30 * 60)};
    r.host = *inet::parse("2001:db8::5/64");
    r.network = *cidr::parse("192.168.0.0/16");
    r.mac = *macaddr::parse("08:00:2b:01:02:03");
    r.eui = *macaddr8::parse("08:00:2b:01:02:03:04:05");
    r.hosts = {*inet::parse("10.0.0.1"), *inet::parse("::1")};
    return r;
}

}  // namespace

TEST_CASE("typed helpers round-trip every mapped type, NULLs and hostile strings verbatim", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("all_types");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    {
        // The generated expected schema, with its function body and trigger
        // as the generated code spells them, matches the database.
        VerifyReport report = verify(conn, all_types::expected_schema());
        INFO(report.text());
        CHECK(report.ok());
    }

    types::samples::row a = edge_row(1);
    types::samples::row b = edge_row(2);
    b.time = a.time + days{400};
    b.label = "second";
    b.day = date::max();  // PostgreSQL's 'infinity'
    b.span = hyperschema::interval{0, 0, 0};
    b.tags = {};
    b.maybe_label = "";  // empty, not NULL
    b.maybe_amount = numeric::parse("0.000001");
    b.maybe_day = sys_days{year{2000} / February / 29};
    b.maybe_key = uuid{};
    b.maybe_mood = types::mood::calm;
    b.maybe_tags = std::vector<std::string>{kHostile};
    b.maybe_opens = time_of_day{hours{24}};  // the end of the day, which PostgreSQL allows
    b.maybe_network = *cidr::parse("2001:db8::/32");
    types::samples::row c = edge_row(3);
    c.time = a.time - years{30};
    {
        pqxx::work tx(conn);
        types::samples::insert(tx, a);
        CHECK(types::samples::insert_many(tx, std::vector<types::samples::row>{b, c}) == 2);
        tx.commit();
    }
    pqxx::work tx(conn);
    CHECK(types::samples::find(tx, 1, a.time) == a);
    CHECK(types::samples::find(tx, 2, b.time) == b);
    const auto all = types::samples::range(tx, c.time, b.time + days{1});
    REQUIRE(all.size() == 3);
    CHECK(all[0] == c);
    CHECK(all[1] == a);
    CHECK(all[2] == b);
    std::vector<types::samples::row> streamed;
    types::samples::for_each_in_range(tx, c.time, b.time + days{1}, {},
                                      [&](const types::samples::row& r) { streamed.push_back(r); });
    CHECK(streamed == all);
    // Hostile text as a filter value and a primary-key value finds exactly its rows.
    CHECK(types::samples::range(tx, c.time, b.time + days{1}, {.label = kHostile}).size() == 2);
    CHECK(types::samples::range(tx, c.time, b.time + days{1}, {.label = "'' OR 1=1 --"}).empty());
    // The server holds the same values as its own text says.
    auto text = exec(
        tx,
        "SELECT label, tags[5], maybe_label IS NULL, day::text, span::text, amount::text FROM samples WHERE id = $1",
        std::int64_t{1});
    CHECK(text.get<std::string>(0, 0) == kHostile);
    CHECK(text.get<std::string>(0, 1) == kHostile);
    CHECK(text.get<bool>(0, 2));
    CHECK(text.get<std::string>(0, 3) == "0001-01-01");
    CHECK(text.get<std::string>(0, 4) == "-1 mons -2 days -03:04:05.000006");
    CHECK(text.get<std::string>(0, 5) == "-12345678901234.123456");
    CHECK(exec(tx, "SELECT day::text FROM samples WHERE id = 2").get<std::string>(0, 0) == "infinity");
    // upsert on the primary key replaces the other columns.
    a.label = "replaced";
    a.maybe_mood = types::mood::v_2fa;
    CHECK(types::samples::upsert(tx, a) == 1);
    CHECK(types::samples::find(tx, 1, a.time) == a);
    // all() and for_each() read every row, in primary-key order.
    CHECK(types::samples::all(tx) == std::vector<types::samples::row>{a, b, c});
    CHECK(types::samples::all(tx, 2) == std::vector<types::samples::row>{a, b});
    std::vector<std::int64_t> ids;
    CHECK(types::samples::for_each(tx, [&](const types::samples::row& r) { ids.push_back(r.id); }) == 3);
    CHECK(ids == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("typed helpers on integer time: ranges and refresh in the column's own units", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed_integer_time");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    static_assert(std::is_same_v<decltype(types::ticks::row::at), std::int64_t>);
    static_assert(types::ticks::time_column == "at");
    // Three hours of readings, a minute apart, from two sensors; epoch seconds.
    const std::int64_t start = 1'700'000'000 - 1'700'000'000 % 3600;
    std::vector<types::ticks::row> rows;
    for (std::int64_t minute = 0; minute < 180; ++minute)
        for (std::int32_t sensor : {1, 2}) rows.push_back({start + minute * 60, sensor, double(minute)});
    {
        pqxx::work tx(conn);
        CHECK(types::ticks::insert_many(tx, rows) == rows.size());
        tx.commit();
    }
    {
        pqxx::work tx(conn);
        // [start + 1 h, start + 2 h) of sensor 2: 60 rows, minutes 60 to 119.
        const auto hour = types::ticks::range(tx, start + 3600, start + 7200, {.sensor = 2});
        REQUIRE(hour.size() == 60);
        CHECK(hour.front() == types::ticks::row{start + 3600, 2, 60.0});
        CHECK(hour.back().at == start + 7200 - 60);
    }
    // The refresh window is in epoch seconds too; only the first two hours.
    types::ticks_hourly::refresh(conn, start, start + 7200);
    pqxx::work tx(conn);
    const auto hours = types::ticks_hourly::range(tx, start, start + 3 * 3600, {.sensor = 1});
    REQUIRE(hours.size() == 2);
    CHECK(hours[0].bucket == start);
    CHECK(hours[0].samples == 60);
    CHECK(hours[0].total == 59 * 60 / 2.0);  // minutes 0..59
    CHECK(hours[1].bucket == start + 3600);
    CHECK(exec(tx, "SELECT count(*) FROM ticks_hourly").get<std::int64_t>(0, 0) == 4);
}

TEST_CASE("typed helpers leave serial, identity and generated columns to the database", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed_assigned");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    static_assert(
        std::is_same_v<decltype(types::tickets::insert(std::declval<pqxx::work&>(), {})), types::tickets::row>);
    pqxx::work tx(conn);
    // Whatever the row holds there, the database numbers and computes.
    const types::tickets::row first = types::tickets::insert(tx, {999, 999, "first", 1250, {}});
    CHECK(first.ticket_id == 100);
    CHECK(first.batch == 1);
    CHECK(first.title == "first");
    CHECK(first.price == numeric::parse("12.50"));
    // COPY leaves them out too.
    CHECK(types::tickets::insert_many(
              tx, std::vector<types::tickets::row>{{0, 0, "second", 5, {}}, {0, 0, "third", 7, {}}}) == 2);
    const auto all = types::tickets::all(tx);
    REQUIRE(all.size() == 3);
    CHECK(all[1].ticket_id == 101);
    CHECK(all[2].batch == 3);
    CHECK(all[2].price == numeric::parse("0.07"));
    // A row written with its key keeps the key (OVERRIDING SYSTEM VALUE) and
    // updates the rest; the generated price follows.
    types::tickets::row changed = all[1];
    changed.price_cents = 300;
    CHECK(types::tickets::upsert(tx, changed) == 1);
    CHECK(types::tickets::find(tx, 101)->price == numeric::parse("3.00"));
    CHECK(types::tickets::upsert(tx, {7, 70, "seventh", 1, {}}) == 1);
    CHECK(types::tickets::find(tx, 7)->batch == 70);
    CHECK(types::tickets::upsert_on_tickets_title_key(tx, {0, 0, "seventh", 2, {}}) == 1);
    // A table of database-given values only.
    CHECK(types::tokens::insert(tx, {}).token_id == 1);
    CHECK(types::tokens::insert_many(tx, std::vector<types::tokens::row>(2)) == 2);
    CHECK(types::tokens::all(tx).back().token_id == 3);
    CHECK(types::tickets::find(tx, 7)->price_cents == 2);
}

TEST_CASE("typed helpers write and read citext, hstore and ltree", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed_extension_types");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    const hstore attrs{{"color", "red"}, {"note", std::nullopt}, {"quote \"and\" \\slash", "=> , \"x\""}};
    const types::places::row berlin{"Berlin", attrs, ltree{"europe.germany.berlin"}, hstore{}, std::nullopt};
    const types::places::row paris{"Paris", hstore{{"k", ""}}, ltree{"europe.france.paris"}, std::nullopt,
                                   ltree{"europe"}};
    {
        pqxx::work tx(conn);
        types::places::insert(tx, berlin);                                                   // text parameters
        CHECK(types::places::insert_many(tx, std::vector<types::places::row>{paris}) == 1);  // binary COPY
        tx.commit();
    }
    pqxx::work tx(conn);
    CHECK(types::places::find(tx, "berlin") == berlin);  // citext compares without case
    CHECK(types::places::find(tx, "PARIS") == paris);
    CHECK(exec(tx,
               "SELECT count(*) FROM places WHERE path <@ 'europe.germany' AND attrs -> 'color' = 'red' AND "
               "attrs ? 'note' AND (attrs -> 'note') IS NULL")
              .get<std::int64_t>(0, 0) == 1);
    CHECK(
        exec(tx, "SELECT attrs -> 'quote \"and\" \\slash' FROM places WHERE name = 'berlin'").get<std::string>(0, 0) ==
        "=> , \"x\"");
    CHECK(types::places::upsert(
              tx, {"BERLIN", hstore{{"color", "blue"}}, ltree{"europe.germany"}, std::nullopt, std::nullopt}) == 1);
    CHECK(types::places::find(tx, "Berlin")->attrs == hstore{{"color", "blue"}});
}

TEST_CASE("typed helpers read a view through its declared columns", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed_views");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    static_assert(types::sample_labels::kind == "view");
    static_assert(types::sample_labels::columns.size() == 7);
    static_assert(types::sample_labels::primary_key.empty());
    types::samples::row a = edge_row(1);
    types::samples::row b = edge_row(2);
    b.label = "second";
    b.maybe_label = std::string(kHostile);
    pqxx::work tx(conn);
    types::samples::insert_many(tx, std::vector<types::samples::row>{a, b});
    auto projected = [](const types::samples::row& r) {
        return types::sample_labels::row{r.id, r.time, r.label, r.maybe_label, r.mood, r.tags, r.amount};
    };
    auto rows = types::sample_labels::all(tx);
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    CHECK(rows == std::vector<types::sample_labels::row>{projected(a), projected(b)});
    CHECK(types::sample_labels::all(tx, 1).size() == 1);
    std::vector<types::sample_labels::row> streamed;
    CHECK(types::sample_labels::for_each(tx, [&](const types::sample_labels::row& r) { streamed.push_back(r); }) == 2);
    std::sort(streamed.begin(), streamed.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    CHECK(streamed == rows);
    // strict_labels declares maybe_label NOT NULL; row 1 holds a NULL there.
    REQUIRE_FALSE(a.maybe_label);
    CHECK_THROWS_WITH(types::strict_labels::all(tx), Catch::Contains("column \"maybe_label\" is NULL"));
}

TEST_CASE("typed helpers: a table named migrations, columns named std, hyperschema and row", "[timescaledb][typed]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("typed_names");
    auto conn = hyperschema::connect(pg.dsn(db));
    migrate(conn, {Migration{1, "init", read_text(HYPERSCHEMA_ALL_TYPES_SQL), "", ""}});
    static_assert(types::migrations_::name == "migrations");
    CHECK(types::expected_schema().name == "all_types");  // beside the table's namespace, not hidden by it
    pqxx::work tx(conn);
    const types::migrations_::row r{7, "std", 42, std::nullopt};
    types::migrations_::insert(tx, r);
    CHECK(types::migrations_::find(tx, 7) == r);
    CHECK(types::migrations_::all(tx) == std::vector<types::migrations_::row>{r});
}

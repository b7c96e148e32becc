// The generated typed headers against a real database: every helper of a
// table and an aggregate, with the seed schemas' headers compiled here with
// -Werror.

#include <catch2/catch.hpp>

#include <pqxx/pqxx>

#include "aetherlens/schema.hpp"
#include "forecast/schema.hpp"
#include "gridpulse/schema.hpp"
#include "heatpump/migrations.hpp"
#include "heatpump/schema.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"

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
    pqxx::connection conn(pg.dsn(db));
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

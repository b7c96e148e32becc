// The generated headers that embed each schema's migrations and expected
// state: they compile here with -Werror, carry exactly the files on disk, and
// migrate and verify a real database with no files at run time.

#include "support/catch.hpp"

#include <pqxx/pqxx>

#include "aetherlens/migrations.hpp"
#include "forecast/migrations.hpp"
#include "gridpulse/migrations.hpp"
#include "heatpump/migrations.hpp"
#include "hyperschema/hyperschema.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

struct Embedded {
    const char* name;
    const std::vector<Migration>& migrations;
    const ExpectedSchema& expected;
};

std::vector<Embedded> all_embedded() {
    return {{"aetherlens", aetherlens::migrations(), aetherlens::expected_schema()},
            {"forecast", forecast::migrations(), forecast::expected_schema()},
            {"gridpulse", gridpulse::migrations(), gridpulse::expected_schema()},
            {"heatpump", heatpump::migrations(), heatpump::expected_schema()}};
}

}  // namespace

TEST_CASE("embedded migrations are byte for byte the files on disk, with their checksums", "[pg][embedded]") {
    for (const auto& e : all_embedded()) {
        INFO("schema " << e.name);
        auto on_disk = load_migrations(source_path(std::string("generated/") + e.name + "/migrations"));
        REQUIRE(e.migrations.size() == on_disk.size());
        CHECK(e.expected.version == static_cast<int>(on_disk.size()));
        const std::string sums =
            read_text(source_path(std::string("generated/") + e.name + "/migrations/hyperschema.sum"));
        for (size_t i = 0; i < on_disk.size(); ++i) {
            CHECK(e.migrations[i].version == on_disk[i].version);
            CHECK(e.migrations[i].name == on_disk[i].name);
            CHECK(e.migrations[i].up == on_disk[i].up);
            CHECK(e.migrations[i].down == on_disk[i].down);
            CHECK(e.migrations[i].recorded_checksum == on_disk[i].checksum());
            CHECK(sums.find(e.migrations[i].recorded_checksum) != std::string::npos);
        }
    }
}

TEST_CASE("an embedded migration whose text no longer matches its checksum is refused", "[pg][embedded]") {
    std::vector<Migration> tampered = heatpump::migrations();
    tampered[1].up += "\n-- edited by hand\n";
    const std::string db = PgCluster::shared().create_database("embedded_tamper");
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    try {
        migrate(conn, tampered);
        FAIL("migrate should refuse");
    } catch (const history_error& e) {
        CHECK(std::string(e.what()).find("migration 0002_add_energy_hourly does not match the checksum recorded") !=
              std::string::npos);
    }
    pqxx::nontransaction n(conn);
    CHECK(n.exec("SELECT to_regclass('hyperschema.schema_migrations')")[0][0].is_null());
}

TEST_CASE("every schema migrates and verifies from its generated header alone", "[timescaledb][embedded]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    for (const auto& e : all_embedded()) {
        INFO("schema " << e.name);
        const std::string db = PgCluster::shared().create_database(std::string("embedded_") + e.name);
        auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
        CHECK(migrate(conn, e.migrations) == static_cast<int>(e.migrations.size()));
        VerifyReport report = verify(conn, e.expected);
        INFO(report.text());
        CHECK(report.ok());
    }
}

TEST_CASE("refresh_all materializes every aggregate, parents first, and a window refreshes only its buckets",
          "[timescaledb][embedded][refresh]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const std::string db = PgCluster::shared().create_database("refresh");
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    migrate(conn, heatpump::migrations());
    {
        pqxx::work w(conn);
        w.exec("INSERT INTO devices (device_id, name) VALUES ('hp-1', 'Heat pump 1')");
        // Two days of a meter counting 1 kWh per hour, one reading per 15 minutes.
        w.exec(
            "INSERT INTO readings (time, device_id, energy_total_kwh) "
            "SELECT t, 'hp-1', extract(epoch FROM t - '2024-03-01') / 3600 "
            "FROM generate_series('2024-03-01'::timestamptz, '2024-03-02 23:45', '15 minutes') t");
        w.commit();
    }
    auto count = [&](const char* sql) {
        pqxx::nontransaction n(conn);
        return n.exec(sql)[0][0].as<int>();
    };
    // energy_daily is materialized-only and built on energy_hourly.
    CHECK(count("SELECT count(*) FROM energy_daily") == 0);
    using namespace std::chrono;
    const auto day = sys_days{year{2024} / March / 1};
    refresh_continuous_aggregate(conn, "energy_hourly", {day, day + hours{24}});
    std::string materialized;
    {
        pqxx::nontransaction n(conn);
        materialized =
            n.exec(
                 "SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) "
                 "FROM timescaledb_information.continuous_aggregates WHERE view_name = 'energy_hourly'")[0][0]
                .c_str();
    }
    CHECK(count(("SELECT count(*) FROM " + materialized).c_str()) == 24);
    refresh_all(conn, heatpump::expected_schema());
    CHECK(count(("SELECT count(*) FROM " + materialized).c_str()) == 48);
    // Had energy_daily been refreshed before its parent, it would hold day 1 only.
    CHECK(count("SELECT count(*) FROM energy_daily") == 2);
    // Within each hour the meter moves 0.75 kWh between the first and last reading.
    CHECK(count("SELECT (sum(energy_kwh) * 100)::int FROM energy_daily") == 2 * 24 * 75);
}

// heatpump-monitor: the heat-pump energy monitor of the seeds, end to end.
//
// At start-up it brings its database to the schema it was built with (the
// migrations are compiled in), proves the database is that schema, then
// bulk-loads a synthetic day of meter readings for a fleet of heat pumps,
// refreshes the hourly aggregate and prints hourly energy per device.
//
//   heatpump-monitor [connection-string]     (default: the PG* environment)
//
// Exit codes: 0 ok, 1 the database refused (drift, a failed migration),
// 2 cannot connect, 3 TimescaleDB is not available.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <hyperschema/hyperschema.hpp>

#include "heatpump/migrations.hpp"
#include "heatpump/schema.hpp"

namespace hp = heatpump;
using namespace std::chrono;
using Clock = steady_clock;

namespace {

constexpr int kDevices = 60;
constexpr int kReadingsPerHour = 60;  // one per minute
const sys_days kDay = sys_days{year{2024} / January / 15};

double seconds_since(Clock::time_point start) {
    return duration<double>(Clock::now() - start).count();
}

bool timescaledb_available(hyperschema::connection& conn) {
    pqxx::nontransaction n(conn);
    return n.exec("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'")[0][0].as<int>() == 1 &&
           n.exec("SELECT current_setting('shared_preload_libraries') LIKE '%timescaledb%'")[0][0].as<bool>();
}

std::vector<hp::devices::row> fleet() {
    std::vector<hp::devices::row> out;
    const char* sites[] = {"Aarhus", "Bergen", "Cork", "Dresden", "Esbjerg"};
    for (int i = 0; i < kDevices; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "hp-%03d", i + 1);
        out.push_back({id, std::string("Heat pump ") + id, std::string(sites[i % 5]),
                       hyperschema::numeric::from_scaled(600 + 25 * (i % 9), 2), kDay - days{365 + 17 * i},
                       hyperschema::timestamptz{kDay}});
    }
    return out;
}

// Power follows the day: low at night, peaks in the morning and evening,
// scaled per device; the meter integrates it, and the phases share it.
std::vector<hp::readings::row> one_day_of_readings(const std::vector<hp::devices::row>& devices) {
    std::vector<hp::readings::row> rows;
    rows.reserve(devices.size() * 24 * kReadingsPerHour);
    std::mt19937 random(42);
    std::normal_distribution<double> noise(0.0, 60.0);
    for (size_t d = 0; d < devices.size(); ++d) {
        const double scale = 0.6 + 0.02 * static_cast<double>(d % 20);
        double meter = 1000.0 * static_cast<double>(d + 1);
        for (int m = 0; m < 24 * 60; m += 60 / kReadingsPerHour) {
            const double hour = m / 60.0;
            const double profile =
                900 + 1400 * std::exp(-std::pow(hour - 7.5, 2) / 3) + 1100 * std::exp(-std::pow(hour - 18.5, 2) / 4);
            const double watts = std::max(0.0, scale * profile + noise(random));
            meter += watts / 1000.0 / kReadingsPerHour;
            hp::readings::row r;
            r.time = hyperschema::timestamptz{kDay} + minutes{m};
            r.device_id = devices[d].device_id;
            r.power_w = static_cast<float>(watts);
            r.energy_total_kwh = meter;
            r.energy_l1_kwh = meter * 0.34;
            r.energy_l2_kwh = meter * 0.33;
            r.energy_l3_kwh = meter * 0.33;
            r.flow_temp_c = static_cast<float>(35 + 8 * profile / 2300);
            r.return_temp_c = static_cast<float>(30 + 6 * profile / 2300);
            rows.push_back(std::move(r));
        }
    }
    return rows;
}

void migrate_and_verify(hyperschema::connection& conn) {
    hyperschema::MigrateOptions options;
    options.log = [](const std::string& line) { std::cout << "  " << line << "\n"; };
    const int applied = hyperschema::migrate(conn, hp::migrations(), options);
    std::cout << "migrations: " << applied << " applied, database at version " << hp::migrations().size() << "\n";
    hyperschema::VerifyOptions verify_options;
    // The scheduler's own history of this machine is not this program's business at start-up.
    verify_options.job_health = false;
    const hyperschema::VerifyReport report = hyperschema::verify(conn, hp::expected_schema(), verify_options);
    std::cout << "verify: " << report.text();
    if (!report.ok()) throw hyperschema::error("the database does not match the schema this program was built for");
}

void load_day(hyperschema::connection& conn) {
    const auto devices = fleet();
    const auto readings = one_day_of_readings(devices);
    pqxx::work tx(conn);
    for (const auto& d : devices) hp::devices::upsert(tx, d);
    // Re-running replaces the day rather than doubling it.
    hyperschema::exec(tx, "DELETE FROM readings WHERE time >= $1 AND time < $2", hyperschema::timestamptz{kDay},
                      hyperschema::timestamptz{kDay + days{1}});
    const auto start = Clock::now();
    const auto n = hp::readings::insert_many(tx, readings);
    tx.commit();
    const double s = seconds_since(start);
    std::printf("loaded %llu readings of %d heat pumps with insert_many in %.2f s (%.0f rows/s)\n",
                static_cast<unsigned long long>(n), kDevices, s, static_cast<double>(n) / s);
}

void report(hyperschema::connection& conn) {
    const hyperschema::timestamptz from{kDay}, to{kDay + days{1}};
    const auto start = Clock::now();
    hp::energy_hourly::refresh(conn, from, to);
    hp::energy_daily::refresh(conn, from, to);
    std::printf("refreshed energy_hourly and energy_daily for %04d-%02u-%02u in %.2f s\n\n",
                static_cast<int>(year_month_day{kDay}.year()), static_cast<unsigned>(year_month_day{kDay}.month()),
                static_cast<unsigned>(year_month_day{kDay}.day()), seconds_since(start));

    pqxx::work tx(conn);
    std::map<std::string, double> per_device;
    std::vector<double> per_hour(24, 0.0);
    for (const auto& h : hp::energy_hourly::range(tx, from, to)) {
        const double kwh = h.energy_kwh.value_or(0);
        per_device[h.device_id] += kwh;
        per_hour[static_cast<size_t>(floor<hours>(h.bucket - from).count())] += kwh;
    }
    if (per_device.empty())
        throw std::runtime_error(
            "energy_hourly holds no buckets of the day after the refresh; is a TimescaleDB job (compression of "
            "the readings, a refresh policy) running on the same data? See timescaledb_information.job_stats");
    std::printf("fleet energy per hour (kWh, %d heat pumps):\n", kDevices);
    const double peak = std::max(*std::max_element(per_hour.begin(), per_hour.end()), 1e-9);
    for (int h = 0; h < 24; ++h) {
        std::printf("  %02d:00  %7.1f  %s\n", h, per_hour[static_cast<size_t>(h)],
                    std::string(static_cast<size_t>(40 * per_hour[static_cast<size_t>(h)] / peak), '#').c_str());
    }
    std::vector<std::pair<double, std::string>> ranking;
    for (const auto& [device, kwh] : per_device) ranking.push_back({kwh, device});
    std::sort(ranking.rbegin(), ranking.rend());
    std::printf("\nhighest daily energy:\n");
    for (size_t i = 0; i < 5 && i < ranking.size(); ++i) {
        const auto device = hp::devices::find(tx, ranking[i].second);
        std::printf("  %s  %-20s %-8s %6.1f kWh\n", ranking[i].second.c_str(), device ? device->name.c_str() : "?",
                    device && device->site ? device->site->c_str() : "", ranking[i].first);
    }
    hp::energy_hourly::filter one;
    one.device_id = ranking.front().second;
    const auto peak_hour = hp::energy_hourly::range(tx, from, to, one, {.descending = false, .limit = 24});
    const auto daily = hp::energy_daily::range(tx, from, to, {.device_id = ranking.front().second});
    std::printf("\n%s: %zu hourly buckets, daily roll-up %.1f kWh (from energy_daily)\n", one.device_id->c_str(),
                peak_hour.size(), daily.empty() ? 0.0 : daily[0].energy_kwh.value_or(0));
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto conn = hyperschema::connect(argc > 1 ? argv[1] : "");
        if (!timescaledb_available(conn)) {
            std::cerr
                << "heatpump-monitor: TimescaleDB is not available on this PostgreSQL server (the extension is "
                   "not installed, or not in shared_preload_libraries). The heat-pump schema needs hypertables "
                   "and continuous aggregates: install TimescaleDB for this PostgreSQL from your packages and add "
                   "shared_preload_libraries = 'timescaledb'. Nothing was changed.\n";
            return 3;
        }
        migrate_and_verify(conn);
        load_day(conn);
        report(conn);
        return 0;
    } catch (const hyperschema::connection_lost& e) {
        std::cerr << "heatpump-monitor: " << e.what() << "\n";
        return 2;
    } catch (const hyperschema::error& e) {
        std::cerr << "heatpump-monitor: " << e.what()
                  << (e.sqlstate().empty() ? "" : " (SQLSTATE " + e.sqlstate() + ")") << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "heatpump-monitor: " << e.what() << "\n";
        return 1;
    }
}

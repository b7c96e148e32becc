// point_migration: the data of seed 002's migration, for the example, the
// tests and the benchmark.
//
//   point_migration load --db DSN [--scale F]
//
// Brings the database to the point tables' migration (0002: legacy and point
// tables, before the backfills), then replaces their contents with a
// deterministic synthetic history at the seed's volumes (scale 1: about 200 k
// legacy readings and 56 k five-minute intervals over four systems): systems
// 1 and 2 Selectronic (16 points), 3 Enphase (aggregates only, 2 points), 7
// Fronius (10 points, no energy totals). The newest hours are also in the
// point tables already, written by the "live system" exactly as the backfills
// would, so the backfills find rows already there. --scale shortens every
// system's history from its end (0.05: a few days).
//
// Exit codes: 0 ok, 1 the database refused, 2 usage, 3 TimescaleDB missing.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include <hyperschema/hyperschema.hpp>

#include "points/migrations.hpp"

namespace {

constexpr std::int64_t kEnd = 1762387200;  // 2025-11-06 00:00 UTC, where every history ends
constexpr std::int64_t kDay = 86400;

struct History {
    int system_id;
    const char* vendor;
    const char* name;
    std::int64_t reading_days;  // 0: no raw readings (Enphase)
    std::int64_t reading_step;  // seconds between polls
    std::int64_t agg_days;
    int agg_keep_per_mille;  // five-minute intervals present (the rest are gaps)
};

const History kSystems[] = {
    {1, "selectronic", "Daylesford", 68, 81, 68, 780},
    {2, "selectronic", "Craig Home", 68, 81, 68, 780},
    {3, "enphase", "Enphase roof", 0, 0, 66, 790},
    {7, "fronius", "Fronius shed", 288, 442, 288, 132},
};

// A system's points: every point its vendor's mapping names (legacy_point_map,
// the schema's reference data), numbered by name.
const char* kPointInfo = R"(
INSERT INTO point_info (system_id, id, origin_sub_id, display_name, metric_type, metric_unit)
SELECT s.system_id, row_number() OVER (PARTITION BY s.system_id ORDER BY p.origin_sub_id)::integer,
       p.origin_sub_id, initcap(replace(p.origin_sub_id, '_', ' ')),
       CASE WHEN p.origin_sub_id ILIKE '%soc%' THEN 'soc' WHEN p.origin_sub_id ILIKE '%wh%' THEN 'energy'
            WHEN p.origin_sub_id ILIKE '%w' THEN 'power' ELSE 'status' END,
       CASE WHEN p.origin_sub_id ILIKE '%soc%' THEN '%' WHEN p.origin_sub_id ILIKE '%wh%' THEN 'Wh'
            WHEN p.origin_sub_id ILIKE '%w' THEN 'W' END
FROM systems s
JOIN (SELECT DISTINCT vendor, origin_sub_id FROM legacy_point_map) p ON p.vendor = s.vendor
)";

// Raw polls every `step` seconds: a solar curve by time of day, a load with
// some noise, cumulative energy counters; all a function of the time.
const char* kReadings = R"(
INSERT INTO readings
SELECT $1::integer, t, t + 2 + t % 3,
       round(greatest(0, 5200 * sin(pi() * ((t % 86400) - 21600) / 43200.0)) + (t * 7919) % 53)::real,
       round(greatest(0, 2600 * sin(pi() * ((t % 86400) - 21600) / 43200.0)))::real,
       ((t * 104729) % 400 - 200)::real,
       (600 + (t * 7907) % 900)::real,
       ((t * 6271) % 3000 - 1500)::real,
       ((t * 3779) % 2000 - 1000)::real,
       (40 + 50 * (0.5 + 0.5 * sin(pi() * (t % 86400) / 43200.0)))::real,
       CASE WHEN t % 9973 < 15 THEN 17 ELSE 0 END,
       CASE WHEN t % 9973 < 15 THEN (t - t % 9973) * 1000 END,
       CASE WHEN (t / 3600) % 24 = 3 THEN 1 ELSE 0 END,
       10000 + (t - 1735689600) / 3600.0 * 1.9,
       20000 + (t - 1735689600) / 3600.0 * 1.1,
       3000 + (t - 1735689600) / 3600.0 * 0.4,
       2800 + (t - 1735689600) / 3600.0 * 0.35,
       900 + (t - 1735689600) / 3600.0 * 0.2,
       4000 + (t - 1735689600) / 3600.0 * 0.9
FROM generate_series($2::bigint, $3::bigint - 1, $4::bigint) AS t
)";

// Five-minute aggregates ending every 300 s, with gaps (a deterministic share kept).
const char* kAggregates = R"(
INSERT INTO readings_agg_5m
SELECT $1::integer, e,
       w, w * 0.8, w * 1.2, 700 + (e * 7907) % 500, 600, 1400, (e * 6271) % 3000 - 1500, -1500, 1500,
       (e * 3779) % 2000 - 1000, -1000, 1000, 40 + 50 * (0.5 + 0.5 * sin(pi() * (e % 86400) / 43200.0)),
       10000 + (e - 1735689600) / 3600.0 * 1.9, 20000 + (e - 1735689600) / 3600.0 * 1.1,
       3000 + (e - 1735689600) / 3600.0 * 0.4, 2800 + (e - 1735689600) / 3600.0 * 0.35,
       900 + (e - 1735689600) / 3600.0 * 0.2, 4000 + (e - 1735689600) / 3600.0 * 0.9,
       w * 300 / 3600.0, 5
FROM generate_series($2::bigint, $3::bigint, 300) AS e
CROSS JOIN LATERAL (SELECT round(greatest(0, 5200 * sin(pi() * ((e % 86400) - 21600) / 43200.0)))::real AS w) AS s
WHERE ((e / 300) * 2654435761) % 1000 < $4
)";

int usage() {
    std::cerr << "usage: point_migration load --db DSN [--scale F]\n";
    return 2;
}

// The statement of backfill `name` from the migration that adds it, over a window.
std::string live_writes(const std::string& name, std::int64_t from) {
    for (const auto& m : points::migrations()) {
        hyperschema::Script script = hyperschema::parse_script(m.up);
        script.before.insert(script.before.end(), script.after.begin(), script.after.end());
        for (const auto& step : script.before) {
            if (step.rfind(hyperschema::kBackfillMarker, 0) != 0) continue;
            const size_t json_start = std::string(hyperschema::kBackfillMarker).size();
            const auto spec = hyperschema::backfill_from_json(step.substr(json_start, step.find('\n') - json_start));
            if (spec.name == name) return hyperschema::backfill_whole_statement(spec, from, std::nullopt);
        }
    }
    throw std::runtime_error("no backfill " + name + " in the points migrations");
}

void load(hyperschema::connection& conn, double scale) {
    hyperschema::MigrateOptions options;
    hyperschema::migrate(conn, points::migrations(), options, 2);
    pqxx::work w(conn);
    // legacy_point_map is the schema's reference data: the migrations keep it.
    w.exec("TRUNCATE readings, readings_agg_5m, point_readings, point_readings_agg_5m, point_info, systems CASCADE");
    w.exec(
        "DO $$BEGIN IF to_regclass('hyperschema.backfills') IS NOT NULL THEN DELETE FROM hyperschema.backfills; "
        "END IF; END$$");
    for (const auto& s : kSystems)
        hyperschema::detail::pqxx_bridge::exec(w, "INSERT INTO systems VALUES ($1, $2, $3)", s.system_id,
                                               std::string(s.vendor), std::string(s.name));
    w.exec(kPointInfo);
    std::int64_t live_from = kEnd;
    for (const auto& s : kSystems) {
        const auto span = [&](std::int64_t days) {
            return static_cast<std::int64_t>(std::llround(days * kDay * scale));
        };
        if (s.reading_days > 0)
            hyperschema::detail::pqxx_bridge::exec(w, kReadings, s.system_id, kEnd - span(s.reading_days), kEnd,
                                                   s.reading_step);
        hyperschema::detail::pqxx_bridge::exec(w, kAggregates, s.system_id, kEnd - span(s.agg_days), kEnd,
                                               s.agg_keep_per_mille);
        live_from = std::min(live_from, kEnd - span(1) - span(1) / 2);
    }
    // The newest day and a half came in after the point tables went live: the
    // live system wrote those rows itself.
    w.exec(live_writes("readings_to_points", live_from));
    w.exec(live_writes("agg5m_to_points", live_from));
    w.commit();
    pqxx::nontransaction n(conn);
    for (const char* table : {"readings", "readings_agg_5m", "point_readings", "point_readings_agg_5m"})
        std::cout << table << ": " << n.exec(std::string("SELECT count(*) FROM ") + table)[0][0].c_str() << " rows\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string command, dsn;
    double scale = 1.0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--db" || a == "--scale") && i + 1 >= argc) return usage();
        if (a == "--db") {
            dsn = argv[++i];
        } else if (a == "--scale") {
            scale = std::atof(argv[++i]);
            if (!(scale > 0 && scale <= 10)) return usage();
        } else if (command.empty()) {
            command = a;
        } else {
            return usage();
        }
    }
    if (command != "load") return usage();
    try {
        auto conn = hyperschema::connect(dsn);
        {
            pqxx::nontransaction n(conn);
            if (n.exec("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'")[0][0].as<int>() ==
                0) {
                std::cerr << "point_migration: the server has no TimescaleDB; the point schema needs it\n";
                return 3;
            }
        }
        load(conn, scale);
    } catch (const std::exception& e) {
        std::cerr << "point_migration: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema {

// A PostgreSQL interval kept as PostgreSQL keeps it: months, days and
// microseconds are separate, because "1 month" and "30 days" are different
// things to time_bucket and to a calendar.
struct Interval {
    int64_t months = 0;
    int64_t days = 0;
    int64_t micros = 0;
    // An amount of time on an integer time column (bigint epoch seconds, say):
    // where a timestamp column takes an interval, TimescaleDB takes a plain
    // number in the column's own unit. `micros` then holds that number, so
    // comparisons, sums and approx_micros() work unchanged within a relation.
    bool integer_units = false;

    static constexpr int64_t kMicrosPerSecond = 1'000'000;
    static constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

    // Accepts "7 days", "1 hour 30 minutes", "90d", "1 year", "15 min". On
    // failure returns nullopt and says why in *error.
    static std::optional<Interval> parse(std::string_view text, std::string* error);
    // A time amount: a whole number ("86400", integer units) or an interval.
    static std::optional<Interval> parse_amount(std::string_view text, std::string* error);
    static Interval units(int64_t count) { return Interval{0, 0, count, true}; }
    // The unit words parse() accepts ("days", "day", "d", ...), any letter case.
    static std::vector<std::string_view> unit_names();

    // Canonical, readable text that PostgreSQL parses back to the same value:
    // "1 year 2 months 3 days 4 hours" ("86400" in integer units). Deterministic.
    std::string text() const;

    // The interval as SQL: INTERVAL '7 days' (86400 in integer units).
    std::string sql() const;

    // As PostgreSQL prints it in IntervalStyle iso_8601 ("P1Y2M3DT4H5M6.5S",
    // "PT0S", "P-1M-2DT-3H"), the style verify reads the catalog in.
    std::string iso_8601() const;

    // TimescaleDB's own approximation for comparing windows and buckets: a
    // month counts as 30 days, a day as 24 hours (continuous_aggregate_api.c).
    // Saturates (as TimescaleDB's interval_to_int64() does) at INT64_MAX / 4, so
    // a huge interval compares as "very long" and sums of a few cannot overflow.
    int64_t approx_micros() const;

    // Buckets of months (or with a time zone) have a varying length.
    bool has_months() const { return months != 0; }
    bool is_positive() const { return approx_micros() > 0 && months >= 0 && days >= 0 && micros >= 0; }

    friend bool operator==(const Interval&, const Interval&) = default;
};

}  // namespace hyperschema

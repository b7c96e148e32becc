#pragma once

// Manual refresh of continuous aggregates: one aggregate over a window, or
// every aggregate of a schema, parents before the aggregates built on them
// (a hierarchical aggregate reads its parent's materialized rows, so
// refreshing it first would read stale data); and of plain materialized views.
//
// TimescaleDB's refresh_continuous_aggregate() is a procedure that refuses to
// run inside a transaction block, so these run on the connection outside any
// transaction: do not call them while a pqxx transaction is open on it.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/expected_schema.hpp"

namespace hyperschema {

// A refresh window; an open end (nullopt) means from the beginning of the
// data, or up to the newest bucket.
struct RefreshWindow {
    std::optional<std::chrono::sys_time<std::chrono::microseconds>> from;
    std::optional<std::chrono::sys_time<std::chrono::microseconds>> to;
};

namespace detail {

// "2024-02-29 23:59:59.999999+00": what timestamptz_in reads in any DateStyle.
inline std::string timestamptz_text(std::chrono::sys_time<std::chrono::microseconds> t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const auto us = (t - day).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld+00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(us / 3'600'000'000), static_cast<long long>(us / 60'000'000 % 60),
                  static_cast<long long>(us / 1'000'000 % 60), static_cast<long long>(us % 1'000'000));
    return buf;
}

inline std::optional<std::string> optional_timestamptz(
    const std::optional<std::chrono::sys_time<std::chrono::microseconds>>& t) {
    return t ? std::optional<std::string>(timestamptz_text(*t)) : std::nullopt;
}

}  // namespace detail

// Refreshes `aggregate` ("name" or "schema.name", as regclass reads it) over
// `window`. Throws hyperschema::sql_error with TimescaleDB's message (and
// SQLSTATE) on failure, connection_lost when the connection breaks.
inline void refresh_continuous_aggregate(connection& conn, const std::string& aggregate,
                                         const RefreshWindow& window = {}) {
    detail::pqxx_bridge::translated("refresh of " + aggregate, [&] {
        pqxx::nontransaction n(conn);
        detail::pqxx_bridge::exec(
            n, "CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)", aggregate,
            detail::optional_timestamptz(window.from), detail::optional_timestamptz(window.to));
    });
}

// The window of an aggregate over integer time, in its bucket column's units.
struct IntegerRefreshWindow {
    std::optional<std::int64_t> from;
    std::optional<std::int64_t> to;
};

// Refreshes an aggregate over integer time; `bucket_type` is its bucket
// column's type, which TimescaleDB wants the window in ("smallint",
// "integer" or "bigint").
inline void refresh_continuous_aggregate(connection& conn, const std::string& aggregate,
                                         const IntegerRefreshWindow& window, std::string_view bucket_type) {
    if (bucket_type != "smallint" && bucket_type != "integer" && bucket_type != "bigint")
        throw usage_error("refresh of " + aggregate + ": `" + std::string(bucket_type) +
                          "` is not an integer time type (smallint, integer or bigint)");
    const std::string cast = "::" + std::string(bucket_type);
    detail::pqxx_bridge::translated("refresh of " + aggregate, [&] {
        pqxx::nontransaction n(conn);
        detail::pqxx_bridge::exec(n, "CALL refresh_continuous_aggregate($1::regclass, $2" + cast + ", $3" + cast + ")",
                                  aggregate, window.from, window.to);
    });
}

// Refreshes a (plain) materialized view, "name" or "schema.name" as regclass
// reads it. `concurrently` keeps it readable meanwhile; PostgreSQL needs a
// unique index on it for that.
inline void refresh_materialized_view(connection& conn, const std::string& view, bool concurrently = false) {
    detail::pqxx_bridge::translated("refresh of " + view, [&] {
        pqxx::nontransaction n(conn);
        // The name as regclass prints it: resolved and quoted by the server, not spliced from input.
        const std::string name = detail::pqxx_bridge::exec(n, "SELECT $1::regclass::text", view)[0][0].c_str();
        n.exec(std::string("REFRESH MATERIALIZED VIEW ") + (concurrently ? "CONCURRENTLY " : "") + name);
    });
}

// Refreshes every continuous aggregate of `schema`, parents first.
// An aggregate over integer time has no timestamps to cut a window by: it is
// refreshed over its whole range.
inline void refresh_all(connection& conn, const ExpectedSchema& schema, const RefreshWindow& window = {}) {
    for (const auto& a : schema.aggregates)
        refresh_continuous_aggregate(conn, conn.quote_name(schema.namespace_name) + "." + conn.quote_name(a.name),
                                     a.bucket.integer_units ? RefreshWindow{} : window);
}

}  // namespace hyperschema

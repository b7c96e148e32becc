#include "catalog/functions.hpp"

#include <algorithm>
#include <array>

namespace hyperschema::catalog {
namespace {

using enum Volatility;

constexpr std::array kFunctions{
    // The clock: now() and its SQL-standard spellings (keywords, in pg_proc
    // only as now() and friends: their volatility is that of what they call).
    FunctionTraits{"now", BaseType::Timestamptz, Stable},
    FunctionTraits{"current_timestamp", BaseType::Timestamptz, Stable},
    FunctionTraits{"clock_timestamp", BaseType::Timestamptz, Volatile},
    FunctionTraits{"statement_timestamp", BaseType::Timestamptz, Stable},
    FunctionTraits{"transaction_timestamp", BaseType::Timestamptz, Stable},
    FunctionTraits{"localtimestamp", BaseType::Timestamp, Stable},
    FunctionTraits{"current_date", BaseType::Date, Stable},
    FunctionTraits{"localtime", BaseType::Time, Stable},
    FunctionTraits{"current_time", BaseType::Timetz, Stable},
    FunctionTraits{"timeofday", BaseType::Text, Volatile},
    // Identifiers and random values.
    FunctionTraits{"gen_random_uuid", BaseType::Uuid, Volatile},
    FunctionTraits{"random", BaseType::DoublePrecision, Volatile},
    FunctionTraits{"setseed", std::nullopt, Volatile},
    FunctionTraits{"current_user", BaseType::Text, Stable},
    FunctionTraits{"session_user", BaseType::Text, Stable},
    FunctionTraits{"nextval", BaseType::Bigint, Volatile},
    FunctionTraits{"currval", BaseType::Bigint, Volatile},
    FunctionTraits{"txid_current", BaseType::Bigint, Stable},
    FunctionTraits{"pg_backend_pid", BaseType::Integer, Stable},
    // Functions that read settings (DateStyle, TimeZone, lc_*): STABLE.
    FunctionTraits{"concat", BaseType::Text, Stable},
    FunctionTraits{"concat_ws", BaseType::Text, Stable},
    FunctionTraits{"format", BaseType::Text, Stable},
    FunctionTraits{"current_setting", BaseType::Text, Stable},
    FunctionTraits{"to_date", BaseType::Date, Stable},
    FunctionTraits{"to_number", BaseType::Numeric, Stable},
    FunctionTraits{"make_timestamptz", BaseType::Timestamptz, Stable},
    // Extensions' functions that defaults use.
    FunctionTraits{"uuid_generate_v1", BaseType::Uuid, Volatile, "uuid-ossp"},
    FunctionTraits{"uuid_generate_v1mc", BaseType::Uuid, Volatile, "uuid-ossp"},
    FunctionTraits{"uuid_generate_v4", BaseType::Uuid, Volatile, "uuid-ossp"},
    FunctionTraits{"digest", BaseType::Bytea, Immutable, "pgcrypto"},
    FunctionTraits{"gen_random_bytes", BaseType::Bytea, Volatile, "pgcrypto"},
    FunctionTraits{"crypt", BaseType::Text, Immutable, "pgcrypto"},
    FunctionTraits{"gen_salt", BaseType::Text, Volatile, "pgcrypto"},
};

constexpr RoutineTypeTraits kRoutineTypes[] = {
    {"void", false, false},
    {"trigger", false, false},
    {"event_trigger", false, false},
    {"record", true, true},
    {"anyelement", true, true},
    {"anyarray", true, true},
    {"anynonarray", true, true},
    {"anyenum", true, true},
    {"anycompatible", true, true},
    {"anycompatiblearray", true, true},
    {"regclass", true, true},
    {"regproc", true, true},
    {"regtype", true, true},
    {"regconfig", true, true},
    {"regnamespace", true, true},
    {"regrole", true, true},
    {"name", true, true},
    {"oid", true, true},
    {"anyrange", true, true},
    {"anycompatiblenonarray", true, true},
    {"anycompatiblerange", true, true},
    {"tsvector", true, true},
    {"tsquery", true, true},
    {"int4range", true, true},
    {"int8range", true, true},
    {"numrange", true, true},
    {"tsrange", true, true},
    {"tstzrange", true, true},
    {"daterange", true, true},
};

constexpr std::string_view kBuiltinNames[] = {
#include "catalog/builtin_functions.inc"
};

// SQL syntax that looks like a call but is no function of pg_catalog.
constexpr std::string_view kCallLikeSyntax[] = {
    "all",      "any",        "array",     "cast",     "coalesce",  "exists", "filter",  "greatest",
    "grouping", "in",         "least",     "nullif",   "over",      "row",    "some",    "values",
    "within",   "xmlelement", "xmlforest", "position", "substring", "trim",   "overlay", "collation"};

constexpr std::string_view kTimescaleFunctions[] = {
    "approximate_row_count", "first", "histogram", "interpolate", "last", "locf", "time_bucket", "time_bucket_gapfill"};

}  // namespace

const RoutineTypeTraits* find_routine_type(std::string_view name) {
    for (const auto& t : kRoutineTypes)
        if (t.name == name) return &t;
    return nullptr;
}

bool is_known_function(std::string_view name) {
    return std::binary_search(std::begin(kBuiltinNames), std::end(kBuiltinNames), name) ||
           std::find(std::begin(kCallLikeSyntax), std::end(kCallLikeSyntax), name) != std::end(kCallLikeSyntax) ||
           find_function(name) != nullptr;
}

bool is_timescaledb_function(std::string_view name) {
    return std::find(std::begin(kTimescaleFunctions), std::end(kTimescaleFunctions), name) !=
           std::end(kTimescaleFunctions);
}

std::span<const std::string_view> builtin_function_names() {
    return kBuiltinNames;
}

std::span<const std::string_view> timescaledb_function_names() {
    return kTimescaleFunctions;
}

const FunctionTraits* find_function(std::string_view name) {
    auto it =
        std::find_if(kFunctions.begin(), kFunctions.end(), [&](const FunctionTraits& f) { return f.name == name; });
    return it == kFunctions.end() ? nullptr : &*it;
}

bool is_non_immutable(std::string_view name) {
    const FunctionTraits* f = find_function(name);
    return f != nullptr && f->volatility != Volatility::Immutable;
}

std::span<const FunctionTraits> all_functions() {
    return kFunctions;
}

}  // namespace hyperschema::catalog

#include "catalog/aggregate_functions.hpp"

#include <algorithm>
#include <array>

#include "catalog/column_types.hpp"

namespace hyperschema::catalog {
namespace {

// The result types' rows below read as of(BaseType::Text).
ColumnType of(BaseType base, int array_dims = 0) {
    return ColumnType::of(base, array_dims);
}

TypeCategory category(const ColumnType& t) {
    return traits_of(t.base).category;
}

bool is_number(const ColumnType& t) {
    return t.is_numeric_family();
}

bool is_float(const ColumnType& t) {
    return !t.is_array() && category(t) == TypeCategory::Float;
}

// --- Result rules, each checked against pg_typeof() -----------------------

std::optional<ColumnType> always_bigint(const ColumnType&) {
    return of(BaseType::Bigint);
}

std::optional<ColumnType> always_double(const ColumnType& t) {
    if (!is_number(t)) return std::nullopt;
    return of(BaseType::DoublePrecision);
}

// Hypothetical-set aggregates sort by the key, which json cannot.
std::optional<ColumnType> rank_of_sortable(const ColumnType& t) {
    if (t.base == BaseType::Json) return std::nullopt;
    return of(BaseType::Bigint);
}

std::optional<ColumnType> fraction_of_sortable(const ColumnType& t) {
    if (t.base == BaseType::Json) return std::nullopt;
    return of(BaseType::DoublePrecision);
}

std::optional<ColumnType> bigint_of_numbers(const ColumnType& t) {
    if (!is_number(t)) return std::nullopt;
    return of(BaseType::Bigint);
}

// min and max: PostgreSQL picks the overload for the type, or for the type
// it converts to implicitly (varchar to text, cidr to inet); boolean, uuid,
// json, jsonb, bytea and the MAC address types have none.
std::optional<ColumnType> min_max(const ColumnType& t) {
    if (t.is_array() || t.base == BaseType::Enum) return t.without_modifier();
    switch (category(t)) {
        case TypeCategory::Boolean:
        case TypeCategory::Uuid:
        case TypeCategory::Json:
        case TypeCategory::Binary:
        case TypeCategory::MacAddress:
            return std::nullopt;
        case TypeCategory::Extension:  // citext has its own, geometry converts to text; hstore, ltree none
            if (t.base == BaseType::Citext) return t.without_modifier();
            if (t.base == BaseType::Geometry) return of(BaseType::Text);
            return std::nullopt;
        case TypeCategory::Text:
            return of(t.base == BaseType::Char ? BaseType::Char : BaseType::Text);
        case TypeCategory::Network:
            return of(BaseType::Inet);
        case TypeCategory::Integer:
        case TypeCategory::Float:
        case TypeCategory::Numeric:
        case TypeCategory::Timestamp:
        case TypeCategory::Date:
        case TypeCategory::TimeOfDay:
        case TypeCategory::Interval:
        case TypeCategory::Enum:
            return t.without_modifier();
    }
    return std::nullopt;
}

// sum: smallint and integer widen to bigint, bigint to numeric; a time of day
// is summed as an interval.
std::optional<ColumnType> sum(const ColumnType& t) {
    if (t.is_array()) return std::nullopt;
    if (t.base == BaseType::Smallint || t.base == BaseType::Integer) return of(BaseType::Bigint);
    if (t.base == BaseType::Bigint || t.base == BaseType::Numeric) return of(BaseType::Numeric);
    if (is_float(t)) return of(t.base);
    if (t.base == BaseType::Interval || t.base == BaseType::Time) return of(BaseType::Interval);
    return std::nullopt;
}

std::optional<ColumnType> avg(const ColumnType& t) {
    if (t.is_array()) return std::nullopt;
    if (is_float(t)) return of(BaseType::DoublePrecision);
    if (is_number(t)) return of(BaseType::Numeric);
    if (t.base == BaseType::Interval || t.base == BaseType::Time) return of(BaseType::Interval);
    return std::nullopt;
}

// stddev, variance and their _pop / _samp forms.
std::optional<ColumnType> statistic(const ColumnType& t) {
    if (!is_number(t)) return std::nullopt;
    return of(is_float(t) ? BaseType::DoublePrecision : BaseType::Numeric);
}

std::optional<ColumnType> bitwise(const ColumnType& t) {
    if (!t.is_integer()) return std::nullopt;
    return of(t.base);
}

std::optional<ColumnType> boolean(const ColumnType& t) {
    if (t.is_array() || t.base != BaseType::Boolean) return std::nullopt;
    return of(BaseType::Boolean);
}

std::optional<ColumnType> array_of(const ColumnType& t) {
    ColumnType out = t.without_modifier();
    if (out.array_dims == 0) out.array_dims = 1;  // an array of arrays is still `T[]` to format_type
    return out;
}

// TimescaleDB's first(value, time) and last(value, time): anyelement.
std::optional<ColumnType> same(const ColumnType& t) {
    return t.without_modifier();
}

std::optional<ColumnType> string_agg(const ColumnType& t) {
    if (t.is_array()) return std::nullopt;
    if (t.is_text_family() || (!t.is_array() && t.base == BaseType::Citext)) return of(BaseType::Text);
    // geography converts to bytea alone (geometry to text and bytea: ambiguous).
    if (t.base == BaseType::Bytea || t.base == BaseType::Geography) return of(BaseType::Bytea);
    return std::nullopt;
}

std::optional<ColumnType> json(const ColumnType&) {
    return of(BaseType::Json);
}

std::optional<ColumnType> jsonb(const ColumnType&) {
    return of(BaseType::Jsonb);
}

// percentile_cont interpolates: numbers as double precision, intervals (and
// times of day, converted) as intervals.
std::optional<ColumnType> percentile_cont(const ColumnType& t) {
    if (t.is_array()) return std::nullopt;
    if (is_number(t)) return of(BaseType::DoublePrecision);
    if (t.base == BaseType::Interval || t.base == BaseType::Time) return of(BaseType::Interval);
    return std::nullopt;
}

// percentile_disc and mode return one of the values (anyelement): any type
// that sorts, which json does not.
std::optional<ColumnType> one_of_the_values(const ColumnType& t) {
    if (t.base == BaseType::Json) return std::nullopt;
    return t.without_modifier();
}

std::optional<ColumnType> histogram(const ColumnType& t) {
    if (!is_number(t)) return std::nullopt;
    return of(BaseType::Integer, 1);
}

using F = AggregateFunction;
constexpr auto kPlain = AggregateForm::Plain;
constexpr auto kOrderedSet = AggregateForm::OrderedSet;
constexpr std::string_view kPg = "PostgreSQL", kTimescale = "TimescaleDB";
constexpr std::string_view kNumbers = "numbers";

constexpr std::array kFunctions{
    F{"count", kPlain, always_bigint, "any type", kPg, false, "sum({})::bigint"},
    F{"min", kPlain, min_max, "ordered types (not boolean, uuid, json, jsonb, bytea, macaddr or macaddr8)", kPg, false,
      "min({})"},
    F{"max", kPlain, min_max, "ordered types (not boolean, uuid, json, jsonb, bytea, macaddr or macaddr8)", kPg, false,
      "max({})"},
    F{"sum", kPlain, sum, "numbers and intervals", kPg, false, "sum({})"},
    F{"avg", kPlain, avg, "numbers and intervals", kPg},
    F{"stddev", kPlain, statistic, kNumbers, kPg},
    F{"stddev_samp", kPlain, statistic, kNumbers, kPg},
    F{"stddev_pop", kPlain, statistic, kNumbers, kPg},
    F{"variance", kPlain, statistic, kNumbers, kPg},
    F{"var_samp", kPlain, statistic, kNumbers, kPg},
    F{"var_pop", kPlain, statistic, kNumbers, kPg},
    F{"bit_and", kPlain, bitwise, "integers", kPg, false, "bit_and({})"},
    F{"bit_or", kPlain, bitwise, "integers", kPg, false, "bit_or({})"},
    F{"bit_xor", kPlain, bitwise, "integers", kPg, false, "bit_xor({})"},
    F{"bool_and", kPlain, boolean, "booleans", kPg, false, "bool_and({})"},
    F{"bool_or", kPlain, boolean, "booleans", kPg, false, "bool_or({})"},
    F{"every", kPlain, boolean, "booleans", kPg, false, "every({})"},
    F{"array_agg", kPlain, array_of, "any type", kPg},
    F{"string_agg", kPlain, string_agg, "text (with a text delimiter) or bytea", kPg},
    F{"json_agg", kPlain, json, "any type", kPg},
    F{"jsonb_agg", kPlain, jsonb, "any type", kPg},
    F{"corr", kPlain, always_double, kNumbers, kPg},
    F{"covar_pop", kPlain, always_double, kNumbers, kPg},
    F{"covar_samp", kPlain, always_double, kNumbers, kPg},
    F{"regr_avgx", kPlain, always_double, kNumbers, kPg},
    F{"regr_avgy", kPlain, always_double, kNumbers, kPg},
    F{"regr_intercept", kPlain, always_double, kNumbers, kPg},
    F{"regr_r2", kPlain, always_double, kNumbers, kPg},
    F{"regr_slope", kPlain, always_double, kNumbers, kPg},
    F{"regr_sxx", kPlain, always_double, kNumbers, kPg},
    F{"regr_sxy", kPlain, always_double, kNumbers, kPg},
    F{"regr_syy", kPlain, always_double, kNumbers, kPg},
    F{"regr_count", kPlain, bigint_of_numbers, kNumbers, kPg},
    F{"percentile_cont", kOrderedSet, percentile_cont, "numbers and intervals (WITHIN GROUP key)", kPg, true},
    F{"percentile_disc", kOrderedSet, one_of_the_values, "any sortable type (WITHIN GROUP key)", kPg, true},
    F{"mode", kOrderedSet, one_of_the_values, "any sortable type (WITHIN GROUP key)", kPg},
    // Hypothetical-set aggregates: the rank a value would have among the key's.
    F{"rank", kOrderedSet, rank_of_sortable, "any sortable type (WITHIN GROUP key)", kPg},
    F{"dense_rank", kOrderedSet, rank_of_sortable, "any sortable type (WITHIN GROUP key)", kPg},
    F{"percent_rank", kOrderedSet, fraction_of_sortable, "any sortable type (WITHIN GROUP key)", kPg},
    F{"cume_dist", kOrderedSet, fraction_of_sortable, "any sortable type (WITHIN GROUP key)", kPg},
    F{"first", kPlain, same, "any type, with a time to order by", kTimescale, false, "first({}, {bucket})"},
    F{"last", kPlain, same, "any type, with a time to order by", kTimescale, false, "last({}, {bucket})"},
    F{"histogram", kPlain, histogram, "numbers, with min, max and a bucket count", kTimescale},
};

// Aggregates of PostgreSQL 15's pg_aggregate without type rules here.
constexpr std::array<std::string_view, 5> kUntyped{"json_object_agg", "jsonb_object_agg", "range_agg",
                                                   "range_intersect_agg", "xmlagg"};

}  // namespace

const AggregateFunction* find_aggregate_function(std::string_view name) {
    auto it = std::find_if(kFunctions.begin(), kFunctions.end(), [&](const F& f) { return f.name == name; });
    return it == kFunctions.end() ? nullptr : &*it;
}

std::span<const AggregateFunction> all_aggregate_functions() {
    return kFunctions;
}

bool is_untyped_aggregate(std::string_view name) {
    return std::find(kUntyped.begin(), kUntyped.end(), name) != kUntyped.end();
}

}  // namespace hyperschema::catalog

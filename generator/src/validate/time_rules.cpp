// Amounts of time and integer time. A hypertable on a timestamp column takes
// intervals (chunk interval, policy ages, buckets, refresh offsets); one on an
// integer column (epoch seconds, say) takes plain numbers in the column's
// unit, and needs an integer_now function to know how old a row is. What
// TimescaleDB refuses, or accepts and then fails on every run, is refused here.

#include <algorithm>

#include "catalog/column_types.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

struct TimeAmountRule {
    const ColumnType* time_type = nullptr;  // the relation's time column (or bucket column)
    std::string time_column;                // "metrics.ts", for messages
};

void check_amount(const TimeAmountRule& rule, const std::optional<Interval>& amount, const SourceLocation& loc,
                  const std::string& what, Diagnostics& diags) {
    if (!amount || !rule.time_type) return;
    const ColumnType& time = *rule.time_type;
    if (time.is_integer() && !amount->integer_units) {
        diags.error(loc, what + " is `" + amount->text() + "`, an interval, but the time column `" + rule.time_column +
                             "` is `" + time.sql() +
                             "`: TimescaleDB takes a whole number in the column's own unit there (\"invalid "
                             "interval type for integer dimension\"); write one, e.g. `86400` for a day of epoch "
                             "seconds");
    } else if (!time.is_integer() && amount->integer_units) {
        diags.error(loc, what + " is the number `" + amount->text() + "`, but the time column `" + rule.time_column +
                             "` is `" + time.sql() +
                             "`, which takes an interval; write one with its unit, e.g. `1 day` or `6 hours` "
                             "(numbers are for integer time columns)");
    } else if (const int64_t largest = catalog::integer_range(time).max;
               time.is_integer() && amount->micros > largest) {
        diags.error(loc, what + " is " + amount->text() + ", more than the time column `" + rule.time_column + "` (`" +
                             time.sql() + "`) can hold (at most " + std::to_string(largest) + ")");
    }
}

void check_policy_amounts(const TimeAmountRule& rule, const std::string& owner, const Policies& policies,
                          Diagnostics& diags) {
    for (const Policy& p : policies.items) {
        const std::string what = "the " + std::string(policy_kind_name(p.kind)) + " of " + owner;
        check_amount(rule, p.after, p.after_loc, "`" + std::string(policy_traits(p.kind).threshold) + "` of " + what,
                     diags);
        check_amount(rule, p.start_offset, p.start_loc, "`start_offset` of " + what, diags);
        check_amount(rule, p.end_offset, p.end_loc, "`end_offset` of " + what, diags);
    }
}

// The hypertable an aggregate's data comes from, through its parents.
const Table* root_hypertable(const Schema& schema, const ContinuousAggregate& agg) {
    const ContinuousAggregate* at = &agg;
    for (size_t depth = 0; depth <= schema.aggregates.size(); ++depth) {
        if (const Table* t = schema.find_table(at->source.name)) return t->hypertable ? t : nullptr;
        at = schema.find_aggregate(at->source.name);
        if (!at) return nullptr;
    }
    return nullptr;  // a cycle, reported by check_dependencies
}

bool needs_integer_now(const Table& table) {
    const Column* time = table.find_column(table.hypertable->time_column.name);
    return time && time->type.is_integer() && table.hypertable->integer_now.name.empty();
}

void check_integer_now_function(const Schema& schema, const Table& table, Diagnostics& diags) {
    const Hypertable& h = *table.hypertable;
    const NameRef& now = h.integer_now;
    if (now.name.empty()) return;
    const Column* time = table.find_column(h.time_column.name);
    const std::string what = "`integer_now` of hypertable `" + table.name + "`";
    if (time && !time->type.is_integer()) {
        diags.error(now.loc, what + " is set, but its time column `" + time->name + "` is `" + time->type.sql() +
                                 "`, not an integer; TimescaleDB knows the time of a timestamp column (\"integer_now "
                                 "function can only be set for hypertables that have integer time dimensions\"); "
                                 "remove it");
        return;
    }
    const auto candidates = schema.find_functions(now.name);
    if (candidates.empty()) {
        std::vector<std::string> names;
        for (const auto& f : schema.functions) names.push_back(f.name);
        diags.error(now.loc, what + " names `" + now.name + "`, which the schema does not declare" +
                                 did_you_mean(now.name, names) + "; declare it under `functions:`, e.g. `" + now.name +
                                 ": {returns: " + (time ? time->type.sql() : "bigint") +
                                 ", volatility: stable, body: \"SELECT extract(epoch FROM now())::" +
                                 (time ? time->type.sql() : "bigint") + "\"}`");
        return;
    }
    auto no_inputs = std::find_if(candidates.begin(), candidates.end(),
                                  [](const Function* f) { return f->identity_types() == "()"; });
    const std::string hint = " (TimescaleDB: \"A custom time function must take no arguments and be STABLE\")";
    if (no_inputs == candidates.end()) {
        diags.error(now.loc, what + " names `" + now.name + "`, which takes arguments" + hint);
        return;
    }
    const Function& f = **no_inputs;
    if (f.is_procedure()) {
        diags.error(now.loc, what + " names procedure `" + now.name + "`; it must be a function returning `" +
                                 (time ? time->type.sql() : "bigint") + "`");
    } else if (time && f.returns != time->type.sql()) {
        diags.error(f.returns_loc, "function `" + now.name + "` returns `" + f.returns + "`, but " + what +
                                       " must return the time column's type `" + time->type.sql() +
                                       "` (TimescaleDB: \"The return type of the custom time function must be the "
                                       "same as the type of the time column of the hypertable\")");
    } else if (f.volatility == Volatility::Volatile) {
        diags.error(f.loc, "function `" + now.name + "` is volatile, but " + what + " must be stable" + hint +
                               "; add `volatility: stable`");
    }
}

}  // namespace

void check_time_amount(const ColumnType& type, const std::string& column, const std::optional<Interval>& amount,
                       const SourceLocation& loc, const std::string& what, Diagnostics& diags) {
    check_amount(TimeAmountRule{&type, column}, amount, loc, what, diags);
}

void check_hypertable_time(const Schema& schema, const Table& table, Diagnostics& diags) {
    const Hypertable& h = *table.hypertable;
    const Column* time = table.find_column(h.time_column.name);
    if (!time) return;  // reported by check_time_column
    const TimeAmountRule rule{&time->type, table.name + "." + time->name};
    const std::string owner = "hypertable `" + table.name + "`";
    check_amount(rule, h.chunk_interval, h.chunk_interval_loc, "`chunk_interval` of " + owner, diags);
    if (h.compression && h.compression->chunk_interval) {
        const Interval& merged = *h.compression->chunk_interval;
        if (time->type.is_integer()) {
            // TimescaleDB reads the option as an interval whatever the time column: 172800 would be seconds.
            diags.error(h.compression->chunk_interval_loc,
                        "`chunk_interval` of the compression of " + owner +
                            " is not supported on integer time: TimescaleDB reads compress_chunk_time_interval as an "
                            "interval whatever the time column's type; remove it");
            return;
        }
        check_amount(rule, merged, h.compression->chunk_interval_loc, "`chunk_interval` of the compression of " + owner,
                     diags);
        const Interval chunk = h.chunk_interval.value_or(catalog::default_chunk_interval(time->type));
        if (merged.integer_units == chunk.integer_units && chunk.approx_micros() > 0 &&
            merged.approx_micros() % chunk.approx_micros() != 0)
            diags.warning(h.compression->chunk_interval_loc,
                          "`chunk_interval` of the compression of " + owner + " (" + merged.text() +
                              ") is not a multiple of its chunk interval (" + chunk.text() +
                              "), so compressed chunks cannot merge whole chunks (TimescaleDB warns: \"compress "
                              "chunk interval is not a multiple of chunk interval\")");
    }
    check_policy_amounts(rule, owner, h.policies, diags);
    check_integer_now_function(schema, table, diags);
    if (!needs_integer_now(table)) return;
    for (const Policy& p : h.policies.items) {
        if (p.kind == PolicyKind::Reorder) continue;  // reorders by index, not by age
        diags.error(p.loc, "the " + std::string(policy_kind_name(p.kind)) + " of " + owner +
                               " needs to know how old a row is, but its time column `" + time->name + "` is `" +
                               time->type.sql() +
                               "` and the hypertable has no `integer_now` function (TimescaleDB: \"integer_now "
                               "function not set\"); add `integer_now: <function>` naming a stable function that "
                               "returns the current time in the column's unit");
    }
}

void check_aggregate_time(const Schema& schema, const ContinuousAggregate& agg, const RelationShape& source,
                          Diagnostics& diags) {
    const RelationColumn* time = source.find(source.time_column);
    if (!time || !time->type) return;
    const TimeAmountRule rule{&*time->type, agg.source.name + "." + source.time_column};
    const std::string owner = "continuous aggregate `" + agg.name + "`";
    check_amount(rule, agg.bucket, agg.bucket_loc, "`bucket` of " + owner, diags);
    check_amount(rule, agg.offset, agg.offset_loc, "`offset` of " + owner, diags);
    check_amount(rule, agg.chunk_interval, agg.chunk_interval_loc, "`chunk_interval` of " + owner, diags);
    if (agg.chunk_interval && agg.chunk_interval->has_months())
        diags.error(agg.chunk_interval_loc, "`chunk_interval` of " + owner +
                                                " uses months or years; TimescaleDB stores a month as 30 days, so "
                                                "the database would not match the schema; write days, e.g. `30 days`");
    if (agg.compression)
        check_amount(rule, agg.compression->chunk_interval, agg.compression->chunk_interval_loc,
                     "`chunk_interval` of the compression of " + owner, diags);
    check_policy_amounts(rule, owner, agg.policies, diags);
    if (!time->type->is_integer()) return;
    if (agg.origin) {
        diags.error(agg.origin_loc, "`origin` of " + owner + " is a timestamp, but the time column `" +
                                        rule.time_column + "` is `" + time->type->sql() +
                                        "`: integer buckets start at multiples of the width; shift them with "
                                        "`offset` (a number) instead");
    }
    if (const Table* root = root_hypertable(schema, agg); root && needs_integer_now(*root)) {
        diags.error(agg.loc, owner + " reads integer time from hypertable `" + root->name +
                                 "`, which has no `integer_now` function, so TimescaleDB refuses it (\"custom time "
                                 "function required on hypertable\"); add `integer_now: <function>` to the "
                                 "hypertable");
    }
}

}  // namespace hyperschema::rules

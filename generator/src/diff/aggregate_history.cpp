// Which buckets a rebuilt continuous aggregate can take over from the one it
// replaces. A retention policy on the source drops raw rows long before the
// aggregate's: refreshing the new definition recomputes only the buckets the
// source still has. Older buckets are carried over from the old aggregate
// where the new definition can be computed from its columns: the same rows
// grouped the same way (source, joins, WHERE, group keys, origin, offset and
// time zone unchanged), into the same or a coarser aligned bucket, each
// column the same expression as an old one (re-aggregated through the
// aggregate-function table's `rollup` when the bucket is coarser).

#include <algorithm>

#include "catalog/aggregate_functions.hpp"
#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::diff {
namespace {

using emit::quote_ident;

bool same_joins(const ContinuousAggregate& old, const ContinuousAggregate& now, const Renames& renames) {
    return std::equal(old.joins.begin(), old.joins.end(), now.joins.begin(), now.joins.end(),
                      [&](const AggregateJoin& a, const AggregateJoin& b) {
                          return a.left == b.left && a.on == b.on &&
                                 (a.table.name == b.table.name || renames.table_in_from(b.table.name) == a.table.name);
                      });
}

bool same_group_keys(const ContinuousAggregate& old, const ContinuousAggregate& now) {
    return std::equal(old.group_by.begin(), old.group_by.end(), now.group_by.begin(), now.group_by.end(),
                      [](const GroupKey& a, const GroupKey& b) {
                          return a.name == b.name && a.relation == b.relation && a.expression == b.expression;
                      });
}

// What changed in which rows fall into which group, in words; "" when nothing.
std::string grouping_change(const ContinuousAggregate& old, const ContinuousAggregate& now, const Renames& renames) {
    if (old.source.name != now.source.name && renames.table_in_from(now.source.name) != old.source.name)
        return "its source";
    if (!same_joins(old, now, renames)) return "its joins";
    if (old.where != now.where) return "its WHERE";
    if (!same_group_keys(old, now)) return "its group-by";
    if (old.origin != now.origin || old.offset != now.offset) return "the origin or offset of its buckets";
    if (old.timezone != now.timezone) return "the time zone of its buckets";
    return "";
}

// Whether every old bucket lies within one new bucket: a multiple of a fixed
// width, a multiple of a number of months, or months over buckets that divide
// a day (same origin, offset and time zone, checked before).
bool nests_in(const Interval& fine, const Interval& coarse) {
    const bool fine_months = fine.has_months(), coarse_months = coarse.has_months();
    if (fine_months != coarse_months) {
        return coarse_months && coarse.days == 0 && coarse.micros == 0 && fine.months == 0 &&
               fine.approx_micros() > 0 && Interval::kMicrosPerDay % fine.approx_micros() == 0;
    }
    if (fine_months)
        return fine.days == 0 && fine.micros == 0 && coarse.days == 0 && coarse.micros == 0 &&
               coarse.months % fine.months == 0;
    return fine.approx_micros() > 0 && coarse.approx_micros() % fine.approx_micros() == 0;
}

// A single call `fn(args) [FILTER (WHERE ...)]` without DISTINCT: its
// function's rollup over `old_column`, or "" when there is none.
std::string rollup_of(const std::string& expression, const std::string& time_column, const std::string& old_column,
                      const std::string& old_bucket) {
    std::string error;
    auto tokens = sqltext::lex(expression, &error);
    if (!tokens || tokens->size() < 3 || !sqltext::is_name((*tokens)[0]) ||
        (*tokens)[1].kind != sqltext::TokenKind::LParen || sqltext::is_word((*tokens)[2], "distinct"))
        return "";
    const size_t close = sqltext::matching_paren(*tokens, 1);
    const bool filter_after = close + 1 < tokens->size() && sqltext::is_word((*tokens)[close + 1], "filter") &&
                              sqltext::matching_paren(*tokens, close + 2) + 1 == tokens->size();
    if (close + 1 != tokens->size() && !filter_after) return "";
    const catalog::AggregateFunction* fn = catalog::find_aggregate_function((*tokens)[0].text);
    if (!fn || fn->rollup.empty()) return "";
    std::string rollup(fn->rollup);
    if (const size_t at = rollup.find("{bucket}"); at != std::string::npos) {
        // first(value, time) and last(value, time) roll up by the old bucket
        // only when they ordered by the source's time.
        if (close != 5 || (*tokens)[3].kind != sqltext::TokenKind::Comma || !sqltext::is_name((*tokens)[4]) ||
            (*tokens)[4].text != time_column)
            return "";
        rollup.replace(at, 8, old_bucket);
    }
    rollup.replace(rollup.find("{}"), 2, old_column);
    return rollup;
}

const AggregateColumn* same_column(const ContinuousAggregate& old, const AggregateColumn& c) {
    auto it = std::find_if(old.columns.begin(), old.columns.end(), [&](const AggregateColumn& o) {
        return sqltext::trim_space(o.expression) == sqltext::trim_space(c.expression) &&
               (!o.type || !c.type || *o.type == *c.type);
    });
    return it == old.columns.end() ? nullptr : &*it;
}

std::string lost_buckets(const ContinuousAggregate& now, const std::string& why) {
    return "the buckets of continuous aggregate " + now.name +
           " older than its source's first row (kept by the old definition, which cannot give them: " + why + ")";
}

}  // namespace

HistoryCarry plan_history_carry(const Schema& to, const ContinuousAggregate& old, const ContinuousAggregate& now,
                                const Renames& renames) {
    HistoryCarry out;
    out.old_name = old.name;
    if (std::string change = grouping_change(old, now, renames); !change.empty()) {
        out.lost = lost_buckets(now, change + " changes");
        return out;
    }
    const bool rebucket = old.bucket != now.bucket;
    if (rebucket && !nests_in(old.bucket, now.bucket)) {
        out.lost = lost_buckets(now, "its new bucket (" + now.bucket.text() + ") does not hold whole old buckets (" +
                                         old.bucket.text() + ")");
        return out;
    }
    emit::CarriedColumns carried;
    const std::string old_bucket = "retired." + quote_ident(old.bucket_column);
    auto carry = [&](const std::string& column, const std::string& value) {
        carried.columns.push_back(column);
        carried.values.push_back(value);
    };
    carry(now.bucket_column, rebucket ? emit::bucket_call(to, now, old_bucket) : old_bucket);
    for (const auto& g : now.group_by) carry(g.name, "retired." + quote_ident(g.name));
    if (rebucket) carried.group_by = carried.values;
    std::vector<std::string> left_null;
    const std::string time_column = emit::source_time_column(to, now);
    for (const auto& c : now.columns) {
        const AggregateColumn* was = same_column(old, c);
        std::string value = was ? "retired." + quote_ident(was->name) : "";
        if (was && rebucket) value = rollup_of(c.expression, time_column, value, old_bucket);
        if (value.empty()) {
            left_null.push_back(c.name);
            continue;
        }
        carried.columns.push_back(c.name);
        carried.values.push_back(value);
    }
    if (!left_null.empty()) {
        out.lost = "column" + std::string(left_null.size() > 1 ? "s " : " ") + emit::join(left_null, ", ") +
                   " of continuous aggregate " + now.name +
                   ": NULL in the buckets older than its source's first row (not computable from the old "
                   "definition's columns" +
                   (rebucket ? " over the coarser bucket" : "") + ")";
    }
    out.carried = std::move(carried);
    return out;
}

}  // namespace hyperschema::diff

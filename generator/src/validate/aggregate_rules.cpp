// Continuous aggregates: sources, buckets, hierarchies and policies, mirroring
// the checks TimescaleDB makes (tsl/src/continuous_aggs/common.c and
// tsl/src/bgw_policy/continuous_aggregate_api.c) so they fail here first.

#include <algorithm>

#include "sqltext/lexer.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

std::vector<std::string> time_partitioned_names(const Schema& schema) {
    std::vector<std::string> out;
    for (const auto& t : schema.tables) {
        if (t.hypertable) out.push_back(t.name);
    }
    for (const auto& a : schema.aggregates) out.push_back(a.name);
    return out;
}

bool check_source(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    const std::string& name = agg.source.name;
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (name == agg.name) {
        diags.error(agg.source.loc, what + " cannot read from itself");
        return false;
    }
    if (const Table* t = schema.find_table(name); t && !t->hypertable) {
        diags.error(agg.source.loc, what + " reads from `" + name +
                                        "`, a plain table; continuous aggregates need a hypertable (add "
                                        "`hypertable:` to table `" +
                                        name + "`)");
        return false;
    }
    if (schema.find_view(name)) {
        diags.error(agg.source.loc, what + " reads from view `" + name +
                                        "`; continuous aggregates read a hypertable or another continuous aggregate");
        return false;
    }
    if (!schema.find_table(name) && !schema.find_aggregate(name)) {
        diags.error(agg.source.loc,
                    what + " reads from unknown `" + name + "`" + did_you_mean(name, time_partitioned_names(schema)));
        return false;
    }
    return true;
}

void check_bucket(const ContinuousAggregate& agg, const RelationShape& source, Diagnostics& diags) {
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (agg.bucket.has_months() && (agg.bucket.days != 0 || agg.bucket.micros != 0)) {
        diags.error(agg.bucket_loc, "`bucket` of " + what + " mixes months with days or hours (`" + agg.bucket.text() +
                                        "`), which time_bucket does not accept; use whole months or a fixed width");
    }
    const RelationColumn* time = source.find(source.time_column);
    bool timestamptz = time && time->type && time->type->base == BaseType::Timestamptz;
    if (agg.timezone && !timestamptz) {
        diags.error(agg.timezone_loc, "`timezone` of " + what + " needs a timestamptz time column; `" +
                                          source.time_column + "` is not one");
    }
    if (agg.origin && agg.offset && !agg.timezone) {
        diags.error(agg.offset_loc, what +
                                        " sets both `origin` and `offset`; time_bucket takes one of them (both "
                                        "only together with `timezone`)");
    }
}

void check_output_names(const ContinuousAggregate& agg, const RelationShape& source, Diagnostics& diags) {
    std::vector<std::string> seen{agg.bucket_column};
    auto add = [&](const std::string& name, const SourceLocation& loc) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            diags.error(loc, "column `" + name + "` appears twice in continuous aggregate `" + agg.name +
                                 "` (bucket column, group_by and columns share one namespace)");
        }
        seen.push_back(name);
    };
    const auto names = source.names();
    for (const auto& g : agg.group_by) {
        if (!source.find(g.name)) {
            diags.error(g.loc, "unknown column `" + g.name + "` in `group_by` of continuous aggregate `" + agg.name +
                                   "`" + did_you_mean(g.name, names) + "; `" + agg.source.name + "` has " +
                                   one_of(names));
        }
        add(g.name, g.loc);
    }
    for (const auto& c : agg.columns) add(c.name, c.loc);
}

void check_expressions(const ContinuousAggregate& agg, const RelationShape& source, Diagnostics& diags) {
    const auto names = source.names();
    const std::string immutable =
        "a continuous aggregate is materialized bucket by bucket at different times, so its result would depend on "
        "when each refresh ran (TimescaleDB only warns: \"may lead to inconsistent results on rematerialization\")";
    for (const auto& c : agg.columns) {
        const std::string what = "column `" + agg.name + "." + c.name + "`";
        check_fragment(c.expression, c.expression_loc, {what, &names, true, immutable}, diags);
        std::string error;
        auto tokens = sqltext::lex(c.expression, &error);
        if (tokens && sqltext::called_functions(*tokens).empty()) {
            diags.error(c.expression_loc, what + " is `" + c.expression +
                                              "`, which aggregates nothing; use an aggregate such as `avg(" +
                                              c.expression + ")`, or add the column to `group_by`");
        }
    }
    check_fragment(agg.where, agg.where_loc,
                   {"the `where` of continuous aggregate `" + agg.name + "`", &names, true, immutable}, diags);
}

// A hierarchical aggregate must bucket compatibly with its parent.
void check_hierarchy(const ContinuousAggregate& agg, const ContinuousAggregate& parent, Diagnostics& diags) {
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (parent.variable_width() && !agg.variable_width()) {
        diags.error(agg.bucket_loc, what + " uses a fixed-width bucket (" + agg.bucket.text() + ") on top of `" +
                                        parent.name + "`, whose bucket varies in length (" + parent.bucket.text() +
                                        (parent.timezone ? " in " + *parent.timezone : "") +
                                        "); TimescaleDB refuses this, use a bucket of whole months");
        return;
    }
    const int64_t width = agg.bucket.approx_micros(), parent_width = parent.bucket.approx_micros();
    if (width < parent_width) {
        diags.error(agg.bucket_loc, "bucket of " + what + " (" + agg.bucket.text() +
                                        ") must be greater than or equal to the bucket of its source `" + parent.name +
                                        "` (" + parent.bucket.text() + ")");
    } else if (parent_width > 0 && width % parent_width != 0) {
        diags.error(agg.bucket_loc, "bucket of " + what + " (" + agg.bucket.text() +
                                        ") must be a multiple of the bucket of its source `" + parent.name + "` (" +
                                        parent.bucket.text() + "), or its buckets would straddle the parent's");
    }
    if (agg.origin != parent.origin) {
        diags.error(agg.origin.has_value() ? agg.origin_loc : agg.bucket_loc,
                    what + " must use the same `origin` as its source `" + parent.name + "` (" +
                        parent.origin.value_or("none") + ", here " + agg.origin.value_or("none") + ")");
    }
    if (agg.offset != parent.offset) {
        diags.error(agg.offset.has_value() ? agg.offset_loc : agg.bucket_loc,
                    what + " must use the same `offset` as its source `" + parent.name + "` (" +
                        (parent.offset ? parent.offset->text() : "none") + ", here " +
                        (agg.offset ? agg.offset->text() : "none") + ")");
    }
}

std::string offset_text(const std::optional<Interval>& iv) {
    return iv ? iv->text() : "null";
}

// TimescaleDB's validate_window_size(): the window must cover two buckets,
// months counting as 30 days.
void check_refresh_window(const ContinuousAggregate& agg, const RefreshPolicy& r, Diagnostics& diags) {
    if (!r.start_offset || !r.end_offset) return;  // an unbounded side always covers two buckets
    const int64_t start = r.start_offset->approx_micros(), end = r.end_offset->approx_micros();
    const int64_t needed = end + 2 * agg.bucket.approx_micros();
    if (needed <= start) return;
    Interval suggestion{0, 0, needed};
    if (needed % Interval::kMicrosPerDay == 0) suggestion = {0, needed / Interval::kMicrosPerDay, 0};
    std::string variable = agg.bucket.has_months() ? " (TimescaleDB counts a month as 30 days here)" : "";
    diags.error(r.start_loc, "refresh policy of continuous aggregate `" + agg.name +
                                 "` is rejected by TimescaleDB (\"policy refresh window too small\"): the window from "
                                 "start_offset " +
                                 r.start_offset->text() + " to end_offset " + r.end_offset->text() +
                                 " must cover at least two buckets of " + agg.bucket.text() + variable +
                                 "; set start_offset to at least " + suggestion.text());
}

void check_refresh_against_retention(const Schema& schema, const ContinuousAggregate& agg, const RefreshPolicy& r,
                                     Diagnostics& diags) {
    const Retention* source_retention = nullptr;
    if (const Table* t = schema.find_table(agg.source.name); t && t->hypertable && t->hypertable->retention) {
        source_retention = &*t->hypertable->retention;
    } else if (const ContinuousAggregate* parent = schema.find_aggregate(agg.source.name);
               parent && parent->retention) {
        source_retention = &*parent->retention;
    }
    if (source_retention) {
        bool reaches =
            !r.start_offset || r.start_offset->approx_micros() > source_retention->drop_after.approx_micros();
        if (reaches) {
            std::string message =
                "refresh window of continuous aggregate `" + agg.name + "` starts " +
                (r.start_offset ? r.start_offset->text() + " back" : "at the beginning of time (null)") +
                ", further back than the retention of its source `" + agg.source.name + "` (" +
                source_retention->drop_after.text() +
                "): each refresh would delete the aggregated rows of raw chunks already dropped";
            if (r.allow_beyond_source_retention) {
                diags.warning(r.start_loc, message + " (allowed by `allow_beyond_source_retention`)");
            } else {
                diags.error(r.start_loc, message + "; set start_offset below " + source_retention->drop_after.text() +
                                             ", or add `allow_beyond_source_retention: true` if that is intended");
            }
        }
    }
    if (agg.retention &&
        (!r.start_offset || r.start_offset->approx_micros() > agg.retention->drop_after.approx_micros())) {
        diags.warning(r.start_loc, "refresh window of continuous aggregate `" + agg.name + "` (start_offset " +
                                       offset_text(r.start_offset) + ") reaches past its own retention (" +
                                       agg.retention->drop_after.text() +
                                       "): buckets dropped by retention would be materialized again");
    }
    if (agg.compression && agg.compression->after &&
        (!r.start_offset || r.start_offset->approx_micros() > agg.compression->after->approx_micros())) {
        diags.warning(r.start_loc,
                      "refresh window of continuous aggregate `" + agg.name + "` (start_offset " +
                          offset_text(r.start_offset) + ") reaches into compressed data (compression after " +
                          agg.compression->after->text() +
                          "): every refresh would rewrite compressed chunks; compress later than start_offset");
    }
}

}  // namespace

void check_aggregate(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    if (!check_source(schema, agg, diags)) return;
    RelationShape source = shape_of(schema, agg.source.name);
    if (!source.found) return;  // a cycle, reported by check_dependencies
    check_bucket(agg, source, diags);
    check_output_names(agg, source, diags);
    check_expressions(agg, source, diags);
    if (agg.columns.empty()) {
        diags.error(agg.loc, "continuous aggregate `" + agg.name + "` has no aggregate columns");
    }
    if (const ContinuousAggregate* parent = schema.find_aggregate(agg.source.name))
        check_hierarchy(agg, *parent, diags);
    if (agg.refresh) {
        check_refresh_window(agg, *agg.refresh, diags);
        check_refresh_against_retention(schema, agg, *agg.refresh, diags);
    }
    if (agg.compression) {
        check_compression(output_of(schema, agg).names(), *agg.compression, "continuous aggregate `" + agg.name + "`",
                          diags);
    }
}

}  // namespace hyperschema::rules

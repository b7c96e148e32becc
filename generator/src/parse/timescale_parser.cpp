#include <cctype>
#include <regex>

#include "parse/parser.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::parse {

namespace {

// std::regex recurses once per character matched, so a long value would
// overflow the stack: anything longer than a zone name is not one.
bool looks_like_timezone(const std::string& text) {
    if (text.size() > 255) return false;  // PostgreSQL's TZ_STRLEN_MAX
    static const std::regex kZone(R"([A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*)");
    return std::regex_match(text, kZone);
}

}  // namespace

Hypertable Parser::parse_hypertable(ParseContext& ctx, const std::string& table, const YAML::Node& node) {
    Hypertable h;
    h.loc = location_of(ctx, node);
    const std::string what = "hypertable `" + table + "`";
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return h;
    if (auto time = spec.take_string("time_column")) {
        h.time_column = {*time, spec.value_loc("time_column")};
        check_identifier(ctx, *time, h.time_column.loc, "time column");
    }
    spec.require("time_column", "the column TimescaleDB partitions by, e.g. `time_column: time`");
    h.chunk_interval = spec.take_time_amount("chunk_interval");
    h.chunk_interval_loc = spec.value_loc("chunk_interval");
    if (auto partition = spec.take("partition")) {
        if (auto d = parse_dimension(ctx, *partition, "`partition` of " + what, spec.key_loc("partition"), true))
            h.dimensions.push_back(std::move(*d));
    }
    if (auto dimensions = spec.take("dimensions")) {
        if (!h.dimensions.empty()) {
            ctx.diags.error(spec.key_loc("dimensions"),
                            what +
                                " has both `partition` and `dimensions`; write the partition as the first of "
                                "`dimensions`");
        } else if (!dimensions->IsSequence()) {
            ctx.diags.error(spec.value_loc("dimensions"),
                            "`dimensions` of " + what + " is " + node_kind(*dimensions) +
                                "; expected a list such as `[{column: device_id, partitions: 4}]`");
        } else {
            for (const auto& item : *dimensions) {
                if (auto d = parse_dimension(ctx, item, "a dimension of " + what, location_of(ctx, item), false))
                    h.dimensions.push_back(std::move(*d));
            }
        }
    }
    if (auto now = spec.take_string("integer_now")) {
        h.integer_now = {*now, spec.value_loc("integer_now")};
        check_identifier(ctx, *now, h.integer_now.loc, "integer_now function");
    }
    h.create_default_indexes = spec.take_bool("create_default_indexes").value_or(true);
    h.chunk_skipping = spec.take_names("chunk_skipping");
    if (auto c = spec.take("compression")) h.compression = parse_compression(ctx, what, *c, h.policies);
    if (auto r = spec.take("retention")) parse_retention(ctx, what, *r, h.policies);
    if (auto r = spec.take("reorder")) parse_reorder(ctx, what, *r, h.policies);
    spec.finish();
    return h;
}

// One extra dimension: `{column, partitions}` hashes, `{column, interval}`
// ranges; `partition:` (hash_only) is the older spelling of one hash dimension.
std::optional<Dimension> Parser::parse_dimension(ParseContext& ctx, const YAML::Node& node, const std::string& what,
                                                 const SourceLocation& loc, bool hash_only) {
    MapReader p(ctx, node, what);
    if (!p.valid()) return std::nullopt;
    Dimension d;
    d.loc = loc;
    if (auto column = p.take_string("column")) {
        d.column = {*column, p.value_loc("column")};
        check_identifier(ctx, *column, d.column.loc, "dimension column");
    }
    p.require("column", "the column to partition by");
    d.partitions = p.take_int("partitions", 1, 32767).value_or(0);
    if (!hash_only) {
        d.interval = p.take_time_amount("interval");
        d.interval_loc = p.value_loc("interval");
    }
    const bool one_kind = hash_only || p.has("partitions") != p.has("interval");
    if (hash_only) {
        p.require("partitions", "the number of hash partitions, e.g. `partitions: 4`");
    } else if (!one_kind) {
        ctx.diags.error(loc, what +
                                 " needs exactly one of `partitions` (hash partitions, e.g. `partitions: 4`) and "
                                 "`interval` (ranges of another time or integer column, e.g. `interval: 1 day`)");
    }
    p.finish();
    if (!p.valid() || !one_kind || (d.partitions == 0 && !d.interval)) return std::nullopt;
    return d;
}

// The settings every policy's job takes, read from the policy's own mapping.
void Parser::parse_job_settings(ParseContext& ctx, MapReader& spec, JobSettings& job) {
    const std::string what = spec.what();
    job.schedule = spec.take_interval("schedule");
    job.schedule_loc = spec.value_loc("schedule");
    if (auto start = spec.take_string("initial_start")) {
        job.initial_start_loc = spec.value_loc("initial_start");
        std::string why;
        auto literal = sqltext::parse_timestamp_literal(*start, &why);
        if (!literal) {
            ctx.diags.error(job.initial_start_loc,
                            "`initial_start` of " + what + " is `" + *start + "`; " +
                                (why.rfind("PostgreSQL", 0) == 0 ? why
                                                                 : "expected a timestamp with its zone, such as "
                                                                   "`2024-01-01 00:00:00+00`"));
        } else if (!literal->has_zone) {
            ctx.diags.error(job.initial_start_loc,
                            "`initial_start` of " + what + " is `" + *start +
                                "` without a zone: it would be read in the TimeZone of whichever session runs the "
                                "migration; add one, e.g. `" +
                                *start + "+00`");
        } else {
            job.initial_start = *start;
        }
    }
    job.fixed_schedule = spec.take_bool("fixed_schedule");
    job.fixed_schedule_loc = spec.value_loc("fixed_schedule");
    if (auto zone = spec.take_string("timezone")) {
        job.timezone_loc = spec.value_loc("timezone");
        if (looks_like_timezone(*zone)) {
            job.timezone = *zone;
        } else {
            ctx.diags.error(job.timezone_loc, "`timezone` of " + what +
                                                  " must be a time zone name such as `Europe/Berlin` or `UTC`, "
                                                  "not `" +
                                                  *zone + "`");
        }
    }
    job.max_runtime = spec.take_interval("max_runtime", /*allow_zero=*/true);
    job.max_runtime_loc = spec.value_loc("max_runtime");
    job.max_retries = spec.take_int("max_retries", -1, 1000000);
    job.max_retries_loc = spec.value_loc("max_retries");
    job.retry_period = spec.take_interval("retry_period");
    job.retry_period_loc = spec.value_loc("retry_period");
}

std::optional<Compression> Parser::parse_compression(ParseContext& ctx, const std::string& owner,
                                                     const YAML::Node& node, Policies& policies) {
    Compression c;
    c.loc = location_of(ctx, node);
    const std::string what = "`compression` of " + owner;
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return std::nullopt;
    c.segment_by = spec.take_names("segment_by");
    if (auto order = spec.take("order_by")) {
        YAML::Node items = *order;
        if (items.IsScalar()) {
            YAML::Node list(YAML::NodeType::Sequence);
            list.push_back(items);
            items.reset(list);  // reset(), not =: assignment would write into the document
        }
        if (!items.IsSequence()) {
            ctx.diags.error(location_of(ctx, *order), "`order_by` of " + what + " must be a list, e.g. `[time desc]`");
        } else {
            for (const auto& item : items) {
                auto part = parse_key_part(ctx, item, what);
                if (!part) continue;
                if (part->is_expression()) {
                    ctx.diags.error(part->loc, "`order_by` of " + what + " takes columns, not expressions");
                    continue;
                }
                c.order_by.push_back(std::move(*part));
            }
        }
    }
    c.chunk_interval = spec.take_time_amount("chunk_interval");
    c.chunk_interval_loc = spec.value_loc("chunk_interval");
    // The compression policy: `after` and its job's settings, in the same mapping.
    Policy policy;
    policy.kind = PolicyKind::Compression;
    policy.after = spec.take_time_amount("after");
    policy.after_loc = policy.loc = spec.value_loc("after");
    parse_job_settings(ctx, spec, policy.job);
    if (policy.after) {
        policies.items.push_back(std::move(policy));
    } else if (policy.job != JobSettings{}) {
        ctx.diags.error(c.loc, what +
                                   " sets the compression policy's job (`schedule`, `max_runtime`, ...) but "
                                   "no `after`, so there is no policy; add `after`, e.g. `after: 7 days`");
    }
    spec.finish();
    return c;
}

void Parser::parse_retention(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies) {
    Policy r;
    r.kind = PolicyKind::Retention;
    r.loc = r.after_loc = location_of(ctx, node);
    const std::string what = "`retention` of " + owner;
    if (node.IsScalar()) {
        r.after = read_interval(ctx, node, what, false, TimeAmount::Allowed);
        if (r.after) policies.items.push_back(std::move(r));
        return;
    }
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return;
    r.after = spec.take_time_amount("drop_after");
    r.loc = r.after_loc = spec.value_loc("drop_after");
    parse_job_settings(ctx, spec, r.job);
    spec.require("drop_after", "how old data must be before its chunks are dropped, e.g. `drop_after: 90 days`");
    spec.finish();
    if (r.after) policies.items.push_back(std::move(r));
}

void Parser::parse_reorder(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies) {
    Policy r;
    r.kind = PolicyKind::Reorder;
    r.loc = location_of(ctx, node);
    const std::string what = "`reorder` of " + owner;
    if (node.IsScalar()) {
        r.index = {node.Scalar(), r.loc};
        if (check_identifier(ctx, r.index.name, r.loc, "reorder index")) policies.items.push_back(std::move(r));
        return;
    }
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return;
    if (auto index = spec.take_string("index")) {
        r.index = {*index, spec.value_loc("index")};
        check_identifier(ctx, *index, r.index.loc, "reorder index");
    }
    parse_job_settings(ctx, spec, r.job);
    spec.require("index", "the index chunks are reordered by, e.g. `index: idx_metrics_device_time`");
    spec.finish();
    if (!r.index.name.empty()) policies.items.push_back(std::move(r));
}

void Parser::parse_aggregates(ParseContext& ctx, const YAML::Node& node) {
    MapReader aggregates(ctx, node, "`aggregates`");
    for (auto& entry : aggregates.entries()) {
        schema_.aggregates.push_back(parse_aggregate(ctx, entry.key, entry.key_loc, entry.value));
    }
}

ContinuousAggregate Parser::parse_aggregate(ParseContext& ctx, const std::string& name, const SourceLocation& loc,
                                            const YAML::Node& node) {
    ContinuousAggregate agg;
    agg.name = name;
    agg.loc = loc;
    check_identifier(ctx, name, loc, "continuous aggregate");
    const std::string what = "continuous aggregate `" + name + "`";
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return agg;
    spec.on_duplicate("refresh", what +
                                     " has two refresh policies; a continuous aggregate has exactly one "
                                     "`refresh` (TimescaleDB would keep the first and warn about the second)");
    if (auto old = spec.take_string("renamed_from")) {
        if (check_identifier(ctx, *old, spec.value_loc("renamed_from"), "previous continuous aggregate"))
            agg.renamed_from = NameRef{*old, spec.value_loc("renamed_from")};
    }
    if (auto from = spec.take_string("from")) {
        agg.source = {*from, spec.value_loc("from")};
        check_identifier(ctx, *from, agg.source.loc, "source");
    }
    spec.require("from", "the hypertable or continuous aggregate it reads, e.g. `from: metrics`");
    if (auto bucket = spec.take_time_amount("bucket")) agg.bucket = *bucket;
    agg.bucket_loc = spec.value_loc("bucket");
    spec.require("bucket", "the time_bucket width, e.g. `bucket: 1 hour`");
    if (auto column = spec.take_string("bucket_column")) {
        if (check_identifier(ctx, *column, spec.value_loc("bucket_column"), "bucket column"))
            agg.bucket_column = *column;
    }
    if (auto origin = spec.take_string("origin")) {
        agg.origin_loc = spec.value_loc("origin");
        std::string why;
        if (sqltext::parse_timestamp_literal(*origin, &why)) {
            agg.origin = *origin;
        } else if (why.rfind("PostgreSQL", 0) == 0) {
            ctx.diags.error(agg.origin_loc, "`origin` of " + what + " is `" + *origin + "`; " + why);
        } else {
            ctx.diags.error(agg.origin_loc, "`origin` of " + what +
                                                " must be a timestamp such as "
                                                "`2000-01-01 00:00:00+00`, not `" +
                                                *origin + "`");
        }
    }
    agg.offset = spec.take_time_amount("offset");
    agg.offset_loc = spec.value_loc("offset");
    if (auto zone = spec.take_string("timezone")) {
        agg.timezone_loc = spec.value_loc("timezone");
        if (looks_like_timezone(*zone)) {
            agg.timezone = *zone;
        } else {
            ctx.diags.error(agg.timezone_loc, "`timezone` of " + what +
                                                  " must be a time zone name such as "
                                                  "`Europe/Berlin` or `UTC`, not `" +
                                                  *zone + "`");
        }
    }
    if (auto joins = spec.take("joins")) parse_joins(ctx, agg, *joins);
    if (auto group_by = spec.take("group_by")) parse_group_by(ctx, agg, *group_by);
    if (auto columns = spec.take("columns")) parse_aggregate_columns(ctx, agg, *columns);
    if (spec.has("column_order")) agg.column_order_loc = spec.key_loc("column_order");
    agg.column_order = spec.take_names("column_order");
    spec.require("columns", "the aggregated columns, e.g. `columns: {avg_value: avg(value)}`");
    if (auto where = spec.take("where")) {
        agg.where = read_sql(ctx, *where, "`where` of " + what).value_or("");
        agg.where_loc = location_of(ctx, *where);
    }
    agg.materialized_only = spec.take_bool("materialized_only").value_or(true);
    agg.with_data = spec.take_bool("with_data").value_or(false);
    agg.create_group_indexes = spec.take_bool("create_group_indexes").value_or(true);
    agg.chunk_interval = spec.take_time_amount("chunk_interval");
    agg.chunk_interval_loc = spec.value_loc("chunk_interval");
    if (auto refresh = spec.take("refresh")) parse_refresh(ctx, what, *refresh, agg.policies);
    if (auto c = spec.take("compression")) agg.compression = parse_compression(ctx, what, *c, agg.policies);
    if (auto r = spec.take("retention")) parse_retention(ctx, what, *r, agg.policies);
    if (auto c = spec.take_string("comment")) agg.comment = *c;
    if (auto g = spec.take("grants")) agg.grants = parse_grants(ctx, *g, catalog::GrantTarget::Aggregate, what);
    spec.finish();
    return agg;
}

void Parser::parse_refresh(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies) {
    Policy r;
    r.kind = PolicyKind::Refresh;
    r.loc = location_of(ctx, node);
    const std::string what = "`refresh` of " + owner;
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return;
    // An offset of null is TimescaleDB's NULL: unbounded (start) or up to now (end).
    auto offset = [&](const std::string& key, SourceLocation& loc) -> std::optional<Interval> {
        auto n = spec.take(key);
        loc = spec.value_loc(key);
        if (!n || n->IsNull()) return std::nullopt;
        return read_interval(ctx, *n, "`" + key + "` of " + what, /*allow_zero=*/true, TimeAmount::Allowed);
    };
    r.start_offset = offset("start_offset", r.start_loc);
    r.end_offset = offset("end_offset", r.end_loc);
    spec.require("start_offset", "how far back each refresh starts, e.g. `3 hours` (null: from the beginning)");
    spec.require("end_offset", "how close to now each refresh ends, e.g. `1 hour` (null: up to now)");
    parse_job_settings(ctx, spec, r.job);
    spec.require("schedule", "how often the policy runs, e.g. `schedule: 1 hour`");
    r.allow_beyond_source_retention = spec.take_bool("allow_beyond_source_retention").value_or(false);
    // Negative values are accepted when the policy is added; a negative
    // max_batches_per_execution then fails every run.
    r.buckets_per_batch = spec.take_int("buckets_per_batch", 0, 1000000000);
    r.max_batches_per_execution = spec.take_int("max_batches_per_execution", 0, 1000000000);
    r.refresh_newest_first = spec.take_bool("refresh_newest_first");
    spec.finish();
    policies.items.push_back(std::move(r));
}

// `group_by: [device_id, devices.site_id, {name: label_lc, expr: lower(label)}]`
void Parser::parse_group_by(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node) {
    const std::string what = "`group_by` of continuous aggregate `" + agg.name + "`";
    if (node.IsScalar() && node.Scalar().find(',') != std::string::npos) {
        read_name_list(ctx, node, what);  // `group_by: a, b`: says to write a list
        return;
    }
    if (!node.IsSequence() && !node.IsScalar()) {
        ctx.diags.error(location_of(ctx, node), what + " must be a list, e.g. `group_by: [device_id]`");
        return;
    }
    // One column alone may be written without brackets, as for other name lists.
    std::vector<YAML::Node> items;
    if (node.IsScalar())
        items.push_back(node);
    else
        for (const auto& item : node) items.push_back(item);
    for (const auto& item : items) {
        GroupKey key;
        key.loc = location_of(ctx, item);
        if (item.IsScalar()) {
            std::string text = item.Scalar();
            if (text.find_first_of("( +-*/|:'") != std::string::npos) {
                ctx.diags.error(key.loc, "`" + text + "` in " + what +
                                             " is an expression; write it with the name of the column it becomes: "
                                             "`{name: <column>, expr: " +
                                             text + "}`");
                continue;
            }
            if (const size_t dot = text.find('.'); dot != std::string::npos) {
                key.relation = text.substr(0, dot);
                text = text.substr(dot + 1);
                if (!check_identifier(ctx, key.relation, key.loc, "table")) continue;
            }
            key.name = text;
            if (!check_identifier(ctx, key.name, key.loc, "column")) continue;
        } else {
            MapReader spec(ctx, item, "an entry of " + what);
            if (!spec.valid()) continue;
            if (auto name = spec.take_string("name")) {
                key.name = *name;
                key.loc = spec.value_loc("name");
            }
            spec.require("name", "the output column the expression becomes, e.g. `name: label_lc`");
            if (auto expr = spec.take("expr")) {
                key.expression = read_sql(ctx, *expr, "`expr` of " + what).value_or("");
                key.expression_loc = location_of(ctx, *expr);
            }
            spec.require("expr", "the expression grouped by, e.g. `expr: lower(label)`");
            if (auto type = spec.take_string("type")) {
                bool nullable = false;
                key.type = parse_type(ctx, *type, spec.value_loc("type"), &nullable);
            }
            spec.finish();
            if (key.name.empty() || !check_identifier(ctx, key.name, key.loc, "column")) continue;
            if (key.expression.empty()) continue;
        }
        agg.group_by.push_back(std::move(key));
    }
}

// `joins: [{table: devices, on: devices.id = readings.device_id, type: left}]`
void Parser::parse_joins(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node) {
    const std::string what = "`joins` of continuous aggregate `" + agg.name + "`";
    if (!node.IsSequence()) {
        ctx.diags.error(
            location_of(ctx, node),
            what + " must be a list, e.g. `joins: [{table: devices, on: devices.id = readings.device_id}]`");
        return;
    }
    for (const auto& item : node) {
        AggregateJoin join;
        join.loc = location_of(ctx, item);
        MapReader spec(ctx, item, "a join of continuous aggregate `" + agg.name + "`");
        if (!spec.valid()) continue;
        if (auto table = spec.take_string("table")) {
            join.table = {*table, spec.value_loc("table")};
            check_identifier(ctx, *table, join.table.loc, "table");
        }
        spec.require("table", "the plain table joined, e.g. `table: devices`");
        if (auto on = spec.take("on")) {
            join.on = read_sql(ctx, *on, "`on` of the join to `" + join.table.name + "`").value_or("");
            join.on_loc = location_of(ctx, *on);
        }
        spec.require("on", "the join condition, e.g. `on: devices.id = readings.device_id`");
        if (auto type = spec.take_string("type")) {
            if (*type == "left") {
                join.left = true;
            } else if (*type != "inner") {
                const bool outer = *type == "right" || *type == "full";
                ctx.diags.error(spec.value_loc("type"),
                                "`type` of the join to `" + join.table.name + "` is `" + *type + "`; " +
                                    (outer ? "TimescaleDB refuses it (\"only INNER or LEFT joins are supported in "
                                             "continuous aggregates\"); "
                                           : "") +
                                    "write `inner` (the default) or `left`");
            }
        }
        spec.finish();
        agg.joins.push_back(std::move(join));
    }
}

void Parser::parse_aggregate_columns(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node) {
    MapReader columns(ctx, node, "`columns` of continuous aggregate `" + agg.name + "`");
    for (auto& entry : columns.entries()) {
        AggregateColumn column;
        column.name = entry.key;
        column.loc = entry.key_loc;
        if (!check_identifier(ctx, column.name, column.loc, "column")) continue;
        const std::string what = "column `" + agg.name + "." + column.name + "`";
        if (entry.value.IsScalar()) {
            column.expression = read_sql(ctx, entry.value, what).value_or("");
            column.expression_loc = location_of(ctx, entry.value);
        } else {
            MapReader spec(ctx, entry.value, what);
            if (auto expr = spec.take("expr")) {
                column.expression = read_sql(ctx, *expr, "`expr` of " + what).value_or("");
                column.expression_loc = location_of(ctx, *expr);
            }
            spec.require("expr", "the aggregate expression, e.g. `expr: avg(value)`");
            if (auto type = spec.take_string("type")) {
                bool nullable = false;
                column.type = parse_type(ctx, *type, spec.value_loc("type"), &nullable);
            }
            if (auto c = spec.take_string("comment")) column.comment = *c;
            spec.finish();
        }
        agg.columns.push_back(std::move(column));
    }
}

}  // namespace hyperschema::parse

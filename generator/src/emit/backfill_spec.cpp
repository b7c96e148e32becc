#include "emit/backfill_spec.hpp"

#include <set>

#include <hyperschema/migration.hpp>

namespace hyperschema::emit {
namespace {

// The batch size in key units: an interval divided by the unit's length.
int64_t batch_units(const Backfill& b, bool time_key) {
    if (!b.batch) return 0;
    if (b.batch->integer_units) return b.batch->micros;
    const int64_t micros = b.batch->days * Interval::kMicrosPerDay + b.batch->micros;
    if (time_key || b.unit == "microseconds") return micros;
    if (b.unit == "milliseconds") return micros / 1000;
    return micros / Interval::kMicrosPerSecond;
}

// A key or time column's type as the runner casts to it.
std::string cast_name(const ColumnType& type) {
    switch (type.base) {
        case BaseType::Smallint:
            return "smallint";
        case BaseType::Integer:
            return "integer";
        case BaseType::Bigint:
            return "bigint";
        case BaseType::Timestamptz:
            return "timestamptz";
        case BaseType::Timestamp:
            return "timestamp";
        case BaseType::Date:
            return "date";
        default:
            return type.catalog_sql();
    }
}

// A bucket width in the units of the time column it buckets.
std::string pad(const ContinuousAggregate& a) {
    return a.bucket.integer_units ? std::to_string(a.bucket.micros) : a.bucket.text();
}

// The aggregates over `relation`, then the ones over those: parents first.
std::vector<BackfillAggregate> aggregates_over(const Schema& schema, const std::string& relation) {
    std::vector<BackfillAggregate> out;
    std::set<std::string> seen;
    std::vector<std::string> sources{relation};
    for (size_t next = 0; next < sources.size(); ++next) {
        for (const auto& a : schema.aggregates) {
            if (a.source.name != sources[next] || !seen.insert(a.name).second) continue;
            out.push_back({schema.namespace_, a.name, pad(a)});
            sources.push_back(a.name);
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> backfill_key(const Table& target) {
    std::vector<std::string> key;
    if (target.primary_key) {
        for (const auto& c : target.primary_key->columns) key.push_back(c.name);
        return key;
    }
    if (!target.uniques.empty()) {
        for (const auto& c : target.uniques.front().columns) key.push_back(c.name);
        return key;
    }
    for (const auto& index : target.indexes) {
        if (!index.unique || !index.where.empty()) continue;
        key.clear();
        for (const auto& part : index.keys) {
            if (part.is_expression()) break;
            key.push_back(part.column);
        }
        if (key.size() == index.keys.size()) return key;
    }
    return {};
}

BackfillSpec backfill_spec(const Schema& schema, const Backfill& b) {
    BackfillSpec s;
    s.name = b.name;
    s.source_schema = s.target_schema = schema.namespace_;
    s.source_table = b.source.name;
    s.key = b.key.name;
    if (const Table* source = schema.find_table(b.source.name))
        if (const Column* key = source->find_column(b.key.name)) s.key_type = cast_name(key->type);
    s.unit = b.unit;
    s.batch = batch_units(b, s.time_key());
    s.target_table = b.target.name;
    for (const auto& c : b.columns) s.columns.push_back(c.name);
    s.select = b.select;
    s.expect = b.expect;
    s.on_conflict = b.on_conflict == "error"    ? ConflictAction::Error
                    : b.on_conflict == "update" ? ConflictAction::Update
                                                : ConflictAction::DoNothing;
    if (const Table* target = schema.find_table(b.target.name)) {
        s.key_columns = backfill_key(*target);
        if (target->hypertable) {
            s.target_time = target->hypertable->time_column.name;
            if (const Column* time = target->find_column(s.target_time)) s.target_time_type = cast_name(time->type);
            s.aggregates = aggregates_over(schema, target->name);
        }
    }
    for (const auto& c : b.checks) s.checks.push_back({c.name, c.empty, c.source, c.target});
    s.pause_ms = b.pause_ms;
    s.max_rows_per_second = static_cast<double>(b.max_rows_per_second);
    return s;
}

std::string backfill_step(const Schema& schema, const Backfill& backfill) {
    const BackfillSpec spec = backfill_spec(schema, backfill);
    return std::string(kBackfillMarker) + backfill_to_json(spec) +
           "\n-- psql runs the whole backfill as this one statement; `hyperschema migrate up` (and the runtime's\n"
           "-- migrate()) run it in checkpointed batches instead (`hyperschema backfill status " +
           backfill.name + "`).\n" + backfill_whole_statement(spec) + "\n";
}

}  // namespace hyperschema::emit

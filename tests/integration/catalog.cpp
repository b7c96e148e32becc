#include "integration/catalog.hpp"

#include <map>

#include "emit/sql_statements.hpp"

namespace hyperschema::testing {
namespace {

using Mismatches = std::vector<std::string>;

// PostgreSQL's format_type() spelling of a model type.
std::string catalog_type(const Schema& schema, const ColumnType& t) {
    std::string base;
    switch (t.base) {
        case BaseType::Varchar:
            base = t.length < 0 ? "character varying" : "character varying(" + std::to_string(t.length) + ")";
            break;
        case BaseType::Timestamptz:
        case BaseType::Timestamp: {
            std::string precision = t.precision < 0 ? "" : "(" + std::to_string(t.precision) + ")";
            base = "timestamp" + precision + (t.base == BaseType::Timestamptz ? " with" : " without") + " time zone";
            break;
        }
        case BaseType::Enum:
            base = schema.namespace_ == "public" ? t.enum_name : schema.namespace_ + "." + t.enum_name;
            break;
        default:
            base = t.element().sql();
            break;
    }
    for (int i = 0; i < t.array_dims; ++i) base += "[]";
    return base;
}

void check_columns(pqxx::work& tx, const Schema& schema, Mismatches& out) {
    std::map<std::string, std::map<std::string, std::pair<std::string, bool>>> live;
    auto rows = tx.exec_params(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
        schema.namespace_);
    for (const auto& r : rows) live[r[0].c_str()][r[1].c_str()] = {r[2].c_str(), r[3].as<bool>()};
    for (const auto& table : schema.tables) {
        auto t = live.find(table.name);
        if (t == live.end()) {
            out.push_back("table " + table.name + " is missing");
            continue;
        }
        if (t->second.size() != table.columns.size()) {
            out.push_back("table " + table.name + " has " + std::to_string(t->second.size()) + " columns, expected " +
                          std::to_string(table.columns.size()));
        }
        for (const auto& c : table.columns) {
            auto col = t->second.find(c.name);
            if (col == t->second.end()) {
                out.push_back("column " + table.name + "." + c.name + " is missing");
                continue;
            }
            if (col->second.first != catalog_type(schema, c.type))
                out.push_back("column " + table.name + "." + c.name + " has type " + col->second.first + ", expected " +
                              catalog_type(schema, c.type));
            if (col->second.second == c.nullable)
                out.push_back("column " + table.name + "." + c.name + " nullability differs");
        }
    }
}

bool exists(pqxx::work& tx, const std::string& sql, const std::string& ns, const std::string& name) {
    return tx.exec_params(sql, ns, name)[0][0].as<bool>();
}

void check_named_objects(pqxx::work& tx, const Schema& schema, Mismatches& out) {
    const std::string ns = schema.namespace_;
    const char* constraint_sql =
        "SELECT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace "
        "WHERE n.nspname = $1 AND k.conname = $2)";
    const char* index_sql = "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2)";
    for (const auto& t : schema.tables) {
        std::vector<std::string> constraints;
        if (t.primary_key) constraints.push_back(t.primary_key->name);
        for (const auto& u : t.uniques) constraints.push_back(u.name);
        for (const auto& f : t.foreign_keys) constraints.push_back(f.name);
        for (const auto& c : t.checks) constraints.push_back(c.name);
        for (const auto& c : constraints) {
            if (!exists(tx, constraint_sql, ns, c)) out.push_back("constraint " + c + " on " + t.name + " is missing");
        }
        for (const auto& i : t.indexes) {
            if (!exists(tx, index_sql, ns, i.name)) out.push_back("index " + i.name + " is missing");
        }
    }
    for (const auto& v : schema.views) {
        if (!exists(tx, "SELECT EXISTS (SELECT 1 FROM pg_views WHERE schemaname = $1 AND viewname = $2)", ns, v.name))
            out.push_back("view " + v.name + " is missing");
    }
    for (const auto& e : schema.enums) {
        auto rows = tx.exec_params(
            "SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = "
            "e.enumtypid "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2",
            ns, e.name);
        std::string expected;
        for (const auto& v : e.values) expected += (expected.empty() ? "" : ",") + v.name;
        if (rows[0][0].is_null() || rows[0][0].c_str() != expected) out.push_back("enum " + e.name + " labels differ");
    }
}

std::string interval_text(const std::optional<Interval>& iv) {
    return iv ? iv->text() : "";
}

// True when exactly one job of proc_name on `relation` matches the settings.
bool has_job(pqxx::work& tx, const std::string& relation, const std::string& proc, const std::string& config_checks,
             const std::vector<std::string>& params) {
    std::string sql = "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = $1 AND proc_name = $2";
    sql += config_checks;
    pqxx::result r;
    switch (params.size()) {
        case 0:
            r = tx.exec_params(sql, relation, proc);
            break;
        case 1:
            r = tx.exec_params(sql, relation, proc, params[0]);
            break;
        case 2:
            r = tx.exec_params(sql, relation, proc, params[0], params[1]);
            break;
        default:
            r = tx.exec_params(sql, relation, proc, params[0], params[1], params[2]);
            break;
    }
    return r[0][0].as<int>() == 1;
}

void check_policies(pqxx::work& tx, const std::string& relation, const std::optional<Compression>& compression,
                    const std::optional<Retention>& retention, Mismatches& out) {
    if (compression && compression->after) {
        std::vector<std::string> params{compression->after->text()};
        if (compression->schedule) params.push_back(compression->schedule->text());
        if (!has_job(tx, relation, "policy_compression",
                     " AND (config->>'compress_after')::interval = $3::interval" +
                         std::string(compression->schedule ? " AND schedule_interval = $4::interval" : ""),
                     params))
            out.push_back("compression policy of " + relation + " is missing or differs");
    }
    if (retention) {
        std::vector<std::string> params{retention->drop_after.text()};
        if (retention->schedule) params.push_back(retention->schedule->text());
        if (!has_job(tx, relation, "policy_retention",
                     " AND (config->>'drop_after')::interval = $3::interval" +
                         std::string(retention->schedule ? " AND schedule_interval = $4::interval" : ""),
                     params))
            out.push_back("retention policy of " + relation + " is missing or differs");
    }
}

std::string key_list(const std::vector<KeyPart>& keys) {
    std::string out;
    for (const auto& k : keys) {
        if (!out.empty()) out += ",";
        out += k.column;
        // PostgreSQL's defaults: NULLS LAST for ASC, NULLS FIRST for DESC.
        const bool desc = k.order == SortOrder::Desc;
        if (desc) out += " DESC";
        if (k.nulls == NullsOrder::First && !desc) out += " NULLS FIRST";
        if (k.nulls == NullsOrder::Last && desc) out += " NULLS LAST";
    }
    return out;
}

// compression_settings as "seg1,seg2|ord1 DESC,ord2" for the given hypertable.
std::string compression_of(pqxx::work& tx, const std::string& ht_schema, const std::string& ht_name) {
    auto r = tx.exec_params(
        "SELECT coalesce(string_agg(attname, ',' ORDER BY segmentby_column_index) FILTER (WHERE segmentby_column_index "
        "IS NOT NULL), ''),"
        "       coalesce(string_agg(attname || CASE WHEN orderby_asc THEN '' ELSE ' DESC' END"
        "                || CASE WHEN orderby_nullsfirst AND orderby_asc THEN ' NULLS FIRST'"
        "                        WHEN NOT orderby_nullsfirst AND NOT orderby_asc THEN ' NULLS LAST' ELSE '' END,"
        "                ',' ORDER BY orderby_column_index) FILTER (WHERE orderby_column_index IS NOT NULL), '')"
        " FROM timescaledb_information.compression_settings WHERE hypertable_schema = $1 AND hypertable_name = $2",
        ht_schema, ht_name);
    return std::string(r[0][0].c_str()) + "|" + r[0][1].c_str();
}

void check_compression_settings(pqxx::work& tx, const std::string& what, const std::string& ht_schema,
                                const std::string& ht_name, const Compression& c, Mismatches& out) {
    std::string segment;
    for (const auto& s : c.segment_by) segment += (segment.empty() ? "" : ",") + s.name;
    std::string live = compression_of(tx, ht_schema, ht_name);
    std::string live_segment = live.substr(0, live.find('|'));
    std::string live_order = live.substr(live.find('|') + 1);
    if (live_segment != segment)
        out.push_back("segment_by of " + what + " is " + live_segment + ", expected " + segment);
    if (!c.order_by.empty() && live_order != key_list(c.order_by))
        out.push_back("order_by of " + what + " is " + live_order + ", expected " + key_list(c.order_by));
}

void check_timescale(pqxx::work& tx, const Schema& schema, Mismatches& out) {
    const std::string ns = schema.namespace_;
    for (const auto& t : schema.tables) {
        if (!t.hypertable) continue;
        const Hypertable& h = *t.hypertable;
        auto dim = tx.exec_params(
            "SELECT column_name, time_interval = coalesce($3::interval, INTERVAL '7 days') FROM "
            "timescaledb_information.dimensions "
            "WHERE hypertable_schema = $1 AND hypertable_name = $2 AND dimension_type = 'Time'",
            ns, t.name, h.chunk_interval ? std::optional<std::string>(h.chunk_interval->text()) : std::nullopt);
        if (dim.size() != 1 || dim[0][0].c_str() != h.time_column.name || !dim[0][1].as<bool>())
            out.push_back("hypertable " + t.name + ": time dimension or chunk interval differs");
        if (h.space) {
            auto space = tx.exec_params(
                "SELECT count(*) FROM timescaledb_information.dimensions WHERE hypertable_schema = $1 AND "
                "hypertable_name = $2 "
                "AND dimension_type = 'Space' AND column_name = $3 AND num_partitions = $4",
                ns, t.name, h.space->column.name, h.space->partitions);
            if (space[0][0].as<int>() != 1) out.push_back("hypertable " + t.name + ": space dimension differs");
        }
        if (h.compression) check_compression_settings(tx, "hypertable " + t.name, ns, t.name, *h.compression, out);
        check_policies(tx, t.name, h.compression, h.retention, out);
    }
    for (const auto& a : schema.aggregates) {
        auto rows = tx.exec_params(
            "SELECT materialized_only, materialization_hypertable_schema, materialization_hypertable_name, "
            "view_definition "
            "FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = $2",
            ns, a.name);
        if (rows.size() != 1) {
            out.push_back("continuous aggregate " + a.name + " is missing");
            continue;
        }
        if (rows[0][0].as<bool>() != a.materialized_only) out.push_back("materialized_only of " + a.name + " differs");
        std::string definition = rows[0][3].c_str();
        if (definition.find("FROM " + a.source.name) == std::string::npos)
            out.push_back("continuous aggregate " + a.name + " does not read from " + a.source.name + ": " +
                          definition);
        if (a.compression)
            check_compression_settings(tx, "aggregate " + a.name, rows[0][1].c_str(), rows[0][2].c_str(),
                                       *a.compression, out);
        if (a.refresh) {
            const RefreshPolicy& r = *a.refresh;
            auto offset_check = [](const char* key, int param) {
                return std::string(" AND (config->>'") + key + "')::interval IS NOT DISTINCT FROM nullif($" +
                       std::to_string(param) + ", '')::interval";
            };
            if (!has_job(tx, a.name, "policy_refresh_continuous_aggregate",
                         offset_check("start_offset", 3) + offset_check("end_offset", 4) +
                             " AND schedule_interval = $5::interval",
                         {interval_text(r.start_offset), interval_text(r.end_offset), r.schedule.text()}))
                out.push_back("refresh policy of " + a.name + " is missing or differs");
        }
        check_policies(tx, a.name, a.compression, a.retention, out);
    }
}

}  // namespace

std::vector<std::string> catalog_mismatches(pqxx::connection& conn, const Schema& schema, bool timescaledb) {
    Mismatches out;
    pqxx::work tx(conn);
    check_columns(tx, schema, out);
    check_named_objects(tx, schema, out);
    if (timescaledb) check_timescale(tx, schema, out);
    return out;
}

}  // namespace hyperschema::testing

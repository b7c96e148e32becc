#include "emit/sql_statements.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "emit/identifiers.hpp"
#include "emit/printer.hpp"
#include "model/relations.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::emit {
namespace {

std::string key_part_sql(const KeyPart& key) {
    std::string out = key.is_expression() ? "(" + key.expression + ")" : quote_ident(key.column);
    if (key.order == SortOrder::Asc) out += " ASC";
    if (key.order == SortOrder::Desc) out += " DESC";
    if (key.nulls == NullsOrder::First) out += " NULLS FIRST";
    if (key.nulls == NullsOrder::Last) out += " NULLS LAST";
    return out;
}

std::string default_sql(const Column& column) {
    const ColumnDefault& d = column.default_value;
    if (d.kind == ColumnDefault::Kind::Expression) return d.text;
    const ColumnType& t = column.type;
    // NaN and Infinity are numeric values but must be quoted to parse.
    const bool finite = d.text != "NaN" && d.text.find("Infinity") == std::string::npos;
    // PostgreSQL reads yes/on/1/t as booleans only inside quotes; bare, only true and false.
    const bool boolean_keyword =
        t.base == BaseType::Boolean && !t.is_array() && (d.text == "true" || d.text == "false");
    bool bare = (t.is_numeric_family() && sqltext::is_number_literal(d.text) && finite) || boolean_keyword;
    return bare ? d.text : quote_literal(d.text);
}

// FOREIGN KEY (...) REFERENCES ..., without the constraint's name.
std::string foreign_key_definition(const Schema& schema, const ForeignKey& fk) {
    std::string out = "FOREIGN KEY (" + column_list(fk.columns) + ") REFERENCES " +
                      qualified(schema.namespace_, fk.ref_table.name) + " (" +
                      column_list(referenced_columns(schema, fk)) + ")";
    if (fk.on_delete != ReferentialAction::NoAction) out += " ON DELETE " + referential_action_sql(fk.on_delete);
    if (fk.on_update != ReferentialAction::NoAction) out += " ON UPDATE " + referential_action_sql(fk.on_update);
    return out;
}

std::string timescale_key_list(const std::vector<KeyPart>& keys) {
    std::vector<std::string> parts;
    for (const auto& k : keys) parts.push_back(key_part_sql(k));
    return join(parts, ", ");
}

// The origin literal must have the time column's own type, or TimescaleDB
// does not recognise the bucket as one over the hypertable's dimension.
std::string origin_type(const Schema& schema, const ContinuousAggregate& agg) {
    RelationShape source = shape_of(schema, agg.source.name);
    const RelationColumn* time = source.find(source.time_column);
    if (time && time->type && time->type->base == BaseType::Timestamp) return "TIMESTAMP ";
    if (time && time->type && time->type->base == BaseType::Date) return "DATE ";
    return "TIMESTAMPTZ ";
}

// An integer width or offset is typed as the time column, so that
// time_bucket's overload for that type is the one called (a bare 100 over a
// smallint column would make integer buckets).
std::string bucket_amount(const Schema& schema, const ContinuousAggregate& agg, const Interval& amount) {
    if (!amount.integer_units) return amount.sql();
    RelationShape source = shape_of(schema, agg.source.name);
    const RelationColumn* time = source.find(source.time_column);
    return amount.sql() + (time && time->type ? "::" + time->type->sql() : std::string());
}

// The arguments of a kind's add function that say what the policy does.
std::vector<std::string> policy_arguments(const Policy& p) {
    const PolicyKindTraits& kind = policy_traits(p.kind);
    auto offset = [](const std::optional<Interval>& iv) { return iv ? iv->sql() : std::string("NULL"); };
    switch (p.kind) {
        case PolicyKind::Refresh: {
            std::vector<std::string> out{std::string(kind.threshold) + " => " + offset(p.start_offset),
                                         std::string(kind.second) + " => " + offset(p.end_offset)};
            if (p.buckets_per_batch) out.push_back("buckets_per_batch => " + std::to_string(*p.buckets_per_batch));
            if (p.max_batches_per_execution)
                out.push_back("max_batches_per_execution => " + std::to_string(*p.max_batches_per_execution));
            if (p.refresh_newest_first)
                out.push_back(std::string("refresh_newest_first => ") + (*p.refresh_newest_first ? "true" : "false"));
            return out;
        }
        case PolicyKind::Compression:
        case PolicyKind::Retention:
            return {std::string(kind.threshold) + " => " + p.after->sql()};
        case PolicyKind::Reorder:
            return {std::string(kind.threshold) + " => " + quote_literal(p.index.name)};
    }
    return {};
}

// alter_job()'s arguments for the settings set in `job` (the schedule only
// when `schedule`).
std::vector<std::string> job_arguments(const JobSettings& job, bool schedule) {
    std::vector<std::string> out;
    if (schedule && job.schedule) out.push_back("schedule_interval => " + job.schedule->sql());
    if (job.max_runtime) out.push_back("max_runtime => " + job.max_runtime->sql());
    if (job.max_retries) out.push_back("max_retries => " + std::to_string(*job.max_retries));
    if (job.retry_period) out.push_back("retry_period => " + job.retry_period->sql());
    if (job.fixed_schedule) out.push_back(std::string("fixed_schedule => ") + (*job.fixed_schedule ? "true" : "false"));
    return out;
}

}  // namespace

std::string source_time_column(const Schema& schema, const ContinuousAggregate& agg) {
    if (const Table* t = schema.find_table(agg.source.name); t && t->hypertable) return t->hypertable->time_column.name;
    if (const ContinuousAggregate* parent = schema.find_aggregate(agg.source.name)) return parent->bucket_column;
    return "time";
}

std::string bucket_call(const Schema& schema, const ContinuousAggregate& agg, const std::string& time_column) {
    std::string out = "time_bucket(" + bucket_amount(schema, agg, agg.bucket) + ", " + time_column;
    if (agg.timezone) out += ", timezone => " + quote_literal(*agg.timezone);
    if (agg.origin) out += ", origin => " + origin_type(schema, agg) + quote_literal(*agg.origin);
    // time_bucket(width, ts, offset) over integers has the offset third, as
    // people write it; over timestamps the third is another parameter.
    if (agg.offset)
        out += (agg.offset->integer_units ? ", " : ", \"offset\" => ") + bucket_amount(schema, agg, *agg.offset);
    return out + ")";
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
    return out;
}

std::string column_list(const std::vector<NameRef>& columns) {
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back(quote_ident(c.name));
    return join(names, ", ");
}

std::string referential_action_sql(ReferentialAction a) {
    std::string out = referential_action_name(a);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<NameRef> referenced_columns(const Schema& schema, const ForeignKey& fk) {
    if (!fk.ref_columns.empty()) return fk.ref_columns;
    if (const Table* target = schema.find_table(fk.ref_table.name); target && target->primary_key)
        return target->primary_key->columns;
    return {};
}

std::string column_type_sql(const Schema& schema, const ColumnType& type) {
    if (type.base != BaseType::Enum && type.domain.empty()) return type.sql();
    std::string out = qualified(schema.namespace_, type.domain.empty() ? type.enum_name : type.domain);
    for (int i = 0; i < type.array_dims; ++i) out += "[]";
    return out;
}

// serial, bigserial, smallserial: the type that makes PostgreSQL create the
// column's sequence and default.
std::string serial_type_sql(const ColumnType& type) {
    switch (type.base) {
        case BaseType::Smallint:
            return "smallserial";
        case BaseType::Bigint:
            return "bigserial";
        default:
            return "serial";
    }
}

std::string column_definition(const Schema& schema, const Column& column) {
    std::string out = quote_ident(column.name) + " " +
                      (column.serial ? serial_type_sql(column.type) : column_type_sql(schema, column.type));
    if (!column.collation.empty()) out += " COLLATE " + quote_ident(column.collation);
    if (column.default_value.kind != ColumnDefault::Kind::None) out += " DEFAULT " + default_sql(column);
    if (column.identity) out += " " + identity_sql(*column.identity, column.type);
    if (!column.generated.empty()) out += " GENERATED ALWAYS AS (" + column.generated + ") STORED";
    if (schema.column_not_null(column)) out += " NOT NULL";
    return out;
}

std::string identity_sql(const Identity& identity, const ColumnType& type) {
    std::string out = identity.always ? "GENERATED ALWAYS AS IDENTITY" : "GENERATED BY DEFAULT AS IDENTITY";
    const std::string options = sequence_options_sql(identity.sequence, type, SequenceClause::Create);
    return options.empty() ? out : out + " (" + options + ")";
}

std::string sequence_options_sql(const SequenceOptions& o, const ColumnType& type, SequenceClause clause) {
    std::vector<std::string> parts;
    const bool all = clause != SequenceClause::Create;
    const std::string set = clause == SequenceClause::AlterIdentity ? "SET " : "";
    if (o.increment || all) parts.push_back(set + "INCREMENT BY " + std::to_string(o.increment.value_or(1)));
    if (o.min_value)
        parts.push_back(set + "MINVALUE " + std::to_string(*o.min_value));
    else if (all)
        parts.push_back(set + "NO MINVALUE");
    if (o.max_value)
        parts.push_back(set + "MAXVALUE " + std::to_string(*o.max_value));
    else if (all)
        parts.push_back(set + "NO MAXVALUE");
    if (o.start || all) parts.push_back(set + "START WITH " + std::to_string(o.resolved(type).start));
    if (o.cache || all) parts.push_back(set + "CACHE " + std::to_string(o.cache.value_or(1)));
    if (o.cycle)
        parts.push_back(set + "CYCLE");
    else if (all)
        parts.push_back(set + "NO CYCLE");
    return join(parts, " ");
}

std::string create_sequence(const Schema& schema, const Sequence& s) {
    std::string out = "CREATE SEQUENCE " + qualified(schema.namespace_, s.name) + " AS " + s.type.sql();
    const std::string options = sequence_options_sql(s.options, s.type, SequenceClause::Create);
    out += (options.empty() ? "" : " " + options) + ";\n";
    if (!s.comment.empty())
        out +=
            "COMMENT ON SEQUENCE " + qualified(schema.namespace_, s.name) + " IS " + quote_literal(s.comment) + ";\n";
    return out;
}

std::string sequence_owner_sql(const Schema& schema, const Sequence& s) {
    const std::string owner =
        s.owned_by_table ? qualified(schema.namespace_, s.owned_by_table->name) + "." + quote_ident(s.owned_by_column)
                         : "NONE";
    return "ALTER SEQUENCE " + qualified(schema.namespace_, s.name) + " OWNED BY " + owner + ";\n";
}

std::string default_expression(const Column& column) {
    return column.default_value.kind == ColumnDefault::Kind::None ? "" : default_sql(column);
}

std::string ConstraintSql::clause() const {
    return "CONSTRAINT " + quote_ident(name) + " " + definition;
}

const Index* referenced_index(const Schema& schema, const ForeignKey& fk) {
    const Table* target = schema.find_table(fk.ref_table.name);
    return target ? target->referenced_key(target->referenced_columns(fk)).index : nullptr;
}

// Every unique key of the target on exactly the columns a foreign key
// references: PostgreSQL binds the foreign key to one of them, its own choice,
// and refuses to drop that one while the key exists. A change among them
// re-creates the foreign key around it.
std::string referenced_keys(const Schema& schema, const ForeignKey& fk) {
    const Table* target = schema.find_table(fk.ref_table.name);
    if (!target) return "";
    std::vector<std::string> keys;
    for (const auto& key : target->unique_keys_on(target->referenced_columns(fk))) {
        if (key.primary_key) keys.push_back(primary_key_definition(*key.primary_key));
        if (key.unique) keys.push_back(unique_definition(*key.unique));
        if (key.index) keys.push_back(create_index(schema, *target, *key.index));
    }
    std::sort(keys.begin(), keys.end());
    return join(keys, "");
}

// As pg_get_constraintdef() prints them: "PRIMARY KEY (a) INCLUDE (b)",
// "UNIQUE NULLS NOT DISTINCT (a)".
std::string primary_key_definition(const PrimaryKey& pk) {
    return "PRIMARY KEY (" + column_list(pk.columns) + ")" +
           (pk.include.empty() ? "" : " INCLUDE (" + column_list(pk.include) + ")");
}

std::string unique_definition(const UniqueConstraint& u) {
    return std::string("UNIQUE ") + (u.nulls_not_distinct ? "NULLS NOT DISTINCT " : "") + "(" + column_list(u.columns) +
           ")" + (u.include.empty() ? "" : " INCLUDE (" + column_list(u.include) + ")");
}

std::string exclusion_definition(const ExclusionConstraint& x, std::string (*key)(const KeyPart&)) {
    std::vector<std::string> elements;
    for (const auto& e : x.elements) elements.push_back(key(e.key) + " WITH " + e.operator_);
    std::string out = std::string("EXCLUDE USING ") + index_method_name(x.method) + " (" + join(elements, ", ") + ")";
    if (!x.include.empty()) out += " INCLUDE (" + column_list(x.include) + ")";
    if (!x.where.empty()) out += " WHERE (" + x.where + ")";
    return out;
}

std::vector<ConstraintSql> table_constraints(const Schema& schema, const Table& table) {
    std::vector<ConstraintSql> out;
    if (table.primary_key) {
        out.push_back({table.primary_key->name, ConstraintKind::PrimaryKey, primary_key_definition(*table.primary_key),
                       "", table.primary_key->loc, table.primary_key->comment});
    }
    for (const auto& u : table.uniques)
        out.push_back({u.name, ConstraintKind::Unique, unique_definition(u), "", u.loc, u.comment});
    for (const auto& fk : table.foreign_keys) {
        out.push_back({fk.name, ConstraintKind::ForeignKey, foreign_key_definition(schema, fk),
                       referenced_keys(schema, fk), fk.loc, fk.comment});
    }
    for (const auto& check : table.checks) {
        out.push_back(
            {check.name, ConstraintKind::Check, "CHECK (" + check.expression + ")", "", check.loc, check.comment});
    }
    for (const auto& x : table.exclusions)
        out.push_back({x.name, ConstraintKind::Exclusion, exclusion_definition(x, key_part_sql), "", x.loc, x.comment});
    return out;
}

std::string constraint_comment(const Schema& schema, const std::string& table, const ConstraintSql& constraint,
                               bool clear) {
    if (constraint.comment.empty() && !clear) return "";
    return "COMMENT ON CONSTRAINT " + quote_ident(constraint.name) + " ON " + qualified(schema.namespace_, table) +
           " IS " + (constraint.comment.empty() ? "NULL" : quote_literal(constraint.comment)) + ";\n";
}

std::string index_comment(const Schema& schema, const Index& index, bool clear) {
    if (index.comment.empty() && !clear) return "";
    return "COMMENT ON INDEX " + qualified(schema.namespace_, index.name) + " IS " +
           (index.comment.empty() ? "NULL" : quote_literal(index.comment)) + ";\n";
}

std::string create_namespace(const Schema& schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema.namespace_) + ";\n" +
           (schema.namespace_comment.empty() ? "" : namespace_comment(schema));
}

std::string namespace_comment(const Schema& schema) {
    return set_comment("SCHEMA " + quote_ident(schema.namespace_), schema.namespace_comment);
}

std::string create_extension(const Extension& extension) {
    return "CREATE EXTENSION IF NOT EXISTS " + quote_ident(extension.name) + ";\n";
}

std::string create_enum(const Schema& schema, const Enum& e) {
    std::vector<std::string> labels;
    for (const auto& v : e.values) labels.push_back(quote_literal(v.name));
    std::string out =
        "CREATE TYPE " + qualified(schema.namespace_, e.name) + " AS ENUM (" + join(labels, ", ") + ");\n";
    if (!e.comment.empty()) {
        out += "COMMENT ON TYPE " + qualified(schema.namespace_, e.name) + " IS " + quote_literal(e.comment) + ";\n";
    }
    return out;
}

std::string create_domain(const Schema& schema, const Domain& d) {
    const std::string name = qualified(schema.namespace_, d.name);
    std::string out = "CREATE DOMAIN " + name + " AS " + column_type_sql(schema, d.type);
    if (!d.default_sql.empty()) out += " DEFAULT " + d.default_sql;
    if (d.not_null) out += " NOT NULL";
    for (const auto& c : d.checks) out += "\n    CONSTRAINT " + quote_ident(c.name) + " CHECK (" + c.expression + ")";
    out += ";\n";
    if (!d.comment.empty()) out += "COMMENT ON DOMAIN " + name + " IS " + quote_literal(d.comment) + ";\n";
    return out;
}

// fillfactor = '70': quoted, so that reloptions keeps the value as written
// (PostgreSQL would spell an unquoted True or 070 its own way).
std::string storage_sql(const std::vector<StorageSetting>& parameters) {
    std::vector<std::string> parts;
    for (const auto& [name, value, loc] : parameters) parts.push_back(name + " = " + quote_literal(value));
    return join(parts, ", ");
}

std::string create_table(const Schema& schema, const Table& table, const std::set<std::string>& inline_foreign_keys) {
    std::vector<std::string> lines;
    for (const auto& c : table.columns) lines.push_back(column_definition(schema, c));
    for (const auto& c : table_constraints(schema, table)) {
        if (c.kind != ConstraintKind::ForeignKey || inline_foreign_keys.count(c.name)) lines.push_back(c.clause());
    }
    Printer p;
    p.print("CREATE $unlogged$TABLE $name$ (\n",
            {{"unlogged", table.unlogged ? "UNLOGGED " : ""}, {"name", qualified(schema.namespace_, table.name)}});
    {
        auto indent = p.indent();
        for (size_t i = 0; i < lines.size(); ++i) {
            p.print("$line$$comma$\n", {{"line", lines[i]}, {"comma", i + 1 < lines.size() ? "," : ""}});
        }
    }
    p.print(")$with$;\n", {{"with", table.storage.empty() ? "" : " WITH (" + storage_sql(table.storage) + ")"}});
    return p.text();
}

std::string add_foreign_key(const Schema& schema, const Table& table, const ForeignKey& fk) {
    std::string out = "ALTER TABLE " + qualified(schema.namespace_, table.name) + " ADD CONSTRAINT " +
                      quote_ident(fk.name) + " " + foreign_key_definition(schema, fk) + ";\n";
    if (!fk.comment.empty())
        out += "COMMENT ON CONSTRAINT " + quote_ident(fk.name) + " ON " + qualified(schema.namespace_, table.name) +
               " IS " + quote_literal(fk.comment) + ";\n";
    return out;
}

std::string create_table_block(const Schema& schema, const Table& table, const std::set<std::string>& existing,
                               std::vector<const ForeignKey*>* deferred) {
    std::set<std::string> inline_foreign_keys;
    for (const auto& fk : table.foreign_keys) {
        // A unique index is created after the tables (AddIndexes), so a
        // foreign key that needs one is added after it.
        const bool target_ready = existing.count(fk.ref_table.name) || fk.ref_table.name == table.name;
        if (target_ready && !referenced_index(schema, fk)) {
            inline_foreign_keys.insert(fk.name);
        } else {
            deferred->push_back(&fk);
        }
    }
    std::string sql = create_table(schema, table, inline_foreign_keys) + table_comments(schema, table);
    for (const auto& c : table_constraints(schema, table))
        if (c.kind != ConstraintKind::ForeignKey || inline_foreign_keys.count(c.name))
            sql += constraint_comment(schema, table.name, c);
    if (table.hypertable) sql += create_hypertable(schema, table);
    return sql;
}

std::string table_comments(const Schema& schema, const Table& table) {
    std::string out;
    const std::string name = qualified(schema.namespace_, table.name);
    if (!table.comment.empty()) out += "COMMENT ON TABLE " + name + " IS " + quote_literal(table.comment) + ";\n";
    for (const auto& c : table.columns) out += column_comment(schema, table.name, c);
    return out;
}

std::string set_comment(const std::string& object, const std::string& text) {
    return "COMMENT ON " + object + " IS " + (text.empty() ? "NULL" : quote_literal(text)) + ";\n";
}

std::string column_comment(const Schema& schema, const std::string& table, const Column& column) {
    if (column.comment.empty()) return "";
    return "COMMENT ON COLUMN " + qualified(schema.namespace_, table) + "." + quote_ident(column.name) + " IS " +
           quote_literal(column.comment) + ";\n";
}

std::string create_hypertable(const Schema& schema, const Table& table, ExistingRows rows) {
    const Hypertable& h = *table.hypertable;
    std::string dimension = "by_range(" + quote_literal(h.time_column.name);
    if (h.chunk_interval) dimension += ", " + h.chunk_interval->sql();
    dimension += ")";
    std::string out = "SELECT create_hypertable(" + regclass_literal(schema.namespace_, table.name) + ", " + dimension;
    if (!h.create_default_indexes) out += ", create_default_indexes => false";
    if (rows == ExistingRows::MoveIntoChunks) out += ", migrate_data => true";
    out += ");\n";
    for (const auto& d : h.dimensions) out += add_dimension(schema, table, d);
    for (const auto& c : h.chunk_skipping) out += enable_chunk_skipping(schema, table, c.name);
    if (!h.integer_now.name.empty()) out += set_integer_now(schema, table);
    return out;
}

std::string enable_chunk_skipping(const Schema& schema, const Table& table, const std::string& column) {
    return "SET LOCAL timescaledb.enable_chunk_skipping = on;\nSELECT enable_chunk_skipping(" +
           regclass_literal(schema.namespace_, table.name) + ", " + quote_literal(column) + ");\n";
}

std::string disable_chunk_skipping(const Schema& schema, const std::string& table, const std::string& column) {
    return "SET LOCAL timescaledb.enable_chunk_skipping = on;\nSELECT disable_chunk_skipping(" +
           regclass_literal(schema.namespace_, table) + ", " + quote_literal(column) + ");\n";
}

std::string add_dimension(const Schema& schema, const Table& table, const Dimension& d) {
    const std::string builder =
        d.is_hash() ? "by_hash(" + quote_literal(d.column.name) + ", " + std::to_string(d.partitions) + ")"
                    : "by_range(" + quote_literal(d.column.name) + ", " + d.interval->sql() + ")";
    return "SELECT add_dimension(" + regclass_literal(schema.namespace_, table.name) + ", " + builder + ");\n";
}

// By signature: a bare name is ambiguous to regproc when the function has overloads.
std::string set_integer_now(const Schema& schema, const Table& table) {
    return "SELECT set_integer_now_func(" + regclass_literal(schema.namespace_, table.name) + ", " +
           quote_literal(qualified(schema.namespace_, table.hypertable->integer_now.name) + "()") +
           "::regprocedure, replace_if_exists => true);\n";
}

std::string create_index(const Schema& schema, const Table& table, const Index& index, IndexBuild build) {
    const std::string method =
        index.method == IndexMethod::Btree ? "" : std::string(" USING ") + index_method_name(index.method);
    std::vector<std::string> keys;
    for (const auto& k : index.keys) keys.push_back(key_part_sql(k));
    std::string out = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                      (build == IndexBuild::Concurrently ? "CONCURRENTLY IF NOT EXISTS " : "") +
                      quote_ident(index.name) + " ON " + qualified(schema.namespace_, table.name) + method + " (" +
                      join(keys, ", ") + ")";
    if (!index.include.empty()) out += " INCLUDE (" + column_list(index.include) + ")";
    if (!index.where.empty()) out += " WHERE " + index.where;
    return out + ";\n";
}

std::string drop_invalid_index(const Schema& schema, const Index& index) {
    const std::string name = qualified(schema.namespace_, index.name);
    return "DO $$BEGIN IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass(" + quote_literal(name) +
           ") AND NOT indisvalid) THEN DROP INDEX " + name + "; END IF; END$$;\n";
}

std::string create_view(const Schema& schema, const View& view) {
    Printer p;
    // A `--` comment on the body's last line would swallow the semicolon.
    const char* end = view.sql.find("--") == std::string::npos ? "" : "\n";
    const std::string data = !view.materialized ? "" : view.with_data ? "\nWITH DATA" : "\nWITH NO DATA";
    p.print("CREATE $kind$ $name$ AS\n$sql$$end$$data$;\n", {{"kind", view.kind_sql()},
                                                             {"name", qualified(schema.namespace_, view.name)},
                                                             {"sql", view.sql},
                                                             {"end", end},
                                                             {"data", data}});
    if (!view.comment.empty()) {
        p.print("COMMENT ON $kind$ $name$ IS $comment$;\n", {{"kind", view.kind_sql()},
                                                             {"name", qualified(schema.namespace_, view.name)},
                                                             {"comment", quote_literal(view.comment)}});
    }
    for (const auto& c : view.columns) p.print("$comment$", {{"comment", column_comment(schema, view.name, c)}});
    const Table stand_in = view.as_table();
    for (const auto& index : view.indexes)
        p.print("$index$$comment$",
                {{"index", create_index(schema, stand_in, index)}, {"comment", index_comment(schema, index)}});
    return p.text();
}

namespace {

// A group-by key as the SELECT lists it and as GROUP BY repeats it.
std::pair<std::string, std::string> group_key_sql(const GroupKey& g) {
    if (!g.is_column()) return {g.expression + " AS " + quote_ident(g.name), g.expression};
    // A bare column is one no other relation of the FROM clause has (the
    // validator refuses an ambiguous one), so it stays bare.
    const std::string column =
        g.relation.empty() ? quote_ident(g.name) : quote_ident(g.relation) + "." + quote_ident(g.name);
    return {column, column};
}

}  // namespace

std::string aggregate_query(const Schema& schema, const ContinuousAggregate& agg) {
    // With joins, the time column is qualified: a joined table may have one
    // of the same name.
    const std::string time_column =
        (agg.joins.empty() ? "" : quote_ident(agg.source.name) + ".") + quote_ident(source_time_column(schema, agg));
    const std::string bucket = bucket_call(schema, agg, time_column);
    std::map<std::string, std::string> item_of{{agg.bucket_column, bucket + " AS " + quote_ident(agg.bucket_column)}};
    std::vector<std::string> group{bucket};
    for (const auto& g : agg.group_by) {
        auto [item, key] = group_key_sql(g);
        item_of[g.name] = item;
        group.push_back(key);
    }
    for (const auto& c : agg.columns) item_of[c.name] = c.expression + " AS " + quote_ident(c.name);
    // In the order of the aggregate's output (column_order, or the default).
    std::vector<std::string> select;
    for (const auto& c : output_of(schema, agg).columns) select.push_back(item_of[c.name]);
    Printer p;
    p.print("SELECT\n");
    {
        auto indent = p.indent();
        for (size_t i = 0; i < select.size(); ++i) {
            p.print("$item$$comma$\n", {{"item", select[i]}, {"comma", i + 1 < select.size() ? "," : ""}});
        }
    }
    p.print("FROM $source$\n", {{"source", qualified(schema.namespace_, agg.source.name)}});
    for (const auto& j : agg.joins)
        p.print("$join$ $table$ ON $on$\n",
                {{"join", j.keyword()}, {"table", qualified(schema.namespace_, j.table.name)}, {"on", j.on}});
    if (!agg.where.empty()) p.print("WHERE $where$\n", {{"where", agg.where}});
    // The bucket expression is repeated rather than grouped by its alias: an
    // alias equal to a source column name would group by the source column.
    p.print("GROUP BY $group$\n", {{"group", join(group, ", ")}});
    return p.text();
}

std::string create_continuous_aggregate(const Schema& schema, const ContinuousAggregate& agg) {
    Printer p;
    p.print(
        "CREATE MATERIALIZED VIEW $name$\nWITH (timescaledb.continuous, timescaledb.materialized_only = $mo$$groups$) "
        "AS\n$query$WITH NO DATA;\n",
        {{"name", qualified(schema.namespace_, agg.name)},
         {"mo", agg.materialized_only ? "true" : "false"},
         {"groups", agg.create_group_indexes ? "" : ", timescaledb.create_group_indexes = false"},
         {"query", aggregate_query(schema, agg)}});
    return p.text();
}

// set_chunk_time_interval rather than the timescaledb.chunk_interval option,
// which TimescaleDB 2.28 reads as an interval even on integer time (864000
// becomes 864000 seconds in microseconds).
std::string aggregate_chunk_interval(const Schema& schema, const ContinuousAggregate& agg) {
    if (!agg.chunk_interval) return "";
    return "SELECT set_chunk_time_interval(" + regclass_literal(schema.namespace_, agg.name) + ", " +
           agg.chunk_interval->sql() + ");\n";
}

std::string aggregate_comments(const Schema& schema, const ContinuousAggregate& agg) {
    std::string out;
    const std::string name = qualified(schema.namespace_, agg.name);
    if (!agg.comment.empty())  // TimescaleDB exposes a continuous aggregate as a plain view over its
        // materialization hypertable, so COMMENT ON MATERIALIZED VIEW fails.
        out += "COMMENT ON VIEW " + name + " IS " + quote_literal(agg.comment) + ";\n";
    for (const auto& c : agg.columns) {
        if (c.comment.empty()) continue;
        out += "COMMENT ON COLUMN " + name + "." + quote_ident(c.name) + " IS " + quote_literal(c.comment) + ";\n";
    }
    return out;
}

std::string enable_compression(const Schema& schema, const std::string& relation, bool is_aggregate,
                               const Compression& compression, bool replacing) {
    std::vector<std::string> options{"timescaledb.compress = true"};
    if (!compression.segment_by.empty() || replacing) {
        options.push_back("timescaledb.compress_segmentby = " + quote_literal(column_list(compression.segment_by)));
    }
    // TimescaleDB refuses an empty order-by ("ordering column can not be
    // empty"): a hypertable's is RESET below; a continuous aggregate's, left
    // out, is derived again from its group-by columns.
    if (!compression.order_by.empty()) {
        options.push_back("timescaledb.compress_orderby = " + quote_literal(timescale_key_list(compression.order_by)));
    }
    // '0' unsets it (TimescaleDB refuses to RESET it).
    if (compression.chunk_interval)
        options.push_back("timescaledb.compress_chunk_time_interval = " +
                          quote_literal(compression.chunk_interval->text()));
    else if (replacing)
        options.push_back("timescaledb.compress_chunk_time_interval = '0'");
    Printer p;
    p.print("ALTER $kind$ $name$ SET (\n",
            {{"kind", is_aggregate ? "MATERIALIZED VIEW" : "TABLE"}, {"name", qualified(schema.namespace_, relation)}});
    {
        auto indent = p.indent();
        for (size_t i = 0; i < options.size(); ++i) {
            p.print("$option$$comma$\n", {{"option", options[i]}, {"comma", i + 1 < options.size() ? "," : ""}});
        }
    }
    p.print(");\n");
    if (replacing && compression.order_by.empty() && !is_aggregate)
        p.print("ALTER TABLE $name$ RESET (timescaledb.compress_orderby);\n",
                {{"name", qualified(schema.namespace_, relation)}});
    return p.text();
}

std::string add_policy(const Schema& schema, const std::string& relation, const Policy& p) {
    const PolicyKindTraits& kind = policy_traits(p.kind);
    std::vector<std::string> args{regclass_literal(schema.namespace_, relation)};
    for (auto& a : policy_arguments(p)) args.push_back(std::move(a));
    if (kind.schedule_parameter && p.job.schedule) args.push_back("schedule_interval => " + p.job.schedule->sql());
    if (p.job.initial_start) args.push_back("initial_start => " + quote_literal(*p.job.initial_start));
    if (p.job.timezone) args.push_back("timezone => " + quote_literal(*p.job.timezone));
    std::string call = std::string(kind.add_function) + "(" + join(args, ", ") + ")";
    // The add function returns the job's id: alter_job() takes it from there.
    auto alter = job_arguments(p.job, !kind.schedule_parameter);
    if (!alter.empty()) {
        // TimescaleDB 2.28's alter_job() clears the job's timezone unless it is given again.
        if (p.job.timezone) alter.push_back("timezone => " + quote_literal(*p.job.timezone));
        call = "alter_job(" + call + ", " + join(alter, ", ") + ")";
    }
    return "SELECT " + call + ";\n";
}

std::string remove_policy(const Schema& schema, const std::string& relation, PolicyKind kind) {
    return "SELECT " + std::string(policy_traits(kind).remove_function) + "(" +
           regclass_literal(schema.namespace_, relation) + ", if_exists => true);\n";
}

std::string alter_policy_job(const Schema& schema, const std::string& relation, bool is_aggregate, const Policy& old,
                             const Policy& now) {
    // Settings dropped from the YAML go back to what the kind's add function
    // would have chosen, which only a new job shows: the caller re-adds then.
    JobSettings changed = now.job;  // job_arguments reads only the alterable settings
    JobSettings::each_alterable(changed, old.job, [](auto& is, const auto& was) {
        if (is == was) is.reset();
    });
    auto args = job_arguments(changed, true);
    if (args.empty()) return "";
    // TimescaleDB 2.28's alter_job() clears the job's timezone unless it is given again.
    if (now.job.timezone) args.push_back("timezone => " + quote_literal(*now.job.timezone));
    const std::string named = "j.hypertable_schema = " + quote_literal(schema.namespace_) +
                              " AND j.hypertable_name = " + quote_literal(relation);
    // TimescaleDB 2.28 lists a continuous aggregate's jobs under the
    // aggregate's name; earlier versions under its materialization hypertable.
    const std::string owner =
        is_aggregate ? "(" + named +
                           " OR (j.hypertable_schema, j.hypertable_name) IN (SELECT materialization_hypertable_schema, "
                           "materialization_hypertable_name FROM timescaledb_information.continuous_aggregates WHERE "
                           "view_schema = " +
                           quote_literal(schema.namespace_) + " AND view_name = " + quote_literal(relation) + "))"
                     : named;
    return "SELECT alter_job(j.job_id, " + join(args, ", ") + ") FROM timescaledb_information.jobs j WHERE " +
           "j.proc_name = " + quote_literal(policy_traits(now.kind).proc) + " AND " + owner + ";\n";
}

namespace {

// The schema's job `name` among TimescaleDB's, which it names "<name> [<id>]".
std::string from_job_named(const Schema& schema, const std::string& name) {
    return " FROM timescaledb_information.jobs j WHERE j.proc_schema = " + quote_literal(schema.namespace_) +
           " AND j.application_name = " + quote_literal(name) + " || ' [' || j.job_id || ']'";
}

std::string regproc_literal(const Schema& schema, const std::string& routine, const std::string& inputs) {
    return quote_literal(qualified(schema.namespace_, routine) + inputs) + "::regprocedure";
}

// The settings add_job() does not take, as alter_job() arguments.
std::vector<std::string> alter_only_arguments(const JobSettings& job) {
    std::vector<std::string> out;
    if (job.max_runtime) out.push_back("max_runtime => " + job.max_runtime->sql());
    if (job.max_retries) out.push_back("max_retries => " + std::to_string(*job.max_retries));
    if (job.retry_period) out.push_back("retry_period => " + job.retry_period->sql());
    return out;
}

}  // namespace

std::string add_job(const Schema& schema, const Job& job) {
    std::vector<std::string> args{regproc_literal(schema, job.procedure.name, "(integer, jsonb)"),
                                  job.job.schedule->sql()};
    if (!job.config.empty()) args.push_back("config => " + quote_literal(job.config) + "::jsonb");
    if (job.job.initial_start) args.push_back("initial_start => " + quote_literal(*job.job.initial_start));
    if (!job.scheduled) args.push_back("scheduled => false");
    if (!job.check_config.name.empty())
        args.push_back("check_config => " + regproc_literal(schema, job.check_config.name, "(jsonb)"));
    if (job.job.fixed_schedule)
        args.push_back(std::string("fixed_schedule => ") + (*job.job.fixed_schedule ? "true" : "false"));
    if (job.job.timezone) args.push_back("timezone => " + quote_literal(*job.job.timezone));
    args.push_back("job_name => " + quote_literal(job.name));
    std::string call = "add_job(" + join(args, ", ") + ")";
    auto alter = alter_only_arguments(job.job);
    if (!alter.empty()) {
        // TimescaleDB 2.28's alter_job() clears the job's timezone unless it is given again.
        if (job.job.timezone) alter.push_back("timezone => " + quote_literal(*job.job.timezone));
        call = "alter_job(" + call + ", " + join(alter, ", ") + ")";
    }
    return "SELECT " + call + ";\n";
}

std::string delete_job(const Schema& schema, const std::string& job) {
    return "SELECT delete_job(j.job_id)" + from_job_named(schema, job) + ";\n";
}

// A setting dropped from the YAML goes back to add_job()'s default, which
// alter_job() is given explicitly.
std::string alter_job(const Schema& schema, const Job& old, const Job& now) {
    const JobSettings& o = old.job;
    const JobSettings& n = now.job;
    std::vector<std::string> args;
    if (o.schedule != n.schedule) args.push_back("schedule_interval => " + n.schedule->sql());
    if (o.max_runtime != n.max_runtime)
        args.push_back("max_runtime => " + (n.max_runtime ? n.max_runtime->sql() : std::string("INTERVAL '0'")));
    if (o.max_retries != n.max_retries) args.push_back("max_retries => " + std::to_string(n.max_retries.value_or(-1)));
    if (o.retry_period != n.retry_period)
        args.push_back("retry_period => " +
                       (n.retry_period ? n.retry_period->sql() : std::string("INTERVAL '5 minutes'")));
    if (o.fixed_schedule.value_or(true) != n.fixed_schedule.value_or(true))
        args.push_back(std::string("fixed_schedule => ") + (n.fixed_schedule.value_or(true) ? "true" : "false"));
    if (n.initial_start && o.initial_start != n.initial_start)
        args.push_back("initial_start => " + quote_literal(*n.initial_start));
    if (old.scheduled != now.scheduled)
        args.push_back(std::string("scheduled => ") + (now.scheduled ? "true" : "false"));
    if (!now.config.empty() && old.config != now.config)
        args.push_back("config => " + quote_literal(now.config) + "::jsonb");
    if (!now.check_config.name.empty() && old.check_config.name != now.check_config.name)
        args.push_back("check_config => " + regproc_literal(schema, now.check_config.name, "(jsonb)"));
    if (args.empty() && o.timezone == n.timezone) return "";
    // TimescaleDB 2.28's alter_job() clears the job's timezone unless it is given again.
    if (n.timezone) args.push_back("timezone => " + quote_literal(*n.timezone));
    return "SELECT alter_job(j.job_id, " + join(args, ", ") + ")" + from_job_named(schema, now.name) + ";\n";
}

std::string refresh_continuous_aggregate(const Schema& schema, const ContinuousAggregate& agg) {
    return "CALL refresh_continuous_aggregate(" + regclass_literal(schema.namespace_, agg.name) + ", NULL, NULL);\n";
}

}  // namespace hyperschema::emit

namespace hyperschema::emit {

std::string decompress_chunks(const Schema& schema, const std::string& hypertable) {
    return "SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks(" +
           regclass_literal(schema.namespace_, hypertable) + ") c;\n";
}

std::string decompress_chunks_one_by_one(const Schema& schema, const std::string& hypertable) {
    Printer p;
    p.emit(
        R"(
        DO $tag$
        DECLARE
            chunk regclass;
        BEGIN
            FOR chunk IN
                SELECT format('%I.%I', chunk_schema, chunk_name)::regclass FROM timescaledb_information.chunks
                WHERE hypertable_schema = $schema$ AND hypertable_name = $name$ AND is_compressed
                ORDER BY range_start
            LOOP
                PERFORM decompress_chunk(chunk, if_compressed => true);
                RAISE NOTICE 'decompressed %', chunk;
                COMMIT;
            END LOOP;
        END
        $tag$;
    )",
        {{"tag", "$hyperschema$"}, {"schema", quote_literal(schema.namespace_)}, {"name", quote_literal(hypertable)}});
    return p.text();
}

std::string run_policy_job(const Schema& schema, const std::string& relation, PolicyKind kind) {
    Printer p;
    p.emit(R"(
        DO $tag$
        DECLARE
            job integer := (SELECT job_id FROM timescaledb_information.jobs
                WHERE proc_name = $proc$ AND hypertable_schema = $schema$ AND hypertable_name = $name$);
        BEGIN
            IF job IS NOT NULL THEN
                CALL run_job(job);
            END IF;
        END
        $tag$;
    )",
           {{"tag", "$hyperschema$"},
            {"proc", quote_literal(policy_traits(kind).proc)},
            {"schema", quote_literal(schema.namespace_)},
            {"name", quote_literal(relation)}});
    return p.text();
}

}  // namespace hyperschema::emit

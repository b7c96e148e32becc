#include "emit/cpp_relation.hpp"

#include "catalog/column_types.hpp"
#include "emit/cpp_names.hpp"
#include "emit/expected_schema.hpp"
#include "emit/sql_statements.hpp"
#include "model/relations.hpp"

namespace hyperschema::emit {
namespace {

void add_filter(Relation& r, const std::string& column) {
    if (column == r.time_column || !r.field(column)) return;
    for (const auto& f : r.filters)
        if (f == column) return;
    r.filters.push_back(column);
}

std::string column_note(const Table& t, const Column& c) {
    std::string note = c.type.sql() + (c.nullable ? "" : " NOT NULL");
    if (c.default_value.kind != ColumnDefault::Kind::None) note += ", default " + default_expression(c);
    if (c.serial) note += ", serial (numbered by the database on insert)";
    if (c.identity)
        note += std::string(", identity ") + (c.identity->always ? "always" : "by default") +
                " (numbered by the database on insert)";
    if (!c.generated.empty()) note += ", generated as " + c.generated;
    for (const auto& fk : t.foreign_keys)
        for (const auto& col : fk.columns)
            if (col.name == c.name) note += ", references " + fk.ref_table.name;
    if (!c.comment.empty()) note += "; " + c.comment;
    return note;
}

std::string table_comment(const Table& t) {
    std::string out = "Table " + t.name + (t.comment.empty() ? "" : ": " + t.comment) + ".";
    if (!t.hypertable) return out;
    const Hypertable& h = *t.hypertable;
    const Column* time = t.find_column(h.time_column.name);
    const Interval chunk =
        h.chunk_interval.value_or(time ? catalog::default_chunk_interval(time->type) : Interval{0, 7, 0});
    out += "\nHypertable on " + h.time_column.name + ", chunks of " + chunk.text() + ".";
    if (!h.integer_now.name.empty())
        out += " Integer time: amounts are in " + h.time_column.name + "'s units, now is " + h.integer_now.name + "().";
    for (const auto& d : h.dimensions)
        out += d.is_hash() ? " Space-partitioned by " + d.column.name + "."
                           : " Range-partitioned by " + d.column.name + " in " + d.interval->text() + ".";
    if (h.compression) {
        out += " Compressed";
        if (const Policy* p = h.policies.find(PolicyKind::Compression)) out += " after " + p->after->text();
        if (!h.compression->segment_by.empty()) {
            out += ", segment by";
            for (const auto& s : h.compression->segment_by) out += " " + s.name;
        }
        out += ".";
    }
    if (const Policy* p = h.policies.find(PolicyKind::Retention))
        out += " Rows older than " + p->after->text() + " are dropped.";
    return out;
}

Field field_of(const Schema& schema, const std::string& column, const ColumnType& type, bool nullable,
               std::string note) {
    Field f{column,
            cpp_identifier(column),
            cpp_field_type(type, nullable, enum_scope(schema)),
            cpp_value_type(type, enum_scope(schema)),
            catalog_type_name(type),
            nullable,
            std::move(note)};
    f.extension_type = !catalog::traits_of(type.base).extension.empty() && type.domain.empty() && !type.is_array();
    return f;
}

Relation relation_of(const Schema& schema, const Table& t) {
    Relation r;
    r.kind = t.hypertable ? "hypertable" : "table";
    r.directory = "tables";
    r.name = t.name;
    r.comment = table_comment(t);
    r.time_column = t.hypertable ? t.hypertable->time_column.name : "";
    r.table = &t;
    for (const auto& c : t.columns) {
        r.fields.push_back(field_of(schema, c.name, c.type, c.nullable, column_note(t, c)));
        r.fields.back().source = c.value_source();
        r.fields.back().always_identity = c.identity && c.identity->always;
    }
    if (t.primary_key)
        for (const auto& c : t.primary_key->columns) r.primary_key.push_back(c.name);
    if (t.hypertable) {
        const Hypertable& h = *t.hypertable;
        if (h.compression)
            for (const auto& s : h.compression->segment_by) add_filter(r, s.name);
        for (const auto& d : h.dimensions)
            if (d.is_hash()) add_filter(r, d.column.name);
        for (const auto& fk : t.foreign_keys)
            for (const auto& c : fk.columns) add_filter(r, c.name);
        for (const auto& c : r.primary_key) add_filter(r, c);
    }
    return r;
}

Relation relation_of(const Schema& schema, const ContinuousAggregate& a) {
    Relation r;
    r.kind = "continuous aggregate";
    r.directory = "aggregates";
    r.name = a.name;
    r.comment = "Continuous aggregate " + a.name + (a.comment.empty() ? "" : ": " + a.comment) + ".\nBuckets of " +
                a.bucket.text() + " from " + a.source.name +
                (a.materialized_only ? ", materialized only" : ", real-time") + ".";
    r.time_column = a.bucket_column;
    r.aggregate = &a;
    for (const auto& c : output_of(schema, a).columns) {
        if (!c.type) {
            r.omitted.push_back(c.name);
            continue;
        }
        std::string note = c.type->sql();
        for (const auto& ac : a.columns)
            if (ac.name == c.name) note += " = " + ac.expression;
        r.fields.push_back(field_of(schema, c.name, *c.type, c.nullable, note));
    }
    for (const auto& g : a.group_by) add_filter(r, g.name);
    return r;
}

Relation relation_of(const Schema& schema, const View& v) {
    Relation r;
    r.kind = "view";
    r.directory = "views";
    r.name = v.name;
    r.comment = "View " + v.name + (v.comment.empty() ? "" : ": " + v.comment) +
                ".\nColumns as declared in the YAML; `hyperschema verify` checks them against the database.";
    for (const auto& c : v.columns) {
        // A view cannot promise NOT NULL to the catalog: it is the YAML's word,
        // and reading a NULL into such a member throws, naming the column.
        std::string note = c.type.sql() + (c.nullable ? "" : " NOT NULL (declared)");
        if (!c.comment.empty()) note += "; " + c.comment;
        r.fields.push_back(field_of(schema, c.name, c.type, c.nullable, note));
    }
    return r;
}

}  // namespace

bool is_integer_time(const Field& field) {
    return field.sql_type == "smallint" || field.sql_type == "integer" || field.sql_type == "bigint";
}

bool Relation::has_assigned_columns() const {
    for (const auto& f : fields)
        if (f.source != ValueSource::Row) return true;
    return false;
}

const Field* Relation::field(const std::string& column) const {
    for (const auto& f : fields)
        if (f.column == column) return &f;
    return nullptr;
}

std::vector<Relation> relations_of(const Schema& schema) {
    std::vector<Relation> out;
    for (const auto& t : schema.tables) out.push_back(relation_of(schema, t));
    for (const auto& v : schema.views)
        if (!v.columns.empty()) out.push_back(relation_of(schema, v));
    for (const auto& a : schema.aggregates) out.push_back(relation_of(schema, a));
    return out;
}

std::string enum_scope(const Schema& schema) {
    return "::" + cpp_scope_name(schema.name) + "::";
}

std::string relation_header_path(const Schema& schema, const Relation& relation) {
    return schema.name + "/" + relation.directory + "/" + relation.name + ".hpp";
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    if (!text.empty() && text.back() == '\\') text += '.';
    return text;
}

}  // namespace hyperschema::emit

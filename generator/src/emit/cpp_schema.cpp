#include "emit/cpp_schema.hpp"

#include "emit/cpp_migrations.hpp"
#include "emit/cpp_names.hpp"
#include "emit/expected_schema.hpp"
#include "emit/identifiers.hpp"
#include "emit/printer.hpp"
#include "emit/sql_statements.hpp"
#include "hyperschema/version.hpp"
#include "model/relations.hpp"

namespace hyperschema::emit {
namespace {

// One column of a generated row: its SQL name, C++ member and types.
struct Field {
    std::string column;  // SQL name
    std::string member;  // C++ name
    std::string type;    // C++ field type (std::optional<...> when nullable)
    std::string value_type;
    std::string sql_type;  // format_type spelling
    bool nullable = false;
    std::string note;  // what the YAML says that the type does not
};

// What a generated relation needs: its fields, how to name it, the column of
// its time axis and the columns a range query may filter on.
struct Relation {
    std::string kind;  // "table", "hypertable", "view", "continuous aggregate"
    std::string name;
    std::string comment;
    std::vector<Field> fields;
    std::string time_column;  // "" for plain tables
    std::vector<std::string> filters;
    std::vector<std::string> primary_key;
    std::vector<std::string> omitted;  // aggregate columns without a known type
};

std::string enum_scope(const Schema& schema) {
    return "::" + cpp_scope_name(schema.name) + "::";
}

const Field* find_field(const Relation& r, const std::string& column) {
    for (const auto& f : r.fields)
        if (f.column == column) return &f;
    return nullptr;
}

void add_filter(Relation& r, const std::string& column) {
    if (column == r.time_column || !find_field(r, column)) return;
    for (const auto& f : r.filters)
        if (f == column) return;
    r.filters.push_back(column);
}

std::string column_note(const Table& t, const Column& c) {
    std::string note = c.type.sql() + (c.nullable ? "" : " NOT NULL");
    if (c.default_value.kind != ColumnDefault::Kind::None) note += ", default " + default_expression(c);
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
    out += "\nHypertable on " + h.time_column.name + ", chunks of " +
           (h.chunk_interval ? h.chunk_interval->text() : std::string("7 days")) + ".";
    if (h.space) out += " Space-partitioned by " + h.space->column.name + ".";
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
    return {column,
            cpp_identifier(column),
            cpp_field_type(type, nullable, enum_scope(schema)),
            cpp_value_type(type, enum_scope(schema)),
            catalog_type_name(type),
            nullable,
            std::move(note)};
}

Relation relation_of(const Schema& schema, const Table& t) {
    Relation r{t.hypertable ? "hypertable" : "table",
               t.name,
               table_comment(t),
               {},
               t.hypertable ? t.hypertable->time_column.name : "",
               {},
               {},
               {}};
    for (const auto& c : t.columns) {
        r.fields.push_back(field_of(schema, c.name, c.type, c.nullable, column_note(t, c)));
    }
    if (t.primary_key)
        for (const auto& c : t.primary_key->columns) r.primary_key.push_back(c.name);
    if (t.hypertable) {
        const Hypertable& h = *t.hypertable;
        if (h.compression)
            for (const auto& s : h.compression->segment_by) add_filter(r, s.name);
        if (h.space) add_filter(r, h.space->column.name);
        for (const auto& fk : t.foreign_keys)
            for (const auto& c : fk.columns) add_filter(r, c.name);
        for (const auto& c : r.primary_key) add_filter(r, c);
    }
    return r;
}

Relation relation_of(const Schema& schema, const ContinuousAggregate& a) {
    std::string comment = "Continuous aggregate " + a.name + (a.comment.empty() ? "" : ": " + a.comment) + ".";
    comment += "\nBuckets of " + a.bucket.text() + " from " + a.source.name +
               (a.materialized_only ? ", materialized only" : ", real-time") + ".";
    Relation r{"continuous aggregate", a.name, comment, {}, a.bucket_column, {}, {}, {}};
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
    std::string comment = "View " + v.name + (v.comment.empty() ? "" : ": " + v.comment) + ".";
    comment += "\nColumns as declared in the YAML; `hyperschema verify` checks them against the database.";
    Relation r{"view", v.name, comment, {}, "", {}, {}, {}};
    for (const auto& c : v.columns) {
        // A view cannot promise NOT NULL to the catalog: it is the YAML's word,
        // and reading a NULL into such a member throws, naming the column.
        std::string note = c.type.sql() + (c.nullable ? "" : " NOT NULL (declared)");
        if (!c.comment.empty()) note += "; " + c.comment;
        r.fields.push_back(field_of(schema, c.name, c.type, c.nullable, note));
    }
    return r;
}

std::string select_list(const Relation& r) {
    std::string out;
    for (const auto& f : r.fields) out += (out.empty() ? "" : ", ") + quote_ident(f.column);
    return out;
}

void print_enum(Printer& p, const Schema& schema, const Enum& e) {
    std::vector<std::string> labels;
    for (const auto& v : e.values) labels.push_back(v.name);
    const auto enumerators = cpp_enumerators(labels);
    std::string list;
    for (size_t i = 0; i < labels.size(); ++i) list += (i ? ", " : "") + enumerators[i];
    p.print("// Enum $sql$$comment$\nenum class $name$ { $list$ };\n\n",
            {{"sql", qualified(schema.namespace_, e.name)},
             {"comment", e.comment.empty() ? "" : ": " + e.comment},
             {"name", cpp_scope_name(e.name)},
             {"list", list}});
}

// After the enum_labels specialisations, which they need.
void print_enum_functions(Printer& p, const Enum& e) {
    p.print(
        "inline std::string_view to_string($name$ v) { return hyperschema::label_of(v); }\n"
        "inline std::optional<$name$> $name$_from_string(std::string_view s) {\n"
        "    return hyperschema::enum_from_label<$name$>(s);\n"
        "}\n\n",
        {{"name", cpp_scope_name(e.name)}});
}

void print_enum_labels(Printer& p, const Schema& schema, const Enum& e) {
    std::string label_list;
    for (size_t i = 0; i < e.values.size(); ++i) label_list += (i ? ", " : "") + cpp_string(e.values[i].name);
    p.print(
        "template <>\n"
        "struct hyperschema::enum_labels<$ns$::$name$> {\n"
        "    static constexpr std::string_view type_name = $sql$;\n"
        "    static constexpr std::array<std::string_view, $n$> labels{$labels$};\n"
        "};\n\n",
        {{"ns", cpp_scope_name(schema.name)},
         {"name", cpp_scope_name(e.name)},
         {"sql", cpp_string(qualified(schema.namespace_, e.name))},
         {"n", std::to_string(e.values.size())},
         {"labels", label_list}});
}

// Text for a `//` comment: YAML comments may hold newlines, and a trailing
// backslash would splice the next line of code into the comment.
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    if (!text.empty() && text.back() == '\\') text += '.';
    return text;
}

void print_row(Printer& p, const Relation& r) {
    p.print("struct row {\n");
    {
        auto indent = p.indent();
        for (const auto& f : r.fields)
            p.print("$type$ $member${};  // $note$\n",
                    {{"type", f.type}, {"member", f.member}, {"note", one_line(f.note)}});
        for (const auto& o : r.omitted)
            p.print("// `$column$` is left out: its type cannot be inferred; declare `type:` on it in the YAML.\n",
                    {{"column", o}});
        p.print("\nfriend bool operator==(const row&, const row&) = default;\n");
    }
    p.print("};\n\n");
}

void print_metadata(Printer& p, const Schema& schema, const Relation& r) {
    std::string pk;
    for (const auto& c : r.primary_key) pk += (pk.empty() ? "" : ", ") + cpp_string(c);
    p.print(
        "inline constexpr std::string_view schema_name = $ns$;\n"
        "inline constexpr std::string_view name = $name$;\n"
        "inline constexpr std::string_view kind = $kind$;\n"
        "inline constexpr std::string_view time_column = $time$;  // \"\" for plain tables and views\n"
        "inline constexpr std::array<std::string_view, $npk$> primary_key{$pk$};\n"
        "inline constexpr std::array<hyperschema::column_info, $n$> columns{{\n",
        {{"ns", cpp_string(schema.namespace_)},
         {"name", cpp_string(r.name)},
         {"kind", cpp_string(r.kind)},
         {"time", cpp_string(r.time_column)},
         {"npk", std::to_string(r.primary_key.size())},
         {"pk", pk},
         {"n", std::to_string(r.fields.size())}});
    for (const auto& f : r.fields)
        p.print("    {$name$, $type$, $nullable$},\n", {{"name", cpp_string(f.column)},
                                                        {"type", cpp_string(f.sql_type)},
                                                        {"nullable", f.nullable ? "true" : "false"}});
    p.print(
        "}};\n\n"
        "// Calls f(column_name, member) for every column, in order; Row is row or const row.\n"
        "template <class Row, class F>\n"
        "void for_each_column(Row& r, F&& f) {\n");
    for (const auto& f : r.fields)
        p.print("    f(std::string_view($name$), r.$member$);\n",
                {{"name", cpp_string(f.column)}, {"member", f.member}});
    p.print("}\n\n");
}

void print_readers(Printer& p, const Relation& r) {
    p.print(
        "namespace detail {\n"
        "inline constexpr std::string_view select_list = $list$;\n"
        "template <class Source>\n"
        "row read(const Source& s, int i) {\n"
        "    row r;\n",
        {{"list", cpp_string(select_list(r))}});
    for (size_t i = 0; i < r.fields.size(); ++i)
        p.print("    r.$member$ = s.template get<$type$>(i, $col$);\n",
                {{"member", r.fields[i].member}, {"type", r.fields[i].type}, {"col", std::to_string(i)}});
    p.print(
        "    return r;\n"
        "}\n"
        "}  // namespace detail\n\n");
}

std::string qualified_name(const Schema& schema, const std::string& name) {
    return qualified(schema.namespace_, name);
}

void print_writers(Printer& p, const Schema& schema, const Relation& r, const Table& t) {
    std::string columns, placeholders, values, names;
    for (size_t i = 0; i < r.fields.size(); ++i) {
        columns += (i ? ", " : "") + quote_ident(r.fields[i].column);
        placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
        values += (i ? ", r." : "r.") + r.fields[i].member;
        names += (i ? ", " : "") + cpp_string(r.fields[i].column);
    }
    const std::string insert =
        "INSERT INTO " + qualified_name(schema, t.name) + " (" + columns + ") VALUES (" + placeholders + ")";
    p.print(
        "// One row, as a prepared INSERT.\n"
        "inline void insert(pqxx::dbtransaction& tx, const row& r) {\n"
        "    hyperschema::exec_prepared(tx, $sql$, $values$);\n"
        "}\n\n"
        "// Many rows through binary COPY: the fast path for bulk loads. Returns the\n"
        "// number of rows written. Nothing is visible until the transaction commits.\n"
        "template <class Rows = std::vector<row>>\n"
        "std::uint64_t insert_many(pqxx::dbtransaction& tx, const Rows& rows) {\n"
        "    hyperschema::copy_writer copy(tx, schema_name, name, {$names$});\n"
        "    for (const row& r : rows) copy.write_row($values$);\n"
        "    return copy.complete();\n"
        "}\n\n",
        {{"sql", cpp_string(insert)}, {"values", values}, {"names", names}});
    auto print_upsert = [&](const std::string& function, const std::string& what, const std::vector<NameRef>& key) {
        std::string conflict, updates;
        for (const auto& k : key) conflict += (conflict.empty() ? "" : ", ") + quote_ident(k.name);
        for (const auto& f : r.fields) {
            bool in_key = false;
            for (const auto& k : key) in_key = in_key || k.name == f.column;
            if (!in_key)
                updates +=
                    (updates.empty() ? "" : ", ") + quote_ident(f.column) + " = EXCLUDED." + quote_ident(f.column);
        }
        const std::string base = insert + " ON CONFLICT (" + conflict + ") DO ";
        p.print(
            "// Inserts the row, or when $what$ exists already, updates its other columns\n"
            "// (on_conflict::update) or leaves it (on_conflict::do_nothing). Returns the rows written.\n"
            "inline std::uint64_t $function$(pqxx::dbtransaction& tx, const row& r,\n"
            "                                hyperschema::on_conflict action = hyperschema::on_conflict::update) {\n"
            "    if (action == hyperschema::on_conflict::do_nothing)\n"
            "        return hyperschema::exec_prepared(tx, $nothing$, $values$).affected_rows();\n"
            "    return hyperschema::exec_prepared(tx, $update$, $values$).affected_rows();\n"
            "}\n\n",
            {{"function", function},
             {"what", what},
             {"nothing", cpp_string(base + "NOTHING")},
             {"update", cpp_string(updates.empty() ? base + "NOTHING" : base + "UPDATE SET " + updates)},
             {"values", values}});
    };
    if (t.primary_key) print_upsert("upsert", "a row with its primary key", t.primary_key->columns);
    for (const auto& u : t.uniques) print_upsert("upsert_on_" + u.name, "a row with its " + u.name + " key", u.columns);
}

void print_find(Printer& p, const Schema& schema, const Relation& r) {
    if (r.primary_key.empty()) return;
    std::string params, where, args;
    for (size_t i = 0; i < r.primary_key.size(); ++i) {
        const Field* f = find_field(r, r.primary_key[i]);
        params += ", const " + f->value_type + "& " + f->member;
        where += (i ? " AND " : "") + quote_ident(f->column) + " = $" + std::to_string(i + 1);
        args += ", " + f->member;
    }
    p.print(
        "// The row with this primary key, if there is one.\n"
        "inline std::optional<row> find(pqxx::dbtransaction& tx$params$) {\n"
        "    auto res = hyperschema::exec_prepared(tx, $sql$$args$);\n"
        "    if (res.empty()) return std::nullopt;\n"
        "    return detail::read(res, 0);\n"
        "}\n\n",
        {{"params", params},
         {"args", args},
         {"sql",
          cpp_string("SELECT " + select_list(r) + " FROM " + qualified_name(schema, r.name) + " WHERE " + where)}});
}

// Every row, as a vector or streamed: for reference tables, views and exports.
// In primary-key order where there is one; otherwise in no set order.
void print_scan(Printer& p, const Schema& schema, const Relation& r) {
    std::string order;
    for (const auto& c : r.primary_key) order += (order.empty() ? " ORDER BY " : ", ") + quote_ident(c);
    const std::string sql = "SELECT " + select_list(r) + " FROM " + qualified_name(schema, r.name) + order;
    p.print(
        "// Every row$order$, at most limit of them (0: all).\n"
        "inline std::vector<row> all(pqxx::dbtransaction& tx, std::int64_t limit = 0) {\n"
        "    if (limit > 0)\n"
        "        return hyperschema::rows_of(hyperschema::exec_prepared(tx, $limited$, limit),\n"
        "                                    detail::read<hyperschema::result>);\n"
        "    return hyperschema::rows_of(hyperschema::exec_prepared(tx, $sql$), detail::read<hyperschema::result>);\n"
        "}\n\n"
        "// The same rows, streamed: fn(const row&) is called for each while the next\n"
        "// batch is read ahead, so no more than two batches are held in memory. fn may\n"
        "// run statements on tx. Returns the number of rows.\n"
        "template <class Fn>\n"
        "std::uint64_t for_each(pqxx::dbtransaction& tx, Fn&& fn) {\n"
        "    hyperschema::row_stream s(tx, $sql$);\n"
        "    return hyperschema::for_each_row(s, detail::read<hyperschema::stream_row>, std::forward<Fn>(fn));\n"
        "}\n\n",
        {{"order", r.primary_key.empty() ? "" : " in primary-key order"},
         {"sql", cpp_string(sql)},
         {"limited", cpp_string(sql + " LIMIT $1")}});
}

void print_filter(Printer& p, const Relation& r) {
    p.print(
        "// Equality filters for the range queries; unset members do not filter.\n"
        "struct filter {\n");
    for (const auto& c : r.filters) {
        const Field* f = find_field(r, c);
        p.print("    std::optional<$type$> $member${};\n", {{"type", f->value_type}, {"member", f->member}});
    }
    p.print("};\n\n");
}

// Builds the range query's SQL for the filters that are set; every filter is
// bound either way (unused ones as NULL), so each combination is one prepared
// statement with the same parameters.
void print_range_sql(Printer& p, const Schema& schema, const Relation& r) {
    const std::string from = " FROM " + qualified_name(schema, r.name) + " WHERE " + quote_ident(r.time_column) +
                             " >= $1 AND " + quote_ident(r.time_column) + " < $2";
    const std::string distinct = r.filters.empty() ? "" : "DISTINCT ON (" + quote_ident(r.filters[0]) + ") ";
    p.print(
        "inline std::string range_sql(const filter& f, const hyperschema::range_options& o, bool latest) {\n"
        "    std::string sql = latest ? $distinct$ : $plain$;\n",
        {{"distinct", cpp_string("SELECT " + distinct + select_list(r) + from)},
         {"plain", cpp_string("SELECT " + select_list(r) + from)}});
    // A relation without filter columns has an empty filter.
    if (r.filters.empty()) p.print("    (void)f;\n");
    for (size_t i = 0; i < r.filters.size(); ++i) {
        const Field* f = find_field(r, r.filters[i]);
        p.print("    if (f.$member$) sql += $clause$;\n",
                {{"member", f->member},
                 {"clause", cpp_string(" AND " + quote_ident(f->column) + " = $" + std::to_string(i + 3))}});
    }
    const std::string limit = "$" + std::to_string(r.filters.size() + 3);
    if (!r.filters.empty()) {
        p.print("    if (latest) sql += $order$;\n",
                {{"order",
                  cpp_string(" ORDER BY " + quote_ident(r.filters[0]) + ", " + quote_ident(r.time_column) + " DESC")}});
        p.print("    else sql += o.descending ? $desc$ : $asc$;\n",
                {{"desc", cpp_string(" ORDER BY " + quote_ident(r.time_column) + " DESC")},
                 {"asc", cpp_string(" ORDER BY " + quote_ident(r.time_column))}});
    } else {
        p.print(
            "    (void)latest;\n"
            "    sql += o.descending ? $desc$ : $asc$;\n",
            {{"desc", cpp_string(" ORDER BY " + quote_ident(r.time_column) + " DESC")},
             {"asc", cpp_string(" ORDER BY " + quote_ident(r.time_column))}});
    }
    p.print(
        "    if (o.limit > 0) sql += $limit$;\n"
        "    return sql;\n"
        "}\n\n",
        {{"limit", cpp_string(" LIMIT " + limit)}});
}

std::string filter_args(const Relation& r) {
    std::string out;
    for (const auto& c : r.filters) out += ", f." + find_field(r, c)->member;
    return out;
}

void print_range(Printer& p, const Schema& schema, const Relation& r) {
    const Field* time = find_field(r, r.time_column);
    if (!time) return;
    print_filter(p, r);
    p.print("namespace detail {\n");
    print_range_sql(p, schema, r);
    p.print("}  // namespace detail\n\n");
    const std::string args = filter_args(r);
    p.print(
        "// Rows with $time$ in [from, to), oldest first (o.descending: newest first),\n"
        "// at most o.limit of them (0: all).\n"
        "inline std::vector<row> range(pqxx::dbtransaction& tx, const $type$& from, const $type$& to,\n"
        "                              const filter& f = {}, const hyperschema::range_options& o = {}) {\n"
        "    return hyperschema::rows_of(hyperschema::exec_prepared(tx, detail::range_sql(f, o, false), from, "
        "to$args$,\n"
        "                                                           static_cast<std::int64_t>(o.limit)),\n"
        "                                detail::read<hyperschema::result>);\n"
        "}\n\n"
        "// The same rows, streamed: fn(const row&) is called for each while the next\n"
        "// batch is read ahead, so no more than two batches are held in memory. fn may\n"
        "// run statements on tx. Returns the number of rows.\n"
        "template <class Fn>\n"
        "std::uint64_t for_each_in_range(pqxx::dbtransaction& tx, const $type$& from, const $type$& to,\n"
        "                                const filter& f, Fn&& fn, const hyperschema::range_options& o = {}) {\n"
        "    hyperschema::row_stream s(tx, detail::range_sql(f, o, false), from, to$args$,\n"
        "                              static_cast<std::int64_t>(o.limit));\n"
        "    return hyperschema::for_each_row(s, detail::read<hyperschema::stream_row>, std::forward<Fn>(fn));\n"
        "}\n\n",
        {{"time", r.time_column}, {"type", time->value_type}, {"args", args}});
    if (r.filters.empty()) return;
    p.print(
        "// The newest row in [from, to) of each $key$ (DISTINCT ON), filtered by f.\n"
        "inline std::vector<row> latest(pqxx::dbtransaction& tx, const $type$& from, const $type$& to,\n"
        "                               const filter& f = {}) {\n"
        "    return hyperschema::rows_of(hyperschema::exec_prepared(tx, detail::range_sql(f, {}, true), from, "
        "to$args$,\n"
        "                                                           std::int64_t{0}),\n"
        "                                detail::read<hyperschema::result>);\n"
        "}\n\n",
        {{"key", r.filters[0]}, {"type", time->value_type}, {"args", args}});
}

void print_refresh(Printer& p, const Schema& schema, const ContinuousAggregate& a) {
    p.print(
        "// Materializes the buckets in [from, to) now (nullopt: open end). Runs outside any\n"
        "// transaction, as TimescaleDB requires: no pqxx transaction may be open on conn.\n"
        "inline void refresh(hyperschema::connection& conn, std::optional<hyperschema::timestamptz> from,\n"
        "                    std::optional<hyperschema::timestamptz> to) {\n"
        "    hyperschema::refresh_continuous_aggregate(conn, $name$, {from, to});\n"
        "}\n\n",
        {{"name", cpp_string(qualified_name(schema, a.name))}});
}

void print_relation(Printer& p, const Schema& schema, const Relation& r, const Table* table,
                    const ContinuousAggregate* aggregate) {
    std::string comment = "// " + r.comment;
    for (size_t at = comment.find('\n'); at != std::string::npos; at = comment.find('\n', at + 4))
        comment.replace(at, 1, "\n// ");
    p.print("$comment$\nnamespace $ns$ {\n\n", {{"comment", comment}, {"ns", cpp_scope_name(r.name)}});
    print_row(p, r);
    print_metadata(p, schema, r);
    print_readers(p, r);
    if (table) print_writers(p, schema, r, *table);
    print_find(p, schema, r);
    print_scan(p, schema, r);
    if (!r.time_column.empty()) print_range(p, schema, r);
    if (aggregate) print_refresh(p, schema, *aggregate);
    p.print("}  // namespace $ns$\n\n", {{"ns", cpp_scope_name(r.name)}});
}

}  // namespace

std::string schema_header(const Schema& schema) {
    Printer p;
    const std::string ns = cpp_scope_name(schema.name);
    p.print(
        "// Generated by hyperschema $version$ from the schema `$name$`. Do not edit:\n"
        "// regenerate with `hyperschema generate`.\n"
        "//\n"
        "// A namespace per table, view (with declared columns) and continuous\n"
        "// aggregate, each with `row` (one member per column, NULL as std::optional),\n"
        "// its metadata (name, columns, primary_key, time_column, for_each_column)\n"
        "// and query helpers. Every value is a bound parameter; statements are\n"
        "// prepared once per connection.\n"
        "// Type mapping: see the README (timestamptz is hyperschema::timestamptz, i.e.\n"
        "// std::chrono::sys_time<std::chrono::microseconds>; numeric is the exact\n"
        "// hyperschema::numeric; json/jsonb are raw text).\n"
        "// clang-format off\n"
        "#pragma once\n"
        "\n"
        "#include <array>\n"
        "#include <cstdint>\n"
        "#include <optional>\n"
        "#include <string>\n"
        "#include <string_view>\n"
        "#include <utility>\n"
        "#include <vector>\n"
        "\n"
        "#include <hyperschema/codec.hpp>\n"
        "#include <hyperschema/copy.hpp>\n"
        "#include <hyperschema/query.hpp>\n"
        "#include <hyperschema/refresh.hpp>\n"
        "#include <hyperschema/rows.hpp>\n"
        "#include <hyperschema/stream.hpp>\n"
        "#include <hyperschema/table.hpp>\n"
        "#include <hyperschema/types.hpp>\n"
        "#include <hyperschema/version.hpp>\n"
        "\n"
        "static_assert(hyperschema::kGeneratedCodeVersion == $code_version$,\n"
        "              \"$name$/schema.hpp was generated for another hyperschema runtime; regenerate it\");\n"
        "\n",
        {{"version", kVersion}, {"name", schema.name}, {"code_version", std::to_string(kGeneratedCodeVersion)}});
    if (!schema.enums.empty()) {
        p.print("namespace $ns$ {\n\n", {{"ns", ns}});
        for (const auto& e : schema.enums) print_enum(p, schema, e);
        p.print("}  // namespace $ns$\n\n", {{"ns", ns}});
        for (const auto& e : schema.enums) print_enum_labels(p, schema, e);
        p.print("namespace $ns$ {\n\n", {{"ns", ns}});
        for (const auto& e : schema.enums) print_enum_functions(p, e);
        p.print("}  // namespace $ns$\n\n", {{"ns", ns}});
    }
    p.print("namespace $ns$ {\n\n", {{"ns", ns}});
    for (const auto& t : schema.tables) print_relation(p, schema, relation_of(schema, t), &t, nullptr);
    for (const auto& v : schema.views) {
        if (v.columns.empty())
            p.print("// View $name$ has no row type: declare its `columns:` in the YAML to get one.\n\n",
                    {{"name", v.name}});
        else
            print_relation(p, schema, relation_of(schema, v), nullptr, nullptr);
    }
    for (const auto& a : schema.aggregates) print_relation(p, schema, relation_of(schema, a), nullptr, &a);
    p.print("}  // namespace $ns$\n", {{"ns", ns}});
    return p.text();
}

}  // namespace hyperschema::emit

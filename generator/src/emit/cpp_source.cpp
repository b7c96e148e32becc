#include "emit/cpp_source.hpp"

#include "emit/cpp_migrations.hpp"
#include "emit/cpp_names.hpp"
#include "emit/identifiers.hpp"
#include "emit/printer.hpp"
#include "emit/sql_statements.hpp"
#include "hyperschema/version.hpp"

namespace hyperschema::emit {
namespace {

// The fields a statement writes: every one, those a new row brings (not
// serial, identity or generated), or those a row with its key writes (not
// generated).
enum class Written { All, Insert, Upsert };

bool written(const Field& f, Written which) {
    switch (which) {
        case Written::All:
            return true;
        case Written::Insert:
            return f.source == ValueSource::Row;
        case Written::Upsert:
            return f.source != ValueSource::Generated;
    }
    return true;
}

std::string members(const Relation& r, const std::string& prefix, Written which = Written::All) {
    std::string out;
    for (const auto& f : r.fields)
        if (written(f, which)) out += (out.empty() ? "" : ", ") + prefix + f.member;
    return out;
}

std::vector<std::string> written_columns(const Relation& r, Written which) {
    std::vector<std::string> out;
    for (const auto& f : r.fields)
        if (written(f, which)) out.push_back(f.column);
    return out;
}

// A parameter compared with the column: typed as the column where its C++
// value would bind as another type (citext's std::string binds as text, and
// citext = text compares with case).
std::string parameter(const Field& f, size_t n) {
    return "$" + std::to_string(n) + (f.extension_type ? "::" + f.sql_type : "");
}

std::string placeholders(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += (i ? ", $" : "$") + std::to_string(i + 1);
    return out;
}

std::string quoted_columns(const std::vector<std::string>& columns) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + quote_ident(c);
    return out;
}

// The relation's SQL, each part once, put together on first use (a
// function-local static: no static-initialisation order to worry about).
void print_statements(Printer& p, const Relation& r) {
    std::vector<std::string> columns;
    for (const auto& f : r.fields) columns.push_back(f.column);
    p.emit(R"(
        struct Statements {
            std::string relation = $relation$;
            std::string columns = $columns$;
            std::string select = "SELECT " + columns + " FROM " + relation;
    )",
           {{"columns", cpp_string(quoted_columns(columns))}});
    auto indent = p.indent();
    if (r.table && !r.has_assigned_columns()) {
        p.print("std::string insert = \"INSERT INTO \" + relation + \" (\" + columns + \") VALUES ($p$)\";\n",
                {{"p", placeholders(r.fields.size())}});
    } else if (r.table) {
        // The database numbers or computes some columns: a new row leaves them
        // out and reads the row back as stored; a row written with its key
        // brings every column but the generated ones.
        const auto inserted = written_columns(r, Written::Insert), upserted = written_columns(r, Written::Upsert);
        bool always = false;
        for (const auto& f : r.fields) always = always || f.always_identity;
        // A row of database-given values only: DEFAULT VALUES.
        const std::string values =
            inserted.empty() ? " DEFAULT VALUES"
                             : " (" + quoted_columns(inserted) + ") VALUES (" + placeholders(inserted.size()) + ")";
        p.print("std::string insert = \"INSERT INTO \" + relation + $head$ + columns;\n",
                {{"head", cpp_string(values + " RETURNING ")}});
        p.print(
            "std::string insert_with_key = \"INSERT INTO \" + relation + $head$;\n",
            {{"head", cpp_string(" (" + quoted_columns(upserted) + ")" + (always ? " OVERRIDING SYSTEM VALUE" : "") +
                                 " VALUES (" + placeholders(upserted.size()) + ")")}});
    }
    if (!r.primary_key.empty()) {
        std::string where;
        for (size_t i = 0; i < r.primary_key.size(); ++i)
            where += (i ? " AND " : "") + quote_ident(r.primary_key[i]) + " = " +
                     parameter(*r.field(r.primary_key[i]), i + 1);
        p.print("std::string find = select + $where$;\n", {{"where", cpp_string(" WHERE " + where)}});
        p.print("std::string all = select + $order$;\n",
                {{"order", cpp_string(" ORDER BY " + quoted_columns(r.primary_key))}});
    } else {
        p.print("std::string all = select;\n");
    }
    if (r.field(r.time_column)) {
        const std::string time = quote_ident(r.time_column);
        p.print("std::string in_range = \" FROM \" + relation + $where$;\n",
                {{"where", cpp_string(" WHERE " + time + " >= $1 AND " + time + " < $2")}});
    }
}

void print_statements_end(Printer& p) {
    p.emit(R"(
        };

        const Statements& statements() {
            static const Statements all;
            return all;
        }

    )");
}

void print_reader(Printer& p, const Relation& r) {
    p.emit(R"(
        template <class Source>
        row read(const Source& s, int i) {
            row r;
    )");
    for (size_t i = 0; i < r.fields.size(); ++i)
        p.print("    r.$member$ = s.template get<$type$>(i, $col$);\n",
                {{"member", r.fields[i].member}, {"type", r.fields[i].type}, {"col", std::to_string(i)}});
    p.emit(R"(
            return r;
        }

    )");
}

// The range query's SQL for the filters that are set; every filter is bound
// either way (unused ones as NULL), so each combination is one prepared
// statement with the same parameters.
void print_range_sql(Printer& p, const Relation& r) {
    const std::string time = quote_ident(r.time_column);
    const std::string distinct = r.filters.empty() ? "" : "DISTINCT ON (" + quote_ident(r.filters[0]) + ") ";
    p.emit(R"(
        std::string range_sql(const filter& f, const hyperschema::range_options& o, bool latest) {
            std::string text = (latest ? $distinct$ : std::string("SELECT ")) + statements().columns + statements().in_range;
    )",
           {{"distinct", cpp_string("SELECT " + distinct)}});
    if (r.filters.empty()) p.print("    (void)f;\n    (void)latest;\n");
    for (size_t i = 0; i < r.filters.size(); ++i) {
        const Field* f = r.field(r.filters[i]);
        p.print("    if (f.$member$) text += $clause$;\n",
                {{"member", f->member},
                 {"clause", cpp_string(" AND " + quote_ident(f->column) + " = " + parameter(*f, i + 3))}});
    }
    if (!r.filters.empty())
        p.print("    if (latest) text += $order$;\n    else ",
                {{"order", cpp_string(" ORDER BY " + quote_ident(r.filters[0]) + ", " + time + " DESC")}});
    else
        p.print("    ");
    p.emit(R"(
        text += o.descending ? $desc$ : $asc$;
            if (o.limit > 0) text += $limit$;
            return text;
        }

    )",
           {{"desc", cpp_string(" ORDER BY " + time + " DESC")},
            {"asc", cpp_string(" ORDER BY " + time)},
            {"limit", cpp_string(" LIMIT $" + std::to_string(r.filters.size() + 3))}});
}

void print_writers(Printer& p, const Relation& r) {
    std::string names;
    for (const auto& c : written_columns(r, Written::Insert)) names += (names.empty() ? "" : ", ") + cpp_string(c);
    const bool assigned = r.has_assigned_columns();
    if (assigned) {
        p.emit(R"(
            row insert(pqxx::dbtransaction& tx, const row& r) {
                $unused$return read(hyperschema::exec_prepared(tx, statements().insert$values$), 0);
            }

        )",
               {{"values", names.empty() ? "" : ", " + members(r, "r.", Written::Insert)},
                {"unused", names.empty() ? "(void)r;\n    " : ""}});
    } else {
        p.emit(R"(
            void insert(pqxx::dbtransaction& tx, const row& r) {
                hyperschema::exec_prepared(tx, statements().insert, $values$);
            }

        )",
               {{"values", members(r, "r.")}});
    }
    if (names.empty()) {
        // COPY needs a column: each row is an INSERT ... DEFAULT VALUES.
        p.emit(R"(
            std::uint64_t detail::insert_rows(pqxx::dbtransaction& tx, hyperschema::function_ref<const row*()> next) {
                std::uint64_t n = 0;
                for (; const row* r = next(); ++n) insert(tx, *r);
                return n;
            }

        )");
    } else {
        p.emit(R"(
            std::uint64_t detail::insert_rows(pqxx::dbtransaction& tx, hyperschema::function_ref<const row*()> next) {
                hyperschema::copy_writer copy(tx, schema_name, name, {$names$});
                while (const row* r = next()) copy.write_row($pointed$);
                return copy.complete();
            }

        )",
               {{"names", names}, {"pointed", members(r, "r->", Written::Insert)}});
    }
    auto print_upsert = [&](const std::string& function, const std::vector<NameRef>& key) {
        std::vector<std::string> conflict;
        std::string updates;
        for (const auto& k : key) conflict.push_back(k.name);
        for (const auto& f : r.fields) {
            bool in_key = false;
            for (const auto& k : key) in_key = in_key || k.name == f.column;
            // Generated columns follow the others; an ALWAYS identity is never updated.
            if (f.source == ValueSource::Generated || f.always_identity) continue;
            if (!in_key)
                updates +=
                    (updates.empty() ? "" : ", ") + quote_ident(f.column) + " = EXCLUDED." + quote_ident(f.column);
        }
        const std::string on = " ON CONFLICT (" + quoted_columns(conflict) + ") DO ";
        p.emit(R"(
            std::uint64_t $function$(pqxx::dbtransaction& tx, const row& r, hyperschema::on_conflict action) {
                static const std::string nothing = statements().$insert$ + $nothing$;
                static const std::string update = statements().$insert$ + $update$;
                const std::string& statement = action == hyperschema::on_conflict::do_nothing ? nothing : update;
                return hyperschema::exec_prepared(tx, statement, $values$).affected_rows();
            }

        )",
               {{"function", function},
                {"nothing", cpp_string(on + "NOTHING")},
                {"update", cpp_string(updates.empty() ? on + "NOTHING" : on + "UPDATE SET " + updates)},
                {"insert", assigned ? "insert_with_key" : "insert"},
                {"values", members(r, "r.", Written::Upsert)}});
    };
    if (r.table->primary_key) print_upsert("upsert", r.table->primary_key->columns);
    for (const auto& u : r.table->uniques) print_upsert("upsert_on_" + u.name, u.columns);
}

void print_find(Printer& p, const Relation& r) {
    if (r.primary_key.empty()) return;
    // Parameters named key0, key1, ...: a column may be called `tx`.
    std::string params, args;
    for (size_t i = 0; i < r.primary_key.size(); ++i) {
        const Field* f = r.field(r.primary_key[i]);
        params += ", const " + f->value_type + "& key" + std::to_string(i);
        args += ", key" + std::to_string(i);
    }
    p.emit(R"(
        std::optional<row> find(pqxx::dbtransaction& tx$params$) {
            auto res = hyperschema::exec_prepared(tx, statements().find$args$);
            if (res.empty()) return std::nullopt;
            return read(res, 0);
        }

    )",
           {{"params", params}, {"args", args}});
}

void print_scan(Printer& p) {
    p.emit(R"(
        std::vector<row> all(pqxx::dbtransaction& tx, std::int64_t limit) {
            static const std::string limited = statements().all + " LIMIT $$1";
            if (limit > 0) return hyperschema::rows_of(hyperschema::exec_prepared(tx, limited, limit), read<hyperschema::result>);
            return hyperschema::rows_of(hyperschema::exec_prepared(tx, statements().all), read<hyperschema::result>);
        }

        std::uint64_t for_each(pqxx::dbtransaction& tx, hyperschema::function_ref<void(const row&)> fn) {
            hyperschema::row_stream s(tx, statements().all);
            return hyperschema::for_each_row(s, read<hyperschema::stream_row>, fn);
        }

    )");
}

void print_range(Printer& p, const Relation& r) {
    const Field* time = r.field(r.time_column);
    if (!time) return;
    std::string filters;
    for (const auto& c : r.filters) filters += ", f." + r.field(c)->member;
    auto vars = p.with({{"type", time->value_type}, {"filters", filters}});
    p.emit(R"(
        std::vector<row> range(pqxx::dbtransaction& tx, const $type$& from, const $type$& to, const filter& f,
                               const hyperschema::range_options& o) {
            hyperschema::row_stream s(tx, range_sql(f, o, false), from, to$filters$, static_cast<std::int64_t>(o.limit));
            return hyperschema::collect_rows(s, read<hyperschema::stream_row>);
        }

        std::uint64_t for_each_in_range(pqxx::dbtransaction& tx, const $type$& from, const $type$& to, const filter& f,
                                        hyperschema::function_ref<void(const row&)> fn, const hyperschema::range_options& o) {
            hyperschema::row_stream s(tx, range_sql(f, o, false), from, to$filters$, static_cast<std::int64_t>(o.limit));
            return hyperschema::for_each_row(s, read<hyperschema::stream_row>, fn);
        }

    )");
    if (r.filters.empty()) return;
    p.emit(R"(
        std::vector<row> latest(pqxx::dbtransaction& tx, const $type$& from, const $type$& to, const filter& f) {
            return hyperschema::rows_of(hyperschema::exec_prepared(tx, range_sql(f, {}, true), from, to$filters$, std::int64_t{0}),
                                        read<hyperschema::result>);
        }

    )");
}

void print_refresh(Printer& p, const Relation& r) {
    const Field* bucket = r.field(r.time_column);
    if (bucket && is_integer_time(*bucket)) {
        p.emit(R"(
            void refresh(hyperschema::connection& conn, std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
                hyperschema::refresh_continuous_aggregate(conn, statements().relation, hyperschema::IntegerRefreshWindow{from, to},
                                                          $sql_type$);
            }

        )",
               {{"sql_type", cpp_string(bucket->sql_type)}});
        return;
    }
    p.emit(R"(
        void refresh(hyperschema::connection& conn, std::optional<hyperschema::timestamptz> from,
                     std::optional<hyperschema::timestamptz> to) {
            hyperschema::refresh_continuous_aggregate(conn, statements().relation, {from, to});
        }

    )");
}

void print_relation(Printer& p, const Schema& schema, const Relation& r) {
    auto vars = p.with({{"ns", cpp_scope_name(schema.name) + "::" + cpp_scope_name(r.name)},
                        {"relation", cpp_string(qualified(schema.namespace_, r.name))}});
    p.print("namespace $ns$ {\nnamespace {\n\n");
    print_statements(p, r);
    print_statements_end(p);
    print_reader(p, r);
    if (r.field(r.time_column)) print_range_sql(p, r);
    p.print("}  // namespace\n\n");
    if (r.table) print_writers(p, r);
    print_find(p, r);
    print_scan(p);
    if (!r.time_column.empty()) print_range(p, r);
    if (r.aggregate) print_refresh(p, r);
    p.print("}  // namespace $ns$\n\n");
}

}  // namespace

std::string schema_source(const Schema& schema, const std::vector<Relation>& relations,
                          const std::vector<Migration>* migrations, const ExpectedSchema& expected) {
    Printer p;
    p.emit(R"(
        // Generated by hyperschema $version$ from the schema `$schema$`. Do not edit:
        // regenerate with `hyperschema generate`. What the headers in
        // include/$schema$/ declare: compile it into the application (the CMake
        // function hyperschema_generate() builds it into a library).
        // clang-format off

        #include <hyperschema/hyperschema.hpp>

    )",
           {{"version", kVersion}, {"schema", schema.name}});
    // Only the headers of what this file defines: with `--sources N` each
    // file parses its share of the schema, not all of it.
    if (migrations) p.print("#include \"$schema$/migrations.hpp\"\n", {{"schema", schema.name}});
    for (const auto& r : relations) p.print("#include \"$path$\"\n", {{"path", relation_header_path(schema, r)}});
    p.print("\n");
    for (const auto& r : relations) print_relation(p, schema, r);
    if (migrations) p.print("$definitions$", {{"definitions", migrations_definitions(schema, *migrations, expected)}});
    return p.text();
}

}  // namespace hyperschema::emit

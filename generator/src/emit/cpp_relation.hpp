#pragma once

// A table, view or continuous aggregate as the generated C++ sees it: its
// row's fields (SQL name, C++ member and type), what kind of relation it is,
// its time column and the columns its range queries filter by. Both the
// headers (declarations) and the source (definitions) are written from it.

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::emit {

// One column of a generated row.
struct Field {
    std::string column;      // SQL name
    std::string member;      // C++ name
    std::string type;        // C++ field type (std::optional<...> when nullable)
    std::string value_type;  // without the optional
    std::string sql_type;    // format_type() spelling
    bool nullable = false;
    std::string note;  // what the YAML says that the type does not
    // Who gives the column its value on insert: the row, or the database
    // (serial, identity, generated), whose columns insert() leaves out.
    ValueSource source = ValueSource::Row;
    bool always_identity = false;  // GENERATED ALWAYS AS IDENTITY: writing it needs OVERRIDING SYSTEM VALUE
    bool extension_type = false;   // an extension's type (citext, hstore, ltree): parameters are cast to it
};

// A bucket or time column of integer time (smallint, integer, bigint).
bool is_integer_time(const Field& field);

struct Relation {
    std::string kind;       // "table", "hypertable", "view", "continuous aggregate"
    std::string directory;  // where its header goes: "tables", "views", "aggregates"
    std::string name;
    std::string comment;
    std::vector<Field> fields;
    std::string time_column;  // "" for plain tables and views
    std::vector<std::string> filters;
    std::vector<std::string> primary_key;
    std::vector<std::string> omitted;                // aggregate columns without a known type
    const Table* table = nullptr;                    // set for tables
    const ContinuousAggregate* aggregate = nullptr;  // set for aggregates

    const Field* field(const std::string& column) const;
    // Whether a column's value comes from the database: insert() then returns the row as stored.
    bool has_assigned_columns() const;
};

// Every relation with a row type, in the schema's order: tables, views that
// declare their columns, aggregates.
std::vector<Relation> relations_of(const Schema& schema);

// "::heatpump::": how generated code names the schema's namespace from inside another.
std::string enum_scope(const Schema& schema);

// The relation's header, relative to the schema's include directory:
// "heatpump/tables/readings.hpp".
std::string relation_header_path(const Schema& schema, const Relation& relation);

// Text for a `//` comment: YAML comments may hold newlines, and a trailing
// backslash would splice the next line of code into the comment.
std::string one_line(std::string text);

}  // namespace hyperschema::emit

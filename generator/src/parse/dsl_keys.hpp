#pragma once

// The DSL's vocabulary as data: every mapping the parser reads, with its
// keys, the forms each key's value may take, a description and an example.
// `hyperschema json-schema` writes it out as a JSON Schema for editors
// (emit/json_schema.cpp); the tests check it against the parser's own keys
// (every key the parser takes is here, and every key here is one it takes)
// and validate every good schema of the repository with it.

#include <string_view>
#include <vector>

namespace hyperschema::parse::dsl {

// How a value is written.
enum class Shape {
    String,      // any text
    Identifier,  // a lowercase SQL name: letters, digits, _, at most 63 bytes
    Sql,         // an SQL expression or statement, passed to the server (text)
    Boolean,
    Integer,
    Number,
    Interval,    // '5 minutes', '1 day 12 hours': a positive amount of time
    TimeAmount,  // an Interval, or a whole number (for an integer time column)
    ColumnType,  // a type as columns write it: `text`, `numeric(6,2)?`, `text[]`, an enum's name
    Names,       // one Identifier, or a list of them
    Choice,      // one of `choices`, or of a catalog's names (`target`: "aggregate_function", ...)
    Ref,         // the Definition named `target`
    MapOf,       // a mapping of names to the Definition named `target`
    ListOf,      // a list of the Definition named `target`
    Any,         // any YAML value (literal defaults, reference data rows)
};

struct Form {
    Shape shape;
    std::string_view target = {};                // Ref, MapOf, ListOf: a Definition's id; Choice: a catalog
    std::vector<std::string_view> choices = {};  // Choice: the words allowed
};

struct Key {
    std::string_view name;
    std::vector<Form> forms;  // the value is one of these
    std::string_view description;
    std::string_view example = {};  // YAML (flow style) of a typical value
    bool required = false;
};

// A mapping with `keys`, or (no keys) a value that is one of `forms`.
struct Definition {
    std::string_view id;  // "file", "table", "column", ...
    std::string_view description;
    std::vector<Key> keys;
    std::vector<Form> forms;
    bool extension_keys = false;  // `x-...` keys allowed (anchors for the rest of the file)
};

// Every definition; the first, "file", is a schema file's top level.
const std::vector<Definition>& definitions();
const Definition* find_definition(std::string_view id);

}  // namespace hyperschema::parse::dsl

#pragma once

// Names and types in generated C++, in one place (as flatbuffers' Namer):
// schema, table and column names become identifiers (a C++ keyword gets a
// trailing underscore), enum labels become enumerators, and each SQL type has
// one documented C++ type.

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::emit {

// `order` stays `order`, `class` becomes `class_`, `delete` becomes `delete_`;
// so do `row`, `std`, `pqxx` and `hyperschema`, names the generated code uses.
std::string cpp_identifier(const std::string& name);

// The name of a schema's namespace, or of a table's, view's or aggregate's
// namespace or an enum type inside it: as cpp_identifier, and also clear of
// the functions the generated code declares beside them (`migrations`,
// `expected_schema`, `to_string`), so a table named `migrations` is
// `migrations_`.
std::string cpp_scope_name(const std::string& name);

// The enumerators for an enum's labels, in order, unique: "in-progress" is
// in_progress, "2fa" is v_2fa.
std::vector<std::string> cpp_enumerators(const std::vector<std::string>& labels);

// The C++ type of a value of `type` (not counting NULL): std::int64_t,
// hyperschema::timestamptz, std::vector<std::string>, ... Enums are named
// fully qualified with `enum_scope` ("::heatpump::"), since a column may share
// its enum's name and would hide it inside the row.
std::string cpp_value_type(const ColumnType& type, const std::string& enum_scope);

// With NULL: std::optional<...> when nullable.
std::string cpp_field_type(const ColumnType& type, bool nullable, const std::string& enum_scope);

}  // namespace hyperschema::emit

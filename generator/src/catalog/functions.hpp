#pragma once

// Functions a default, check or index commonly calls, with what the compiler
// needs to know about them offline: the type they return (for a `default_sql`
// that must be assignable to its column) and the extension that provides
// them (for a call the schema's extensions do not cover). Each fact was read
// from pg_proc on PostgreSQL 15 and 17. Adding a function is one row.
//
// Volatility (which functions an index or aggregate may call) is still the
// lexer's list (sqltext/lexer.cpp, kNonImmutable).

#include <optional>
#include <span>
#include <string_view>

#include "model/column_type.hpp"

namespace hyperschema::catalog {

struct FunctionTraits {
    std::string_view name;
    std::optional<BaseType> result;  // nullopt: depends on the arguments
    std::string_view extension{};    // empty: built into PostgreSQL
};

// Types a function's arguments or result may have beyond the column types
// (catalog/column_types): pseudo-types and the catalog's reference types, as
// format_type() spells them. Adding one is a row.
struct RoutineTypeTraits {
    std::string_view name;
    bool argument;        // may type an argument (void, trigger: results only)
    bool set_returnable;  // `setof` it is a valid result
};
const RoutineTypeTraits* find_routine_type(std::string_view name);

// The row of a function by its (lowercase, unqualified) name, or nullptr.
const FunctionTraits* find_function(std::string_view name);

std::span<const FunctionTraits> all_functions();

// Whether a call of `name` is one the server resolves without help: a
// function of pg_catalog in PostgreSQL 15 (builtin_functions.inc, written by
// scripts/builtin-functions.sh), a construct that reads like a call
// (`coalesce`, `greatest`, `cast`), or a row of the table above.
bool is_known_function(std::string_view name);
// TimescaleDB's functions that schemas call (time_bucket, first, last, ...).
bool is_timescaledb_function(std::string_view name);
// Every name of builtin_functions.inc, sorted, and of TimescaleDB's list (for their test).
std::span<const std::string_view> builtin_function_names();
std::span<const std::string_view> timescaledb_function_names();

}  // namespace hyperschema::catalog

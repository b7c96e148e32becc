#pragma once

// Functions a default, check or index commonly calls, with what the compiler
// needs to know about them offline: the type they return (for a `default_sql`
// that must be assignable to its column), their volatility (an index or a
// continuous aggregate calls only IMMUTABLE ones) and the extension that
// provides them (for a call the schema's extensions do not cover). Each fact
// was read from pg_proc on PostgreSQL 15 and 17
// (tests/integration/function_catalog_test.cpp checks them). Adding a
// function is one row.

#include <optional>
#include <span>
#include <string_view>

#include "model/column_type.hpp"

namespace hyperschema::catalog {

// pg_proc.provolatile: an IMMUTABLE function's result depends on its
// arguments alone; a STABLE one's also on settings or the transaction's start
// (now(), TimeZone); a VOLATILE one's can change between calls (random()).
enum class Volatility { Immutable, Stable, Volatile };

struct FunctionTraits {
    std::string_view name;
    std::optional<BaseType> result;  // nullopt: depends on the arguments
    Volatility volatility;
    std::string_view extension{};  // empty: built into PostgreSQL
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

// Whether a call of `name` (or the SQL keyword, `current_timestamp`) may
// give another value for the same arguments: a row of the table above that is
// not IMMUTABLE.
bool is_non_immutable(std::string_view name);

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

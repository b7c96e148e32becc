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

// The row of a function by its (lowercase, unqualified) name, or nullptr.
const FunctionTraits* find_function(std::string_view name);

std::span<const FunctionTraits> all_functions();

}  // namespace hyperschema::catalog

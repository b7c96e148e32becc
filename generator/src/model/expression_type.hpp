#pragma once

// The type PostgreSQL gives an expression (an aggregate column's, a default,
// a check), worked out on PostgreSQL's own parse tree (sqltext/expression.hpp)
// the way the server's analysis does for the forms such expressions take: column references,
// literals, casts, arithmetic, CASE, COALESCE and friends, and calls of the
// aggregates in catalog/aggregate_functions.hpp (with DISTINCT, ORDER BY,
// WITHIN GROUP and FILTER). `last(e, time) - first(e, time)` over a double
// precision `e` is double precision; `sum(CASE WHEN ok THEN 1 ELSE 0 END)` is
// bigint. Anything else yields nullopt, and the YAML must say the type.
// tests/integration/aggregate_catalog_test.cpp compares the answers with
// pg_typeof() on the server.

#include <optional>
#include <string>

#include "model/relations.hpp"
#include "sqltext/expression.hpp"

namespace hyperschema {

std::optional<ColumnType> infer_expression_type(const std::string& expression, const RelationShape& source);
// The same of an expression already parsed.
std::optional<ColumnType> infer_expression_type(const sqltext::Expr& expression, const RelationShape& source);

// The outermost aggregate function an expression calls, by name ("" when
// none is found): for hints when the type cannot be inferred.
std::string outermost_aggregate(const std::string& expression);

}  // namespace hyperschema

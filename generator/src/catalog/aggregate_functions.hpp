#pragma once

// The aggregate functions hyperschema knows, one record each, as
// pg_aggregate keeps them: whether the function is an ordered-set aggregate
// (called with WITHIN GROUP), which argument types it takes and what it
// returns for each. The validator asks a record whether a call is one
// PostgreSQL accepts; type inference asks it what an aggregate column yields.
// Every record was checked against PostgreSQL 15 and 17 and TimescaleDB 2.28
// (tests/integration/aggregate_catalog_test.cpp asks the server again for
// every function and argument type in each run).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/column_type.hpp"

namespace hyperschema::catalog {

enum class AggregateForm {
    Plain,       // fn([DISTINCT] args [ORDER BY ...]) [FILTER (WHERE ...)]
    OrderedSet,  // fn(direct args) WITHIN GROUP (ORDER BY key) [FILTER (WHERE ...)]; no DISTINCT
};

// What the function returns for a value of `argument` (the first argument of
// a plain aggregate, the WITHIN GROUP key of an ordered-set one); nullopt when
// PostgreSQL has no such function ("function sum(text) does not exist").
using AggregateResult = std::optional<ColumnType> (*)(const ColumnType& argument);

struct AggregateFunction {
    std::string_view name{};
    AggregateForm form = AggregateForm::Plain;
    AggregateResult result = nullptr;
    std::string_view accepts{};   // the argument types, in words, for messages
    std::string_view provider{};  // "PostgreSQL" or "TimescaleDB"
    // Whether the result is an array when the direct argument is an array of
    // fractions (percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (...)).
    bool array_of_fractions = false;
    // How results over fine buckets combine into the result over a coarser
    // bucket, `{}` standing for the fine results and `{bucket}` for their
    // bucket ("sum({})", count's "sum({})::bigint", last's "last({}, {bucket})");
    // empty when they do not (avg, percentiles, DISTINCT counts). A rebuilt
    // aggregate with a coarser bucket keeps its history through it.
    std::string_view rollup{};

    // PostgreSQL refuses DISTINCT and an ORDER BY inside the parentheses of an
    // ordered-set aggregate ("cannot use DISTINCT with WITHIN GROUP"); FILTER
    // every aggregate takes. TimescaleDB 2.28 accepts all three in continuous
    // aggregates.
    bool allows_distinct() const { return form == AggregateForm::Plain; }
    bool allows_order_by() const { return form == AggregateForm::Plain; }
    bool requires_within_group() const { return form == AggregateForm::OrderedSet; }
};

// The record of aggregate `name` (lowercase, unqualified), or nullptr.
const AggregateFunction* find_aggregate_function(std::string_view name);

std::span<const AggregateFunction> all_aggregate_functions();

// Aggregates of PostgreSQL's own catalog that hyperschema has no type rules
// for (regr_*, xmlagg, range_agg, ...): they are aggregates, so a column
// passed to them is aggregated, but their result must be declared.
bool is_untyped_aggregate(std::string_view name);

}  // namespace hyperschema::catalog

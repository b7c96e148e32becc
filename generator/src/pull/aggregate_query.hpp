#pragma once

// A continuous aggregate's SELECT, as the server prints it, taken apart into
// what the DSL writes: the bucket's column, the group-by columns, the other
// columns with their expressions, WHERE, and the order of the output. The
// source's qualifier (`readings.power_w`) is dropped, as a person writes it.

#include <optional>
#include <string>
#include <vector>

namespace hyperschema::pull {

struct AggregateQuery {
    std::string bucket_column;
    std::vector<std::string> group_by;
    std::vector<std::pair<std::string, std::string>> columns;  // name, expression
    std::vector<std::string> output;                           // every column, in the SELECT's order
    std::string where;
};

// nullopt, and why in *problem, when the query is more than the DSL says
// (a join, a GROUP BY on an expression, HAVING ...).
std::optional<AggregateQuery> split_aggregate_query(const std::string& query, const std::string& source,
                                                    std::string* problem);

// The SQL with `qualifier.` removed before column names.
std::string without_qualifier(const std::string& sql, const std::string& qualifier);

}  // namespace hyperschema::pull

#pragma once

// A continuous aggregate's SELECT, as the server prints it, taken apart into
// what the DSL writes: the joins, the bucket's column, the group-by keys, the
// other columns with their expressions, WHERE, and the order of the output.
// Without joins the source's qualifier (`readings.power_w`) is dropped, as a
// person writes it.

#include <optional>
#include <string>
#include <vector>

namespace hyperschema::pull {

struct AggregateQuery {
    struct Join {
        std::string table;
        bool left = false;
        std::string on;
    };
    // A group-by entry: a column as the YAML writes it (`device_id`,
    // `devices.site_id`), or an expression and the output column it becomes.
    struct GroupKey {
        std::string name;
        std::string column;
        std::string expression;
    };
    std::string bucket_column;
    std::vector<Join> joins;
    std::vector<GroupKey> group_by;
    std::vector<std::pair<std::string, std::string>> columns;  // name, expression
    std::vector<std::string> output;                           // every column, in the SELECT's order
    std::string where;
};

// nullopt, and why in *problem, when the query is more than the DSL says
// (a comma join, HAVING, ORDER BY, a group key it does not output ...).
// With joins, columns stay qualified and aliases become the tables' names.
std::optional<AggregateQuery> split_aggregate_query(const std::string& query, const std::string& source,
                                                    std::string* problem);

// The SQL with `qualifier.` removed before column names.
std::string without_qualifier(const std::string& sql, const std::string& qualifier);

}  // namespace hyperschema::pull

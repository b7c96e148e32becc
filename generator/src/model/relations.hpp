#pragma once

// What a relation looks like from the outside: the columns a continuous
// aggregate reads from its source and the columns it produces. Hierarchical
// aggregates read the output of their parent, so this is computed, not stored.

#include <optional>
#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema {

struct RelationColumn {
    std::string name;
    std::optional<ColumnType> type;  // nullopt: an expression whose type we cannot infer
    bool nullable = true;
};

struct RelationShape {
    std::vector<RelationColumn> columns;
    std::string time_column;  // the hypertable's time column or the parent's bucket column
    bool found = false;       // false when the source does not exist or is not time-partitioned

    const RelationColumn* find(const std::string& name) const;
    std::vector<std::string> names() const;
};

// The columns of a hypertable or continuous aggregate called `name`.
RelationShape shape_of(const Schema& schema, const std::string& name, int depth = 0);

// The columns an aggregate produces: bucket, group-by columns, aggregates.
RelationShape output_of(const Schema& schema, const ContinuousAggregate& aggregate, int depth = 0);

}  // namespace hyperschema

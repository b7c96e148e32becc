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

    // `relation.column` for each relation an aggregate's FROM clause reads
    // (its source and joined tables), and the bare names that more than one
    // of them has, which PostgreSQL refuses unqualified ("column reference
    // ... is ambiguous") and `columns` leaves out.
    struct Qualified {
        std::string relation;
        RelationColumn column;
    };
    std::vector<Qualified> qualified;
    std::vector<std::string> ambiguous;

    const RelationColumn* find(const std::string& name) const;
    const RelationColumn* find_qualified(const std::string& relation, const std::string& column) const;
    std::vector<std::string> names() const;
    std::vector<std::string> relations() const;  // the qualifiers, in FROM order
    std::vector<std::string> columns_of(const std::string& relation) const;
    std::vector<std::string> relations_with(const std::string& column) const;
};

// The columns of a hypertable or continuous aggregate called `name`.
RelationShape shape_of(const Schema& schema, const std::string& name, int depth = 0);
// A table's columns, for typing an expression over one of its rows (a
// default, a check, an index key).
RelationShape row_shape_of(const Table& table);

// The columns an aggregate's expressions read: its source's, and with
// `joins`, those of each joined table (nullable after a LEFT JOIN).
RelationShape from_shape(const Schema& schema, const ContinuousAggregate& aggregate, int depth = 0);

// The columns an aggregate produces: bucket, group-by columns, aggregates.
RelationShape output_of(const Schema& schema, const ContinuousAggregate& aggregate, int depth = 0);

}  // namespace hyperschema

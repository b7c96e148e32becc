#pragma once

// The order objects must be created in: tables after the tables they
// reference, views and continuous aggregates after what they read. Ties keep
// the order of the YAML, so output is deterministic and reads like the source.

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema {

struct DerivedRelation {
    const View* view = nullptr;
    const ContinuousAggregate* aggregate = nullptr;
    const std::string& name() const { return view ? view->name : aggregate->name; }
};

struct CreationOrder {
    std::vector<const Table*> tables;
    std::vector<DerivedRelation> relations;  // views and aggregates
    // Each cycle as the names along it; objects in a cycle are appended at the
    // end of their list in YAML order so emitters still see every object.
    std::vector<std::vector<std::string>> table_cycles;
    std::vector<std::vector<std::string>> relation_cycles;
};

CreationOrder creation_order(const Schema& schema);

// Schema objects (tables, views, aggregates) a view reads: those it declares
// in depends_on plus those named after FROM/JOIN in its SQL.
std::vector<std::string> view_dependencies(const Schema& schema, const View& view);

}  // namespace hyperschema

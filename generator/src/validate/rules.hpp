#pragma once

// Internal to the validator: the rule groups, one file each.

#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "model/relations.hpp"
#include "model/schema.hpp"

namespace hyperschema::rules {

void check_names(const Schema& schema, Diagnostics& diags);
void check_dependencies(const Schema& schema, Diagnostics& diags);
void check_table(const Schema& schema, const Table& table, Diagnostics& diags);
void check_indexes(const Schema& schema, const Table& table, Diagnostics& diags);
void check_hypertable(const Schema& schema, const Table& table, Diagnostics& diags);
void check_aggregate(const Schema& schema, const ContinuousAggregate& aggregate, Diagnostics& diags);
void check_view(const Schema& schema, const View& view, Diagnostics& diags);

// Shared checks of SQL fragments.
struct FragmentRules {
    std::string what;                                   // "the `where` of index `x`"
    const std::vector<std::string>* columns = nullptr;  // when set, bare identifiers must be among these
    bool require_immutable = false;
    std::string immutable_reason;  // why immutability is required
};
void check_fragment(const std::string& sql, const SourceLocation& loc, const FragmentRules& rules, Diagnostics& diags);

void check_compression(const std::vector<std::string>& columns, const Compression& compression,
                       const std::string& owner, Diagnostics& diags);

std::vector<std::string> column_names(const Table& table);

}  // namespace hyperschema::rules

#pragma once

// What it takes to move a database from one schema state to another: a list
// of changes, each a few SQL statements, in an order the database accepts.

#include <string>
#include <vector>

#include "diag/source_location.hpp"

namespace hyperschema::diff {

// Where a statement runs. PostgreSQL refuses some statements inside a
// transaction block (CREATE INDEX CONCURRENTLY) or makes their effect unusable
// until commit (ALTER TYPE ... ADD VALUE): those run before or after the one
// transaction that holds everything else.
enum class Phase { BeforeTransaction, Transaction, AfterTransaction };

struct Statement {
    std::string sql;  // one or more complete statements, each ending in ";\n"
    Phase phase = Phase::Transaction;
};

struct Change {
    std::string summary;  // "+ table devices", "~ column metrics.value: real -> double precision"
    std::vector<Statement> statements;
    // Data this change loses, in words ("every row of table x"); empty when
    // none. Such changes are refused unless explicitly allowed.
    std::string data_at_risk;
    // What the reverse migration cannot give back, for its comments.
    std::string irreversible;
    SourceLocation loc;  // where in the YAML the change comes from, when known
};

struct Plan {
    std::vector<Change> changes;
    // A schema outside `public` is written as in its YAML: view bodies, checks
    // and defaults name its objects unqualified. From change
    // `unqualified_from` on (after the extensions, which would otherwise be
    // installed into it), the transaction runs with the namespace first in
    // its search_path. Empty for `public`.
    std::string search_namespace;
    size_t unqualified_from = 0;
    // Changes that hyperschema cannot express as a migration, with the reason.
    std::vector<std::pair<SourceLocation, std::string>> unsupported;

    bool empty() const { return changes.empty() && unsupported.empty(); }
    bool destructive() const;
};

}  // namespace hyperschema::diff

#pragma once

// Versioned migrations on disk: <dir>/NNNN_name.up.sql and .down.sql, the
// state the last one leaves (snapshot.yaml, canonical DSL YAML), and
// hyperschema.sum, the checksums of all of them (like atlas.sum), so an edited
// or lost file is noticed.

#include <optional>
#include <string>
#include <vector>

#include "diff/plan.hpp"
#include "model/schema.hpp"

namespace hyperschema::history {

// The marker before statements that PostgreSQL or TimescaleDB refuse inside a
// transaction block. Everything before it runs in one transaction; each
// statement after it runs on its own. psql ignores it (it is a comment); the
// hyperschema runtime reads it.
inline constexpr const char* kNoTransactionMarker = "-- hyperschema:no-transaction";

inline constexpr const char* kSnapshotFile = "snapshot.yaml";
inline constexpr const char* kSumFile = "hyperschema.sum";

struct MigrationFiles {
    int version = 0;
    std::string name;  // "add_site"
    std::string stem;  // "0002_add_site"
    bool has_up = false;
    bool has_down = false;
};

struct History {
    std::string dir;
    std::vector<MigrationFiles> migrations;  // by version
    std::vector<std::string> problems;       // numbering, missing halves, stray files
    std::optional<std::string> snapshot;     // its text
    std::optional<std::string> sum;          // hyperschema.sum's text

    int last_version() const { return migrations.empty() ? 0 : migrations.back().version; }
};

History read_history(const std::string& dir);

// hyperschema.sum for the files in the directory: a total line, then one line
// per file (migrations in order, then the snapshot).
std::string checksum_text(const std::string& dir, const History& history);

// Lines of hyperschema.sum that do not match the files, in words.
std::vector<std::string> checksum_problems(const std::string& dir, const History& history);

// The plan's statements: those before the transaction (after a
// kNoTransactionMarker), the transaction, those after it (after another).
std::string render_statements(const diff::Plan& plan);

// The SQL file of one direction of a migration, with its header, the change
// list, data-loss notes and the transaction markers.
std::string render_migration(const diff::Plan& plan, const std::string& schema, const std::string& stem, bool up,
                             const std::vector<std::string>& irreversible);

// The migration name as a file-name part: lowercase letters, digits, `_`.
std::optional<std::string> migration_name(const std::string& raw, std::string* why);

}  // namespace hyperschema::history

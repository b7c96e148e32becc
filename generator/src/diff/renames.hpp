#pragma once

// Which objects of the old state are which objects of the new one: same name,
// or declared renamed with `renamed_from`.

#include <map>
#include <string>
#include <vector>

#include "diff/diff.hpp"

namespace hyperschema::diff {

class Renames {
public:
    Renames(const Schema& from, const Schema& to, Direction direction);

    // The name in `to` of table (or continuous aggregate) `from_name`, or ""
    // when it is gone.
    std::string table_in_to(const std::string& from_name) const;
    // The name in `from` of table `to_name`, or "" when it is new.
    std::string table_in_from(const std::string& to_name) const;
    // Likewise for columns, by the table's name in `to` / `from`.
    std::string column_in_to(const std::string& from_table, const std::string& from_column) const;
    std::string column_in_from(const std::string& to_table, const std::string& to_column) const;

    bool table_renamed(const std::string& to_name) const;

    // SQL written against the old state (an aggregate's WHERE, a column's
    // expression) with the tables and columns it names renamed as the new
    // state names them: `relation.column` by the relation, a bare column as
    // one of `read`'s tables (old names; the first that has it). PostgreSQL
    // and TimescaleDB follow such renames in the objects that read them, so
    // an expression that differs only by them is the same definition.
    std::string sql_in_to(const std::string& sql, const std::vector<std::string>& read) const;

private:
    const Schema& from_;
    const Schema& to_;
    std::map<std::string, std::string> table_to_from_, table_from_to_;
    // keyed by (to table, to column) and (from table, from column)
    std::map<std::pair<std::string, std::string>, std::string> column_to_from_, column_from_to_;
};

}  // namespace hyperschema::diff

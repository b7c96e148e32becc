// Indexes: what each access method accepts, predicates, and hypertable limits.

#include <algorithm>

#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

const char* method_name(IndexMethod m) {
    switch (m) {
        case IndexMethod::Btree:
            return "btree";
        case IndexMethod::Hash:
            return "hash";
        case IndexMethod::Gin:
            return "gin";
        case IndexMethod::Gist:
            return "gist";
        case IndexMethod::Brin:
            return "brin";
    }
    return "btree";
}

void check_method_limits(const Index& index, const std::string& what, Diagnostics& diags) {
    const std::string method = method_name(index.method);
    if (index.unique && index.method != IndexMethod::Btree) {
        diags.error(index.loc, what + " is unique, but access method `" + method +
                                   "` does not support unique indexes; only btree does");
    }
    if (index.method == IndexMethod::Hash && index.keys.size() > 1) {
        diags.error(index.loc, what + " has " + std::to_string(index.keys.size()) +
                                   " keys, but access method `hash` does not support multicolumn indexes");
    }
    if (!index.include.empty() && index.method != IndexMethod::Btree && index.method != IndexMethod::Gist) {
        diags.error(index.include.front().loc, what + " uses `include`, which access method `" + method +
                                                   "` does not support; only btree and gist do");
    }
    if (index.method != IndexMethod::Btree) {
        for (const auto& key : index.keys) {
            if (key.order != SortOrder::Default || key.nulls != NullsOrder::Default) {
                diags.error(key.loc, what + ": access method `" + method +
                                         "` does not support ASC/DESC or NULLS FIRST/LAST; only btree does");
            }
        }
    }
}

// An operator class must exist for the column's type under this method.
void check_key_type(const Schema& schema, const Index& index, const KeyPart& key, const Column& column,
                    const std::string& what, Diagnostics& diags) {
    const ColumnType& t = column.type;
    if (index.method == IndexMethod::Gin && !t.is_array() && t.base != BaseType::Jsonb) {
        std::string fix = t.base == BaseType::Json ? "; change the column to `jsonb` (json has no GIN support)"
                                                   : "; GIN indexes jsonb and array columns, use btree here";
        diags.error(key.loc, what + ": data type `" + t.sql() + "` of column `" + column.name +
                                 "` has no default operator class for access method `gin`" + fix);
    }
    if (index.method != IndexMethod::Gin && t.base == BaseType::Json) {
        diags.error(key.loc, what + ": data type `json` of column `" + column.name +
                                 "` has no default operator class for access method `" + method_name(index.method) +
                                 "`; use `jsonb`");
    }
    if (index.method == IndexMethod::Gist && !t.is_array()) {
        bool has_btree_gist = std::any_of(schema.extensions.begin(), schema.extensions.end(),
                                          [](const Extension& e) { return e.name == "btree_gist"; });
        if (!has_btree_gist) {
            diags.error(key.loc, what + ": data type `" + t.sql() + "` of column `" + column.name +
                                     "` has no default operator class for access method `gist`; add the "
                                     "`btree_gist` extension or use btree");
        }
    }
}

void check_hypertable_index(const Table& table, const Index& index, const std::string& what, Diagnostics& diags) {
    if (index.concurrently) {
        diags.error(index.loc, what +
                                   " is marked `concurrently`, but TimescaleDB refuses CREATE INDEX CONCURRENTLY "
                                   "on hypertables; remove `concurrently` (TimescaleDB builds hypertable indexes "
                                   "chunk by chunk)");
    }
    if (!index.unique) return;
    std::vector<std::string> partitioning{table.hypertable->time_column.name};
    if (table.hypertable->space) partitioning.push_back(table.hypertable->space->column.name);
    for (const auto& column : partitioning) {
        bool covered =
            std::any_of(index.keys.begin(), index.keys.end(), [&](const KeyPart& k) { return k.column == column; });
        if (!covered) {
            diags.error(index.loc, what + " is unique on a hypertable but does not include column `" + column +
                                       "`, which TimescaleDB partitions by; add it to the index");
        }
    }
}

}  // namespace

void check_indexes(const Schema& schema, const Table& table, Diagnostics& diags) {
    const auto names = column_names(table);
    for (const auto& index : table.indexes) {
        const std::string what = "index `" + index.name + "`";
        check_method_limits(index, what, diags);
        for (const auto& key : index.keys) {
            if (key.is_expression()) {
                check_fragment(key.expression, key.loc,
                               {"an expression of " + what, &names, true,
                                "PostgreSQL requires functions in index expressions to be IMMUTABLE"},
                               diags);
                continue;
            }
            const Column* column = table.find_column(key.column);
            if (!column) {
                diags.error(key.loc, "unknown column `" + key.column + "` in " + what + " of table `" + table.name +
                                         "`" + did_you_mean(key.column, names));
                continue;
            }
            check_key_type(schema, index, key, *column, what, diags);
        }
        for (const auto& inc : index.include) {
            if (!table.find_column(inc.name)) {
                diags.error(inc.loc, "unknown column `" + inc.name + "` in `include` of " + what +
                                         did_you_mean(inc.name, names));
            }
        }
        check_fragment(index.where, index.where_loc,
                       {"the `where` predicate of " + what, &names, true,
                        "PostgreSQL requires functions in index predicates to be IMMUTABLE (a partial index "
                        "cannot move with the clock); filter on a fixed value, or drop `where` and filter in queries"},
                       diags);
        if (table.hypertable) check_hypertable_index(table, index, what, diags);
    }
}

}  // namespace hyperschema::rules

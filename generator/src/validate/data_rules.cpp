// Reference data: what the migration's INSERT ... ON CONFLICT would refuse
// is refused here, at the row's line: a key that is not the primary key or
// a unique constraint (ON CONFLICT needs one), a row without its key, a
// column the table lacks or computes itself, NULL in a NOT NULL column, a
// value the column's type does not read, and two rows with one key.

#include <algorithm>
#include <map>
#include <set>

#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

bool same_set(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// Whether `key` is the table's primary key or one of its unique constraints.
bool is_unique_key(const Table& table, const std::vector<std::string>& key) {
    if (table.primary_key && same_set(names_of(table.primary_key->columns), key)) return true;
    for (const auto& u : table.uniques)
        if (same_set(names_of(u.columns), key)) return true;
    for (const auto& index : table.indexes) {
        if (!index.unique || !index.where.empty()) continue;
        std::vector<std::string> columns;
        for (const auto& part : index.keys)
            if (!part.is_expression()) columns.push_back(part.column);
        if (columns.size() == index.keys.size() && same_set(columns, key)) return true;
    }
    return false;
}

bool check_key(const Table& table, const std::string& what, Diagnostics& diags) {
    const TableData& data = *table.data;
    const std::vector<std::string> key = table.data_key();
    if (key.empty()) {
        diags.error(data.loc, what + " needs rows identified by a key: table `" + table.name +
                                  "` has no primary key; declare one, or name a unique constraint's columns with "
                                  "`data: {key: [...], rows: [...]}`");
        return false;
    }
    if (!data.key.empty() && !is_unique_key(table, key)) {
        diags.error(data.key.front().loc, "the `key` of " + what +
                                              " must be the primary key or a unique constraint "
                                              "of `" +
                                              table.name + "` (INSERT ... ON CONFLICT needs one); declare `unique: [[" +
                                              data.key.front().name + (key.size() > 1 ? ", ..." : "") + "]]`");
        return false;
    }
    return true;
}

void check_value(const Schema& schema, const Table& table, const TableData::Row& row, const std::string& column,
                 const std::optional<std::string>& value, const std::string& what, Diagnostics& diags) {
    const Column* c = table.find_column(column);
    if (!c) {
        std::vector<std::string> names;
        for (const auto& each : table.columns) names.push_back(each.name);
        diags.error(row.loc, "a row of " + what + " gives `" + column + "`, which is not a column of `" + table.name +
                                 "`" + did_you_mean(column, names));
        return;
    }
    if (c->identity && c->identity->always) {
        diags.error(row.loc, "a row of " + what + " gives `" + column +
                                 "`, an identity column GENERATED ALWAYS, which refuses given values; leave it out "
                                 "or declare it `identity: by_default`");
        return;
    }
    if (c->value_source() == ValueSource::Generated) {
        diags.error(row.loc, "a row of " + what + " gives `" + column +
                                 "`, a generated column, which PostgreSQL computes and refuses values for");
        return;
    }
    if (!value) {
        if (schema.column_not_null(*c))
            diags.error(row.loc, "a row of " + what + " sets `" + column + "` to NULL, but the column is NOT NULL");
        return;
    }
    if (std::string problem = value_problem(schema, *c, *value); !problem.empty())
        diags.error(row.loc, "a row of " + what + ": `" + *value + "` is not a value of `" + column + "` (" +
                                 c->type.sql() + "): " + problem);
}

// A NOT NULL column the row leaves out must get a value from somewhere.
void check_missing(const Schema& schema, const Table& table, const TableData::Row& row, const std::string& what,
                   Diagnostics& diags) {
    for (const auto& c : table.columns) {
        if (row.find(c.name) || !schema.column_not_null(c) || c.assigned_by_database()) continue;
        if (c.default_value.kind != ColumnDefault::Kind::None) continue;
        diags.error(row.loc, "a row of " + what + " leaves out `" + c.name +
                                 "`, which is NOT NULL and has no default; give it a value");
    }
}

}  // namespace

void check_table_data(const Schema& schema, const Table& table, Diagnostics& diags) {
    const std::string what = "the `data` of table `" + table.name + "`";
    if (!check_key(table, what, diags)) return;
    const std::vector<std::string> key = table.data_key();
    std::map<std::vector<std::optional<std::string>>, const TableData::Row*> seen;
    for (const auto& row : table.data->rows) {
        for (const auto& [column, value] : row.values) check_value(schema, table, row, column, value, what, diags);
        check_missing(schema, table, row, what, diags);
        std::vector<std::optional<std::string>> id;
        bool complete = true;
        for (const auto& k : key) {
            const auto* v = row.find(k);
            complete = complete && v && *v;
            id.push_back(v ? *v : std::nullopt);
        }
        if (!complete) {
            diags.error(
                row.loc, "a row of " + what + " lacks a value for its key (" + [&] {
                    std::string list;
                    for (const auto& k : key) list += (list.empty() ? "" : ", ") + k;
                    return list;
                }() + "), by which migrations find it again");
            continue;
        }
        if (auto [it, fresh] = seen.emplace(id, &row); !fresh) {
            auto& d = diags.error(row.loc, "two rows of " + what + " have the same key");
            Diagnostics::add_note(d, it->second->loc, "the first is here");
        }
    }
}

}  // namespace hyperschema::rules

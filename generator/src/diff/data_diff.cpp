// Reference data, row by row: a row new or with other values is upserted
// (after the table and its constraints exist, parents before children), a
// row gone from the YAML is deleted (children first), which is destructive.

#include <map>

#include "diff/object_diff.hpp"
#include "emit/data_statements.hpp"
#include "model/dependencies.hpp"

namespace hyperschema::diff {
namespace {

using Values = std::map<std::string, std::optional<std::string>>;

// A previous row under the table's current column names (renamed columns
// mapped), so that it is keyed as the current rows are.
TableData::Row renamed(const TableData::Row& row, const Table& now) {
    TableData::Row out = row;
    for (auto& [column, value] : out.values) {
        for (const auto& c : now.columns)
            if (c.renamed_from && c.renamed_from->name == column) column = c.name;
    }
    return out;
}

// Rows by their key's label; rows without a full key (a key changed to a
// column they do not give) cannot be found again and are left out.
std::map<std::string, TableData::Row> rows_by_key(const Table* table, const Table& keyed_by) {
    std::map<std::string, TableData::Row> out;
    if (!table || !table->data) return out;
    for (const auto& original : table->data->rows) {
        const TableData::Row row = renamed(original, keyed_by);
        bool complete = true;
        for (const auto& k : keyed_by.data_key()) {
            const auto* v = row.find(k);
            complete = complete && v && *v;
        }
        if (complete) out.emplace(emit::row_label(keyed_by, row), row);
    }
    return out;
}

Values values_of(const TableData::Row& row) {
    return Values(row.values.begin(), row.values.end());
}

const Table* previous(const Schema& from, const Table& table) {
    const Table* old = from.find_table(table.name);
    if (!old && table.renamed_from) old = from.find_table(table.renamed_from->name);
    return old;
}

std::string rows_text(size_t n) {
    return std::to_string(n) + (n == 1 ? " row" : " rows");
}

}  // namespace

// Upserts first, parents before children (a child row may move to a new
// parent row before its old parent row goes), then deletes, children first.
// A table whose `data:` is taken out of the YAML is no longer managed: its
// rows stay (`data: []` deletes them).
void diff_table_data(const Schema& from, const Schema& to, Output& out) {
    const CreationOrder order = creation_order(to);
    for (const Table* table : order.tables) {
        if (!table->data) continue;
        const auto before = rows_by_key(previous(from, *table), *table);
        std::string sql;
        size_t added = 0, changed = 0;
        for (const auto& row : table->data->rows) {
            auto old = before.find(emit::row_label(*table, row));
            if (old != before.end() && values_of(old->second) == values_of(row)) continue;
            (old == before.end() ? added : changed) += 1;
            sql += emit::upsert_row(to, *table, row);
        }
        if (sql.empty()) continue;
        sql += emit::advance_sequences(to, *table);
        std::string summary = "+ data " + table->name + ": " + rows_text(added);
        if (changed) summary += ", " + std::to_string(changed) + " changed";
        out.add(Stage::ReferenceData, summary, sql, Phase::Transaction, table->data->loc);
    }
    for (auto it = order.tables.rbegin(); it != order.tables.rend(); ++it) {
        const Table& table = **it;
        if (!table.data) continue;
        const auto now = rows_by_key(&table, table);
        std::string sql, labels;
        size_t gone = 0;
        for (const auto& [label, row] : rows_by_key(previous(from, table), table)) {
            if (now.count(label)) continue;
            sql += emit::delete_row(to, table, row);
            labels += (labels.empty() ? "" : "; ") + label;
            ++gone;
        }
        if (gone == 0) continue;
        Change& ch = out.add(Stage::DeleteReferenceData, "- data " + table.name + ": " + rows_text(gone), sql);
        ch.data_at_risk = rows_text(gone) + " of reference data in table " + table.name + " (" + labels + ")";
    }
}

}  // namespace hyperschema::diff
